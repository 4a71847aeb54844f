"""Drawing diagrams: the pinned Mermaid in one headless Chromium page.

    with Renderer(assets) as renderer:
        drawing = renderer.render(code, mermaid_settings)

The page is served from a made-up origin by Playwright itself: Mermaid and the font files
come from node_modules, every other request is refused, and the fonts are the pinned
files only (assets.Assets.font_faces), so the same diagram measures the same on any
machine, with or without fonts of its own. The browser starts on the first render() and
closes with the `with` block: drawing any number of diagrams costs one browser start.
"""

from pathlib import Path
from typing import Any

from sphinx_mermaid_svg.assets import MERMAID_SCRIPT, Assets
from sphinx_mermaid_svg.browser import RendererError, find_chromium, launch
from sphinx_mermaid_svg.diagram import DiagramError, as_mermaid_reads_it, error_line, with_file_lines
from sphinx_mermaid_svg.store import PLACEHOLDER_ID, Drawing

RENDER_JS = (Path(__file__).parent / "render.js").read_text(encoding="utf-8")
ORIGIN = "http://sphinx-mermaid-svg.invalid/"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>{faces}</style>
<script src="{origin}node_modules/{mermaid}"></script></head><body></body></html>"""
# Load every face of the pinned fonts before anything is measured (a font split into
# unicode ranges would otherwise load each range on first use, while Mermaid measures with
# whatever has arrived), and name the families that have none (no @font-face rule, or a
# file that failed).
FONTS_MISSING = """async (families) => {
  const faces = [...document.fonts];
  await Promise.allSettled(faces.map(face => face.load()));
  const loaded = new Set(faces.filter(face => face.status === "loaded")
    .map(face => face.family.replace(/^"|"$/g, "")));
  return families.filter(family => !loaded.has(family));
}"""

# Labels are measured with DejaVu Sans. Readers get DejaVu Sans (Linux) or Verdana (Windows,
# macOS, iOS), which share its wide metrics, or else a narrower sans-serif; Han characters are
# one em wide in every CJK font.
DEFAULT_FONT_FAMILY = (
    '"DejaVu Sans", Verdana, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", sans-serif'
)
DEFAULT_FONTS = {
    "DejaVu Sans": "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
    "Noto Sans CJK SC": "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-400.woff2",
}
DEFAULT_SETTINGS: dict = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "flowchart": {"htmlLabels": True, "padding": 12, "useMaxWidth": True},
}
# Dark: lighter label text on the edge labels' grey (Mermaid's own #ccc on #585858 is
# 4.4:1, below WCAG AA).
DEFAULT_THEMES: dict[str, dict] = {
    "light": {"theme": "default"},
    "dark": {"theme": "dark", "themeVariables": {"textColor": "#f2f2f2", "nodeTextColor": "#f2f2f2"}},
}


def mermaid_settings(common: dict, theme: dict, font_family: str) -> dict:
    """Everything Mermaid is told besides the diagram itself, for one theme."""
    variables = {"fontFamily": font_family, **theme.get("themeVariables", {})}
    return {**common, "fontFamily": font_family, **theme, "themeVariables": variables}


class Renderer:
    """One Chromium page with Mermaid and the pinned fonts loaded, ready on the first render().

    Pass a Playwright browser to reuse it (tests do); otherwise one is found and launched.
    """

    def __init__(self, assets: Assets, browser=None, timeout: float = 30) -> None:
        self.assets = assets
        self.timeout = timeout
        self._given_browser = browser
        self._playwright: Any = None
        self._browser: Any = None
        self._page: Any = None
        self.launches = 0

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _serve(self, route) -> None:
        url = route.request.url
        if url == ORIGIN:
            faces = self.assets.font_faces(ORIGIN + "node_modules/")
            page = PAGE.format(faces=faces, origin=ORIGIN, mermaid=MERMAID_SCRIPT)
            return route.fulfill(body=page, content_type="text/html; charset=utf-8")
        if url.startswith(ORIGIN + "node_modules/"):
            path = (self.assets.node_modules / url.removeprefix(ORIGIN + "node_modules/")).resolve()
            if path.is_file() and path.is_relative_to(self.assets.node_modules.resolve()):
                return route.fulfill(path=str(path))
        return route.abort()  # nothing from the machine, nothing from the network

    def _ready_page(self):
        if self._page is not None:
            return self._page
        self.assets.require()
        browser = self._given_browser
        if browser is None:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                raise RendererError(
                    "Drawing a diagram needs Playwright: `pip install sphinx-mermaid-svg[draw]`."
                ) from None
            executable = find_chromium()
            self._playwright = sync_playwright().start()
            self._browser = browser = launch(self._playwright, executable, self.timeout)
            self.launches += 1
        self._page = page = browser.new_page()
        page.set_default_timeout(self.timeout * 1000)
        page.route("**/*", self._serve)
        page.goto(ORIGIN)
        missing = page.evaluate(FONTS_MISSING, list(self.assets.fonts))
        if missing:
            raise RendererError(
                f"The fonts {', '.join(missing)} did not load from {self.assets.node_modules}. "
                f"Run `npm ci` in {self.assets.node_modules.parent}."
            )
        return page

    def render(self, code: str, settings: dict) -> Drawing:
        from playwright.sync_api import Error

        page = self._ready_page()
        text, offset = as_mermaid_reads_it(code)
        try:
            result = page.evaluate(RENDER_JS, [text, settings, PLACEHOLDER_ID])
        except Error as error:  # the browser crashed, or the drawing took too long
            raise RendererError(f"The browser stopped drawing ({str(error).splitlines()[0]}).") from None
        if "error" in result:
            message = " ".join(result["error"].split())
            raise with_file_lines(DiagramError(message, error_line(message)), offset)
        return Drawing(result["svg"])

    def close(self) -> None:
        for thing in (self._page, self._browser):
            if thing is not None:
                thing.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._page = self._browser = self._playwright = None
