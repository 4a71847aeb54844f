// Give every drawn diagram the accessible title and description written in its
// source (accTitle / accDescr). Mermaid 11 drops them for some diagram types,
// such as timeline, which leaves a screen reader with an unnamed graphic.
(() => {
  const sourceLine = (text, key) => {
    const match = text.match(new RegExp(`^\\s*${key}\\s*:\\s*(.+)$`, "m"));
    return match ? match[1].trim() : "";
  };
  const name = (pre, index) => {
    const svg = pre.querySelector("svg[aria-roledescription]");
    if (!svg || svg.querySelector(":scope > title")) return;
    const escaped = pre.getAttribute("data-original-code") || "";
    const text = new DOMParser().parseFromString(escaped, "text/html").documentElement.textContent;
    const parts = { title: sourceLine(text, "accTitle"), desc: sourceLine(text, "accDescr") };
    for (const [tag, value] of Object.entries(parts)) {
      if (!value) continue;
      const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
      node.id = `${svg.id || "diagram-" + index}-${tag}`;
      node.textContent = value;
      svg.prepend(node);
      svg.setAttribute(tag === "title" ? "aria-labelledby" : "aria-describedby", node.id);
    }
  };
  const nameAll = () => document.querySelectorAll("pre.mermaid").forEach(name);
  new MutationObserver(nameAll).observe(document.body, { subtree: true, childList: true });
})();
