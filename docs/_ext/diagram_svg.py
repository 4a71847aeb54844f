"""Draw every ``{mermaid}`` diagram when the site is built, and put its SVG in the page.

Authors write diagrams as before, with sphinxcontrib-mermaid's directive::

    ```{mermaid} ../diagrams/NAME.mmd
    ```

and this extension takes over only its HTML output:

- The pinned Mermaid draws each diagram in headless Chromium (tools/render_mermaid.py),
  once for Furo's light theme and once for its dark one. Both drawings are inline SVG
  in Furo's ``only-light`` / ``only-dark`` wrappers: the page needs no script, and
  Furo's light, dark and auto modes each show the right one without a flash.
- A diagram with a ``%% narrow: TB`` (or LR ...) line is drawn a second time in that
  direction; a container query shows it when the column is too narrow for the wide
  drawing's labels to stay at 12 px or more.
- Drawings are cached by content (diagram text, Mermaid version, settings) in
  ``diagram_cache_dir``, outside the published site: a build in which no diagram
  changed starts no browser. All the drawings a build lacks are made in one browser
  session, after Sphinx has read the pages (under ``nox -s serve``, by the renderer it
  keeps running: tools/render_service.py).
- Every drawing is also published on its own (``_diagrams/NAME-LAYOUT-THEME.svg``) and
  linked under the diagram, for readers who want to open it full screen or zoom in.
- A diagram Mermaid cannot draw stops the build with its file, line and Mermaid's message.
"""

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import sphinxcontrib.mermaid as sphinx_mermaid
from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.i18n import search_image_for_language

from tools import render_mermaid
from tools.render_mermaid import PLACEHOLDER_ID, DiagramError

logger = logging.getLogger(__name__)
_ = get_translation("site")
THEMES = tuple(render_mermaid.THEMES)
# Below this share of its natural size a wide drawing's 16 px labels would be smaller than 12 px.
SMALLEST_SCALE = 12 / 16
# The standalone files are opened on their own, so they carry the page's background.
BACKGROUND = {"light": "#ffffff", "dark": "#131416"}


@dataclass(frozen=True)
class Diagram:
    """One diagram as the build found it: its text and where it came from."""

    code: str
    path: str  # the .mmd file, or the page for a diagram written inline
    line: int | None

    @property
    def name(self) -> str:
        stem = Path(self.path).stem.split(".")[0]  # partners.zh_CN.mmd -> partners
        return re.sub(r"[^a-z0-9-]+", "-", stem.lower())


class Mermaid(sphinx_mermaid.Mermaid):
    """sphinxcontrib-mermaid's directive, noting which file each diagram came from."""

    def run(self):
        result = super().run()
        env = self.state.document.settings.env
        source = env.doc2path(env.docname)
        if self.arguments:
            source = env.relfn2path(search_image_for_language(self.arguments[0], env))[1]
        for node in result:
            for diagram in node.findall(sphinx_mermaid.mermaid):
                diagram["source_path"] = str(source)
                diagram["source_line"] = None if self.arguments else self.lineno
        return result


def diagram_of(node) -> Diagram:
    return Diagram(node["code"], node.get("source_path", ""), node.get("source_line"))


def found_in(doctree) -> list[Diagram]:
    return [diagram_of(node) for node in doctree.findall(sphinx_mermaid.mermaid)]


# -- The cache: one JSON file per drawing, named by what went into it ------------------------


def cache_key(code: str, theme: str) -> str:
    recipe = [render_mermaid.pinned_version(), render_mermaid.settings(theme), render_mermaid.RENDER, code]
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]


class Drawings:
    """The build's drawings: read from the cache, or drawn (all at once) and cached."""

    def __init__(self, app) -> None:
        self.app = app
        self.cache = Path(app.config.diagram_cache_dir or Path(app.srcdir) / "_build" / "diagram-cache")
        self.page_styles: dict[str, list[str]] = {}  # page -> CSS for its <head>

    def _file(self, code: str, theme: str) -> Path:
        return self.cache / f"{cache_key(code, theme)}.json"

    def ensure(self, diagrams: list[Diagram]) -> None:
        """Draw what the cache lacks. A diagram that cannot be drawn is reported with its
        file and line, every such diagram at once, and then the build stops."""
        missing, failed = {}, set()
        for diagram in diagrams:
            try:
                for code in render_mermaid.layouts(diagram.code).values():
                    for theme in THEMES:
                        if not self._file(code, theme).is_file():
                            missing.setdefault((code, theme), diagram)
            except DiagramError as error:
                failed.add(report(self.app, diagram, error))
        if missing and not failed:
            logger.info(
                f"drawing {len(missing)} diagram variants with Mermaid {render_mermaid.pinned_version()}..."
            )
            self.cache.mkdir(parents=True, exist_ok=True)
            with render_mermaid.renderer() as renderer:
                try:
                    drawings = renderer.render_all(list(missing))
                except SystemExit as no_browser:  # tools.browser found no Chromium: its advice
                    message = f"this diagram is new or changed, and drawing it needs a browser. {no_browser}"
                    failed.add(report(self.app, next(iter(missing.values())), DiagramError(message)))
                    drawings = []
            for ((code, theme), diagram), drawing in zip(missing.items(), drawings, strict=False):
                if isinstance(drawing, DiagramError):
                    if diagram.path not in failed:  # one report per file
                        failed.add(report(self.app, diagram, drawing))
                else:
                    self._store(code, theme, drawing)
        if failed:
            raise SystemExit(
                f"Stopped: {len(failed)} diagram(s) could not be drawn; the errors above say why."
            )

    def _store(self, code: str, theme: str, drawing: render_mermaid.Drawing) -> None:
        target = self._file(code, theme)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(drawing.__dict__), encoding="utf-8")
        temporary.replace(target)  # atomic: a build running beside this one never reads half a file

    def get(self, code: str, theme: str) -> render_mermaid.Drawing:
        data = json.loads(self._file(code, theme).read_text(encoding="utf-8"))
        return render_mermaid.Drawing(**data)


def relative(app, path: str) -> str:
    try:
        return os.path.relpath(path, Path(app.srcdir).parent)
    except ValueError:
        return path


def report(app, diagram: Diagram, error: DiagramError) -> str:
    """Log the error where Sphinx logs its own ("FILE:LINE: ERROR: ..."); return the file."""
    line = error.line if diagram.line is None else diagram.line + (error.line or 0)
    where = relative(app, diagram.path)
    if line:
        logger.error(str(error), location=f"{where}:{line}")
    else:
        logger.error(f"{where}: {error}")
    return diagram.path


# -- Sphinx events ---------------------------------------------------------------------------


def take_over_html(app, config) -> None:
    # The diagrams are drawn here; sphinxcontrib-mermaid must not add its browser script.
    config.mermaid_output_format = "svg"
    app.diagrams = Drawings(app)


def note_diagrams(app, doctree) -> None:
    diagrams = found_in(doctree)
    if diagrams:
        app.env.diagrams_by_page = getattr(app.env, "diagrams_by_page", {})
        app.env.diagrams_by_page[app.env.docname] = diagrams


def forget_page(app, env, docname) -> None:
    getattr(env, "diagrams_by_page", {}).pop(docname, None)


def merge_pages(app, env, docnames, other) -> None:
    env.diagrams_by_page = getattr(env, "diagrams_by_page", {})
    env.diagrams_by_page.update(
        {page: found for page, found in getattr(other, "diagrams_by_page", {}).items() if page in docnames}
    )


def draw_missing(app, env) -> None:
    """After reading: draw, in one browser session, every drawing the cache lacks."""
    if app.builder.format != "html":
        return
    app.diagrams.ensure([d for found in getattr(env, "diagrams_by_page", {}).values() for d in found])


# -- HTML ------------------------------------------------------------------------------------


def with_ids(svg: str, svg_id: str) -> str:
    return svg.replace(PLACEHOLDER_ID, svg_id)


def standalone(svg: str, theme: str) -> str:
    """The drawing as a file of its own in _diagrams/: links climb out of that folder."""
    svg = re.sub(r'href="(?![a-z][a-z0-9+.-]*:|#|/)', 'href="../', svg)
    style = f"background-color: {BACKGROUND[theme]}; "
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.replace('style="', 'style="' + style, 1)


def visit_mermaid(self, node) -> None:
    app, page = self.builder.app, self.builder.current_docname
    diagram = diagram_of(node)
    taken = self.__dict__.setdefault("diagram_names", set())
    name, n = diagram.name, 1
    while name in taken:
        n += 1
        name = f"{diagram.name}-{n}"
    taken.add(name)

    variants = render_mermaid.layouts(diagram.code)
    outdir = Path(self.builder.outdir) / "_diagrams"
    outdir.mkdir(exist_ok=True)
    to_root = "../" * page.count("/")
    link_text = html.escape(_("Open this diagram on its own, to zoom in"))
    parts, widths = [], {}
    for layout, code in variants.items():
        parts.append(f'<div class="diagram-{layout}">')
        for theme in THEMES:
            drawing = app.diagrams.get(code, theme)
            widths[layout] = drawing.width
            svg_id = f"{name}-{layout}-{theme}"
            file_name = f"{name}-{layout}-{theme}.svg"
            (outdir / file_name).write_text(
                standalone(with_ids(drawing.svg, svg_id), theme), encoding="utf-8"
            )
            on_its_own = f'<a href="{to_root}_diagrams/{file_name}">{link_text}</a>'
            parts.append(
                f'<div class="only-{theme}">{with_ids(drawing.svg, svg_id)}'
                f'<p class="diagram-on-its-own">{on_its_own}</p></div>'
            )
        parts.append("</div>")

    if "narrow" in widths:
        # The narrow layout where the wide one would shrink its labels below 12 px.
        switch = int(widths["wide"] * SMALLEST_SCALE)
        app.diagrams.page_styles.setdefault(page, []).append(
            f"@container (max-width: {switch}px) {{ #diagram-{name} .diagram-wide {{ display: none }} "
            f"#diagram-{name} .diagram-narrow {{ display: block }} }}"
        )
    self.body.append(f'<div class="diagram" id="diagram-{name}">{"".join(parts)}</div>\n')
    raise nodes.SkipNode


def add_layout_switches(app, pagename, templatename, context, doctree) -> None:
    rules = app.diagrams.page_styles.pop(pagename, None)
    if rules:
        context["metatags"] = context.get("metatags", "") + "\n<style>" + "\n".join(rules) + "</style>"


def setup(app):
    app.setup_extension("sphinxcontrib.mermaid")
    app.add_config_value("diagram_cache_dir", "", "", types=[str])
    app.add_directive("mermaid", Mermaid, override=True)
    app.add_node(sphinx_mermaid.mermaid, override=True, html=(visit_mermaid, None))
    app.connect("config-inited", take_over_html)
    app.connect("doctree-read", note_diagrams)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    app.connect("env-updated", draw_missing)
    app.connect("html-page-context", add_layout_switches)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
