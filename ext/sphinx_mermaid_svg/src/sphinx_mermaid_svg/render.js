async ([code, config, id]) => {
  // Runs in the drawing page (render.py), with Mermaid loaded: draw `code` with `config`,
  // then keep only the ids something refers to (Mermaid repeats ids such as L_a_b_0
  // inside one drawing), drop layout data no reader needs, give labels room for a
  // reader's wider font, and serialise as XML, so that the same text works inline in
  // HTML and as a standalone .svg file. Returns {svg, width, height} or {error}.
  const ROOM = 24;
  mermaid.initialize(config);
  let svg;
  try {
    await mermaid.parse(code);
    ({ svg } = await mermaid.render(id, code));
  } catch (error) {
    return { error: String((error && error.message) || error) };
  }
  const holder = document.createElement("div");
  holder.innerHTML = svg;
  document.body.append(holder);
  const root = holder.querySelector("svg");
  if (root.getAttribute("aria-roledescription") === "error") {
    holder.remove();
    return { error: "Mermaid drew its error diagram" };
  }
  const used = new Set([root.id]);
  const references = /url\(#([^)]+)\)|href="#([^"]+)"|aria-(?:labelledby|describedby)="([^"]+)"/g;
  for (const match of svg.matchAll(references)) {
    for (const ref of (match[1] || match[2] || match[3]).split(/\s+/)) used.add(ref);
  }
  for (const element of root.querySelectorAll("[id]")) {
    if (!used.has(element.id)) element.removeAttribute("id");
  }
  for (const element of root.querySelectorAll("[data-points]")) element.removeAttribute("data-points");
  // Room for a reader's font wider than this machine's: each node and group label grows
  // about its centre instead of spilling out to the right (or being clipped).
  for (const box of root.querySelectorAll(".node foreignObject, .cluster-label foreignObject")) {
    const label = box.firstElementChild;
    if (!label || label.style.whiteSpace !== "nowrap") continue;  // wrapped labels keep their width
    box.setAttribute("x", String(box.x.baseVal.value - ROOM));
    box.setAttribute("width", String(box.width.baseVal.value + 2 * ROOM));
    box.style.overflow = "visible";
    Object.assign(label.style, { display: "block", maxWidth: "none" });
  }
  const XLINK = "http://www.w3.org/1999/xlink";
  for (const link of root.querySelectorAll("a")) {
    const href = link.getAttributeNS(XLINK, "href");
    if (href !== null) {
      link.removeAttributeNS(XLINK, "href");
      link.setAttribute("href", href);
    }
  }
  const { width, height } = root.viewBox.baseVal;
  const text = new XMLSerializer().serializeToString(root);
  holder.remove();
  return { svg: text.replace(/ xmlns:xlink="[^"]*"/g, ""), width, height };
}
