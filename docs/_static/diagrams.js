// Finishing touches on every diagram Mermaid draws (it redraws on a theme change):
// 1. Its accessible title and description, from the source's accTitle / accDescr lines.
//    Mermaid 11 drops them for some diagram types, such as timeline.
// 2. No wider than Mermaid drew it: sphinxcontrib-mermaid stretches every diagram to the
//    full column, which blows a narrow diagram up to twice its size on a wide screen.
(() => {
  const sourceLine = (text, key) => {
    const match = text.match(new RegExp(`^\\s*${key}\\s*:\\s*(.+)$`, "m"));
    return match ? match[1].trim() : "";
  };
  const name = (svg, pre, index) => {
    if (svg.querySelector(":scope > title")) return;
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
  const capWidth = (svg) => {
    const natural = svg.viewBox.baseVal && svg.viewBox.baseVal.width;
    if (natural && svg.style.getPropertyPriority("max-width") !== "important") {
      svg.style.setProperty("max-width", `${natural}px`, "important");
      svg.style.setProperty("margin", "0 auto");
      svg.style.setProperty("display", "block");
    }
  };
  const finish = () =>
    document.querySelectorAll("pre.mermaid").forEach((pre, index) => {
      const svg = pre.querySelector("svg[aria-roledescription]");
      if (!svg) return;
      name(svg, pre, index);
      capWidth(svg);
    });
  new MutationObserver(finish).observe(document.body, { subtree: true, childList: true });
})();
