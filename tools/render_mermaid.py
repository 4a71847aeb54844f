"""Draw Mermaid diagrams as SVG with the pinned Mermaid, in one headless Chromium.

The site's build (docs/_ext/diagram_svg.py) and `nox -s diagrams` both use it:

    with Renderer() as renderer:
        svg = renderer.render(source_text, theme="light")

The browser starts on the first render() and closes with the `with` block, so
drawing any number of diagrams costs one browser start. Mermaid lays labels out
with the fonts of this machine; the font stack below is chosen so that readers'
fonts fit in the boxes it measures (see FONT_FAMILY).

A process that builds again and again (`nox -s serve`) keeps one renderer running
instead (tools/render_service.py); renderer() draws through it when $DIAGRAM_RENDERER
names it.
"""

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MERMAID = ROOT / "node_modules" / "mermaid"
HOW_TO_INSTALL = "Run `npm ci` in {root} (or build with `nox -s docs`, which does it for you)."

# Labels are measured with DejaVu Sans on the build machine. Readers get DejaVu Sans
# (Linux) or Verdana (Windows, macOS, iOS), which share its wide metrics, or else a
# narrower sans-serif; Han characters are one em wide in every CJK font.
FONT_FAMILY = (
    '"DejaVu Sans", Verdana, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", sans-serif'
)
MEASURED_WITH = {"latin": ("DejaVu Sans", "fonts-dejavu-core"), "han": ("Noto Sans CJK SC", "fonts-noto-cjk")}
HAN = re.compile(r"[\u3400-\u9fff]")

# Mermaid's settings for each of the site's two themes. Dark: lighter label text on
# the edge labels' grey (Mermaid's own #ccc on #585858 is 4.4:1, below WCAG AA).
COMMON = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "fontFamily": FONT_FAMILY,
    "flowchart": {"htmlLabels": True, "padding": 12, "useMaxWidth": True},
}
THEMES = {
    "light": {"theme": "default", "themeVariables": {"fontFamily": FONT_FAMILY}},
    "dark": {
        "theme": "dark",
        "themeVariables": {"fontFamily": FONT_FAMILY, "textColor": "#f2f2f2", "nodeTextColor": "#f2f2f2"},
    },
}
# A diagram may ask for a second layout for narrow screens with a comment line such as
# `%% narrow: TB`: the same diagram with its main direction changed.
COMMENT_LINE = re.compile(r"^[ \t]*%%(?!\{).*$", re.MULTILINE)
NARROW = re.compile(r"^[ \t]*%%[ \t]*narrow:[ \t]*(TB|TD|BT|LR|RL)[ \t]*$", re.MULTILINE)
DIRECTION = re.compile(r"^([ \t]*(?:flowchart|graph))[ \t]+(TB|TD|BT|LR|RL)\b", re.MULTILINE)

# The id Mermaid draws with; every id in the SVG starts with it, so a page can rename them.
PLACEHOLDER_ID = "mmdsvg"

# Runs in the page: draw, then keep only ids something refers to (Mermaid repeats ids
# such as L_a_b_0 inside one drawing), drop layout data no reader needs, and serialise
# as XML so the same text works inline in HTML and as a standalone .svg file.
RENDER = """async ([code, config, id]) => {
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
  const references = /url\\(#([^)]+)\\)|href="#([^"]+)"|aria-(?:labelledby|describedby)="([^"]+)"/g;
  for (const match of svg.matchAll(references)) {
    for (const ref of (match[1] || match[2] || match[3]).split(/\\s+/)) used.add(ref);
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
}"""

# Is a font installed? Text in "FONT, monospace" measures differently from plain monospace.
FONT_PRESENT = """([family, sample]) => {
  const canvas = document.createElement("canvas").getContext("2d");
  const width = font => { canvas.font = font; return canvas.measureText(sample).width; };
  return width(`40px "${family}", monospace`) !== width("40px monospace");
}"""


class DiagramError(Exception):
    """Mermaid could not draw a diagram. `line` is the line of the source it names, if any."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Drawing:
    svg: str  # XML; every id in it starts with PLACEHOLDER_ID
    width: float  # natural size in CSS pixels
    height: float


def installed_version() -> str | None:
    manifest = MERMAID / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.is_file() else None


def pinned_version() -> str:
    return json.loads((ROOT / "package.json").read_text())["dependencies"]["mermaid"]


def require_mermaid() -> str:
    """The installed Mermaid version, which must be the one package.json pins."""
    found, pinned = installed_version(), pinned_version()
    if found != pinned:
        what = f"Mermaid {found} is" if found else "Mermaid is not"
        raise DiagramError(
            f"{what} installed in {MERMAID}, but package.json pins {pinned}. "
            + HOW_TO_INSTALL.format(root=ROOT)
        )
    return found


def settings(theme: str) -> dict:
    """Everything Mermaid is told besides the diagram itself (part of the cache key)."""
    return {**COMMON, **THEMES[theme]}


def layouts(code: str) -> dict[str, str]:
    """The diagram as written ("wide") and, where it asks for one, its "narrow" layout."""
    wanted = NARROW.search(code)
    if not wanted:
        return {"wide": code}
    narrow, changed = DIRECTION.subn(lambda header: f"{header[1]} {wanted[1]}", code, count=1)
    if not changed:
        raise DiagramError(
            "`%% narrow:` needs a `flowchart` diagram with a direction",
            code[: wanted.start()].count("\n") + 1,
        )
    return {"wide": code, "narrow": narrow}


def accessibility_problems(code: str) -> list[str]:
    """A screen reader names a diagram by its accTitle and describes it by its accDescr."""
    return [
        f"no `{keyword}:` line (the diagram's accessible {what})"
        for keyword, what in (("accTitle", "title"), ("accDescr", "description"))
        if not re.search(rf"^\s*{keyword}\s*:", code, re.MULTILINE)
    ]


def error_line(message: str) -> int | None:
    """Mermaid's messages say "Parse error on line 4:" or "Lexical error on line 3."."""
    match = re.search(r"\bon line (\d+)", message)
    return int(match[1]) if match else None


def as_mermaid_reads_it(code: str) -> tuple[str, int]:
    """The text to give Mermaid, and how many file lines precede its line 1.

    Mermaid numbers lines after a leading `---` config block (and the blank lines after
    it), and deletes `%%` comment lines before parsing: blank them instead, so that its
    line numbers still point at the file's lines.
    """
    code = COMMENT_LINE.sub("", code)
    lines = code.splitlines()
    if not lines or lines[0].strip() != "---":
        return code, 0
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        return code, 0
    first = next((i for i in range(end + 1, len(lines)) if lines[i].strip()), end + 1)
    return code, first


class Renderer:
    """One Chromium page with Mermaid loaded, started on the first render().

    Pass a Playwright browser to reuse it (the tests do); otherwise one is found with
    tools.browser.require_chromium() and launched, which stops with advice if none is found.
    """

    def __init__(self, browser=None) -> None:
        self._given_browser = browser
        self._playwright = None
        self._browser = None
        self._page = None
        self.launches = 0

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ready_page(self):
        if self._page is not None:
            return self._page
        require_mermaid()
        browser = self._given_browser
        if browser is None:
            from playwright.sync_api import sync_playwright

            from tools.browser import launch, require_chromium

            chromium = require_chromium()
            self._playwright = sync_playwright().start()
            self._browser = browser = launch(self._playwright, chromium)
            self.launches += 1
        self._page = browser.new_page()
        self._page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
        self._page.add_script_tag(path=str(MERMAID / "dist" / "mermaid.min.js"))
        return self._page

    def require_fonts(self, code: str) -> None:
        """Labels are measured with the fonts in MEASURED_WITH: stop if one is missing."""
        page = self._ready_page()
        needed = [MEASURED_WITH["latin"]] + ([MEASURED_WITH["han"]] if HAN.search(code) else [])
        for family, package in needed:
            # Latin text tells the fonts apart: Han characters are one em wide in any CJK font.
            if not page.evaluate(FONT_PRESENT, [family, "Alibaba FAW 2020"]):
                raise DiagramError(
                    f"The font {family!r}, with which diagram labels are measured, is not installed "
                    f"on this machine. Install it (Debian/Ubuntu: `sudo apt-get install {package}`) "
                    "and build again."
                )

    def render(self, code: str, theme: str = "light") -> Drawing:
        missing = accessibility_problems(code)
        if missing:
            raise DiagramError(missing[0])
        page = self._ready_page()
        self.require_fonts(code)
        text, offset = as_mermaid_reads_it(code)
        result = page.evaluate(RENDER, [text, settings(theme), PLACEHOLDER_ID])
        if "error" in result:
            line = error_line(result["error"])
            message = re.sub(r"\bon line \d+", f"on line {line + offset}" if line else "", result["error"])
            raise DiagramError(" ".join(message.split()), line + offset if line else None)
        return Drawing(result["svg"], result["width"], result["height"])

    def render_all(self, jobs: list[tuple[str, str]]) -> list["Drawing | DiagramError"]:
        """Each (code, theme) drawn, or the DiagramError that stopped it, in order."""
        results: list[Drawing | DiagramError] = []
        for code, theme in jobs:
            try:
                results.append(self.render(code, theme))
            except DiagramError as error:
                results.append(error)
        return results

    def close(self) -> None:
        if self._page is not None:
            self._page.close()
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._page = self._browser = self._playwright = None


SERVICE_ENV = "DIAGRAM_RENDERER"  # the address of a running tools.render_service (nox -s serve)


def renderer() -> "Renderer":
    """The running service named in $DIAGRAM_RENDERER if there is one, else a browser of our own."""
    address = os.environ.get(SERVICE_ENV)
    if address:
        from tools.render_service import RemoteRenderer

        return RemoteRenderer(address)
    return Renderer()
