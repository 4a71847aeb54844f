"""Mermaid diagrams drawn once and kept with the project, shown as inline SVG with no script.

Authors write diagrams with sphinxcontrib-mermaid's directive; this extension takes over
its HTML output (see README.md):

- each diagram is drawn by the pinned Mermaid in headless Chromium, once per theme (and per
  layout, where the directive asks for a ``:narrow:`` one), with pinned fonts, and the
  drawings are kept as files named by content (store.py) that the project commits: a build
  that finds them needs neither a browser nor Node.js;
- a page carries the drawings inline in its theme's ``only-light`` / ``only-dark`` wrappers,
  and a container query swaps in the narrow layout where the wide one's labels would shrink
  too far; each drawing is also published on its own, for zooming;
- a diagram that cannot be drawn, a missing or invalid drawing, and a drawing left behind
  by a changed or deleted diagram are errors naming their files (so ``-W`` fails the build);
  where a drawing is missing, the page shows the diagram's text instead, as Sphinx's
  graphviz extension does;
- an EPUB (Sphinx's ``epub`` builder) gets one drawing per diagram, the wide layout in
  ``mermaid_svg_epub_theme``, inline and valid for EPUB 3 (epub.py), and no files of its own.
"""

import html
import re
from pathlib import Path

import sphinxcontrib.mermaid as sphinx_mermaid
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.i18n import search_image_for_language

from sphinx_mermaid_svg.assets import Assets
from sphinx_mermaid_svg.browser import RendererError
from sphinx_mermaid_svg.diagram import DIRECTIONS, Diagram, DiagramError, problems
from sphinx_mermaid_svg.epub import for_epub
from sphinx_mermaid_svg.render import (
    DEFAULT_FONT_FAMILY,
    DEFAULT_FONTS,
    DEFAULT_SETTINGS,
    DEFAULT_THEMES,
    RENDER_JS,
    mermaid_settings,
)
from sphinx_mermaid_svg.store import PLACEHOLDER_ID, Drawing, InvalidDrawing, Store, Variant, key

__version__ = "1.0"
logger = logging.getLogger(__name__)


class Mermaid(sphinx_mermaid.Mermaid):
    """sphinxcontrib-mermaid's directive, with a ``:narrow:`` layout and the diagram's file noted."""

    option_spec = {
        **sphinx_mermaid.Mermaid.option_spec,
        "narrow": lambda argument: directives.choice(argument, [d.lower() for d in DIRECTIONS]).upper(),
    }

    def run(self):
        env = self.state.document.settings.env
        source, line = env.doc2path(env.docname), self.lineno
        if self.arguments:
            source = Path(env.relfn2path(search_image_for_language(self.arguments[0], env))[1])
            line = None
            if source.is_file() and not source.read_text(encoding="utf-8").strip():
                return [self.state.document.reporter.error(f"{shown(env.app, source)}: the diagram is empty")]
        result = super().run()
        for node in result:
            for diagram in node.findall(sphinx_mermaid.mermaid):
                diagram["source_path"], diagram["source_line"] = str(source), line
                diagram["narrow"] = self.options.get("narrow")
        return result


def diagram_of(node) -> Diagram:
    return Diagram(node["code"], node["source_path"], node.get("source_line"), node.get("narrow"))


def shown(app, path) -> str:
    """A path as the build names it: relative to the project, where it is inside it."""
    project = Path(app.srcdir).parent
    path = Path(path)
    return str(path.relative_to(project)) if path.is_relative_to(project) else str(path)


class Drawings:
    """The drawings one build uses, read from the store (or drawn) after the pages are read."""

    def __init__(self, app) -> None:
        config, confdir = app.config, Path(app.confdir)
        self.app = app
        self.store = Store((confdir / config.mermaid_svg_drawings).resolve())
        self.assets = Assets(node_modules_of(app), dict(config.mermaid_svg_fonts))
        self.settings = {
            theme: mermaid_settings(
                config.mermaid_svg_settings, theme_settings, config.mermaid_svg_font_family
            )
            for theme, theme_settings in config.mermaid_svg_themes.items()
        }
        try:
            self.tools, self.problem = self.assets.fingerprint(), None
        except RendererError as problem:
            self.tools, self.problem = [], str(problem)
        self.found: dict[Variant, Drawing] = {}
        self.failed: set[str] = set()  # the diagrams (and drawings) reported
        self.page_styles: dict[str, list[str]] = {}  # page -> CSS for its <head>

    def variants(self, diagram: Diagram) -> dict[str, dict[str, tuple[Variant, str]]]:
        """layout -> theme -> (the drawing it needs, the code drawn)."""
        return {
            layout: {
                theme: (
                    Variant(diagram.stem, layout, theme, key(code, settings, self.tools, RENDER_JS)),
                    code,
                )
                for theme, settings in self.settings.items()
            }
            for layout, code in diagram.layouts().items()
        }

    def report(self, diagram: Diagram, error: Exception) -> None:
        """Log a diagram's problem as Sphinx logs its own: "FILE:LINE: ERROR: ...", or
        "ERROR: FILE: ..." where no line is known."""
        line = getattr(error, "line", None)
        if diagram.line is not None:  # written inline: count from the page's first line
            line = diagram.line + (line or 0)
        where = shown(self.app, diagram.source)
        if line:
            logger.error(str(error), location=f"{where}:{line}")
        else:
            logger.error(f"{where}: {error}")
        self.failed.add(diagram.source)

    def prepare(self, diagrams: list[Diagram]) -> None:
        """Find every drawing `diagrams` need; draw what is missing if drawing is on; report
        what is missing, invalid or left over, as errors."""
        config = self.app.config
        if self.problem:
            if diagrams:
                logger.error(f"the diagrams cannot be shown: {self.problem}")
            return
        needed: dict[Variant, tuple[Diagram, str]] = {}
        for diagram in diagrams:
            found = problems(diagram.code, config.mermaid_svg_max_statements)
            layouts = {}
            try:
                layouts = self.variants(diagram) if not found else {}
            except DiagramError as wrong:
                found.append(wrong)
            for problem in found:
                self.report(diagram, problem)
            for by_theme in layouts.values():
                needed.update({variant: (diagram, code) for variant, code in by_theme.values()})
        missing = []
        for variant, (diagram, _) in needed.items():
            try:
                drawing = self.store.read(variant)
            except InvalidDrawing as why:
                if not config.mermaid_svg_draw:
                    self.report(diagram, DiagramError(
                        f"its drawing {shown(self.app, self.store.path(variant))} is not a valid drawing "
                        f"({why}): delete it and draw it again with {config.mermaid_svg_draw_command}"
                    ))  # fmt: skip
                drawing = None
            if drawing is None:
                missing.append(variant)
            else:
                self.found[variant] = drawing
        if missing and config.mermaid_svg_draw:
            self.draw([(variant, *needed[variant]) for variant in missing])
        elif missing:
            for diagram in {needed[variant][0]: None for variant in missing}:
                if diagram.source not in self.failed:
                    self.report(diagram, DiagramError(
                        "this diagram has no drawing of its current text. Draw it with "
                        f"{config.mermaid_svg_draw_command} (it needs Chromium), and commit the new files "
                        f"in {shown(self.app, self.store.folder)}"
                    ))  # fmt: skip
        self.check_leftovers(diagrams, needed)
        for variant, drawing in self.found.items():
            if len(drawing.svg) > config.mermaid_svg_max_bytes:
                self.report(needed[variant][0], DiagramError(
                    f"its drawing is {len(drawing.svg) // 1000} kB, more than the "
                    f"{config.mermaid_svg_max_bytes // 1000} kB a page should carry: simplify the diagram, "
                    "or raise mermaid_svg_max_bytes"
                ))  # fmt: skip

    def draw(self, jobs: list[tuple[Variant, Diagram, str]]) -> None:
        """Draw in one browser session, save each drawing, say which files to commit."""
        from sphinx_mermaid_svg.service import renderer_for  # (python -m runs it as a script)

        logger.info(f"drawing {len(jobs)} diagram variants...")
        drawn = 0
        try:
            with renderer_for(self.assets, self.app.config.mermaid_svg_timeout) as renderer:
                for variant, diagram, code in jobs:
                    if diagram.source in self.failed:
                        continue
                    try:
                        drawing = renderer.render(code, self.settings[variant.theme])
                    except DiagramError as error:
                        self.report(diagram, error)
                        continue
                    try:
                        self.store.write(variant, drawing)
                    except OSError as error:
                        raise RendererError(
                            f"the drawing cannot be saved in {shown(self.app, self.store.folder)} "
                            f"({error.strerror or error}): make that folder writable, or point "
                            "mermaid_svg_drawings at one that is"
                        ) from None
                    self.found[variant] = drawing
                    drawn += 1
        except RendererError as error:
            diagram = next((job[1] for job in jobs if job[1].source not in self.failed), jobs[0][1])
            self.report(
                diagram, DiagramError(f"this diagram is new or changed, and cannot be drawn: {error}")
            )
        if drawn:
            logger.info(f"drew {drawn} drawings into {shown(self.app, self.store.folder)}: commit them")

    def check_leftovers(self, diagrams: list[Diagram], needed: dict) -> None:
        """Drawings of this build's diagrams that no longer match them, and drawings of
        diagram files that no longer exist: removed if drawing is on, otherwise reported.
        (A drawing whose diagram could not be drawn afresh is kept until it can.)"""
        stems = {diagram.stem for diagram in diagrams}
        folders = {Path(diagram.source).parent for diagram in diagrams if not diagram.inline}
        wanted = {(v.stem, v.layout, v.theme) for v in needed}
        drawn = {(v.stem, v.layout, v.theme) for v in self.found}
        for path, variant in self.store.files().items():
            if variant is None:
                stale = path.suffix == ".svg"
            elif variant.stem in stems:
                stale = variant not in needed
            else:
                stale = "@" not in variant.stem and not any(
                    (folder / f"{variant.stem}.mmd").is_file() for folder in folders
                )
            if not stale:
                continue
            if self.app.config.mermaid_svg_draw:
                place = variant and (variant.stem, variant.layout, variant.theme)
                if place not in wanted or place in drawn:
                    path.unlink()
                continue
            logger.error(
                f"{shown(self.app, path)}: this drawing belongs to no diagram (its diagram changed or "
                f"was deleted): delete it, or run {self.app.config.mermaid_svg_draw_command}, which does"
            )
            self.failed.add(str(path))


def node_modules_of(app) -> Path:
    """mermaid_svg_node_modules, or the first node_modules beside or above conf.py."""
    if app.config.mermaid_svg_node_modules:
        return (Path(app.confdir) / app.config.mermaid_svg_node_modules).resolve()
    for folder in [Path(app.confdir).resolve(), *Path(app.confdir).resolve().parents]:
        if (folder / "node_modules").is_dir() or (folder / "package-lock.json").is_file():
            return folder / "node_modules"
    return Path(app.confdir).resolve().parent / "node_modules"


# -- Sphinx events ---------------------------------------------------------------------------


def take_over_html(app, config) -> None:
    # The drawings are inline SVG: sphinxcontrib-mermaid must add no script to the pages.
    config.mermaid_output_format = "svg"


def start(app) -> None:
    app.mermaid_svg = Drawings(app)


def note_diagrams(app, doctree) -> None:
    found = [diagram_of(node) for node in doctree.findall(sphinx_mermaid.mermaid)]
    if found:
        app.env.mermaid_svg_diagrams = getattr(app.env, "mermaid_svg_diagrams", {})
        app.env.mermaid_svg_diagrams[app.env.docname] = found


def forget_page(app, env, docname) -> None:
    getattr(env, "mermaid_svg_diagrams", {}).pop(docname, None)


def merge_pages(app, env, docnames, other) -> None:
    env.mermaid_svg_diagrams = getattr(env, "mermaid_svg_diagrams", {})
    theirs = getattr(other, "mermaid_svg_diagrams", {})
    env.mermaid_svg_diagrams.update({page: found for page, found in theirs.items() if page in docnames})


def prepare_drawings(app, env) -> None:
    if app.builder.format == "html":
        found = getattr(env, "mermaid_svg_diagrams", {})
        app.mermaid_svg.prepare([diagram for page in sorted(found) for diagram in found[page]])


# -- HTML ------------------------------------------------------------------------------------


def standalone(svg: str, background: str) -> str:
    """A drawing as a file of its own in _diagrams/: links climb out of that folder."""
    svg = re.sub(r'href="(?![a-z][a-z0-9+.-]*:|#|/)', 'href="../', svg)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.replace(
        'style="', f'style="background-color: {background}; ', 1
    )


def not_highlighted(svg: str) -> str:
    """The drawing's accessible name and description kept out of Sphinx's search highlighting,
    which would wrap their words in elements an SVG <title> or <desc> cannot hold, and stop."""
    return re.sub(r"<(title|desc)(?=[ >])", r'<\1 class="nohighlight"', svg, count=2)


def visit_mermaid(self, node) -> None:
    app, page = self.builder.app, self.builder.current_docname
    config, drawings = app.config, app.mermaid_svg
    diagram = diagram_of(node)
    taken = self.__dict__.setdefault("mermaid_svg_names", set())
    name, n = diagram.name, 1
    while name in taken:
        n += 1
        name = f"{diagram.name}-{n}"
    taken.add(name)

    try:
        variants = {} if drawings.problem else drawings.variants(diagram)
    except DiagramError:
        variants = {}
    if not variants or any(
        v not in drawings.found for by_theme in variants.values() for v, _ in by_theme.values()
    ):
        # Reported when the pages were read: the diagram as text, until it is drawn.
        self.body.append(f'<pre class="diagram-not-drawn">{html.escape(diagram.code)}</pre>\n')
        raise nodes.SkipNode

    if self.builder.name == "epub":  # one drawing, inline: no theme to follow, no layout to swap
        theme = config.mermaid_svg_epub_theme or next(iter(config.mermaid_svg_themes))
        variant = variants["wide"][theme][0]
        svg = drawings.found[variant].svg.replace(PLACEHOLDER_ID, f"{name}-wide-{theme}")
        svg = for_epub(svg, self.builder.out_suffix)
        self.body.append(f'<div class="diagram" id="diagram-{name}">{svg}</div>\n')
        raise nodes.SkipNode

    outdir = Path(self.builder.outdir) / "_diagrams"
    if config.mermaid_svg_standalone:
        outdir.mkdir(exist_ok=True)
    to_root = "../" * page.count("/")
    link_text = html.escape(config.mermaid_svg_zoom_text)
    parts, widths = [], {}
    for layout, by_theme in variants.items():
        parts.append(f'<div class="diagram-{layout}">')
        for theme, (variant, _) in by_theme.items():
            drawing = drawings.found[variant]
            widths[layout] = drawing.width
            svg_id = f"{name}-{layout}-{theme}"
            svg = not_highlighted(drawing.svg.replace(PLACEHOLDER_ID, svg_id))
            on_its_own = ""
            if config.mermaid_svg_standalone:
                background = config.mermaid_svg_backgrounds.get(theme, "transparent")
                (outdir / f"{svg_id}.svg").write_text(standalone(svg, background), encoding="utf-8")
                link = f'<a href="{to_root}_diagrams/{svg_id}.svg">{link_text}</a>'
                on_its_own = f'<p class="diagram-on-its-own">{link}</p>'
            parts.append(f'<div class="only-{theme}">{svg}{on_its_own}</div>')
        parts.append("</div>")

    if "narrow" in widths:
        # The narrow layout where the wide one would shrink its labels below the smallest size.
        switch = int(widths["wide"] * config.mermaid_svg_smallest_scale)
        drawings.page_styles.setdefault(page, []).append(
            f"@container (max-width: {switch}px) {{ #diagram-{name} .diagram-wide {{ display: none }} "
            f"#diagram-{name} .diagram-narrow {{ display: block }} }}"
        )
    self.body.append(f'<div class="diagram" id="diagram-{name}">{"".join(parts)}</div>\n')
    raise nodes.SkipNode


def add_layout_switches(app, pagename, templatename, context, doctree) -> None:
    rules = app.mermaid_svg.page_styles.pop(pagename, None)
    if rules:
        context["metatags"] = context.get("metatags", "") + "\n<style>" + "\n".join(rules) + "</style>"
    if (
        app.config.mermaid_svg_stylesheet
        and doctree is not None
        and any(doctree.findall(sphinx_mermaid.mermaid))
    ):
        app.add_css_file(app.config.mermaid_svg_stylesheet)


def write_stylesheet(app) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "sphinx-mermaid-svg.css").write_bytes((Path(__file__).parent / "diagrams.css").read_bytes())


def copy_stylesheet(app, exception) -> None:
    html = app.builder.format == "html" and app.builder.name != "epub"  # (a book has its copy already)
    if exception is None and html and app.config.mermaid_svg_stylesheet:
        write_stylesheet(app)


def copy_stylesheet_into_book(app) -> None:
    """An EPUB is packed before build-finished: its stylesheet must be there from the start."""
    if app.builder.name == "epub" and app.config.mermaid_svg_stylesheet:
        write_stylesheet(app)


def setup(app):
    app.setup_extension("sphinxcontrib.mermaid")
    add = app.add_config_value
    add("mermaid_svg_drawings", "_drawings", "env", types=[str])  # relative to conf.py
    add("mermaid_svg_node_modules", "", "env", types=[str])
    add("mermaid_svg_fonts", DEFAULT_FONTS, "env", types=[dict])
    add("mermaid_svg_font_family", DEFAULT_FONT_FAMILY, "env", types=[str])
    add("mermaid_svg_settings", DEFAULT_SETTINGS, "env", types=[dict])
    add("mermaid_svg_themes", DEFAULT_THEMES, "env", types=[dict])
    add("mermaid_svg_draw", True, "", types=[bool])
    add(
        "mermaid_svg_draw_command",
        "a build with Playwright installed (sphinx-mermaid-svg[draw])",
        "",
        types=[str],
    )
    add("mermaid_svg_timeout", 30, "", types=[int, float])
    add("mermaid_svg_max_statements", 300, "env", types=[int])
    add("mermaid_svg_max_bytes", 300_000, "env", types=[int])
    add("mermaid_svg_standalone", True, "html", types=[bool])
    add("mermaid_svg_zoom_text", "Open this diagram on its own, to zoom in", "html", types=[str])
    add("mermaid_svg_backgrounds", {"light": "#ffffff", "dark": "#131416"}, "html", types=[dict])
    add("mermaid_svg_smallest_scale", 0.75, "html", types=[float])
    add("mermaid_svg_stylesheet", "sphinx-mermaid-svg.css", "html", types=[str])
    add("mermaid_svg_epub_theme", "", "epub", types=[str])  # "": the first of mermaid_svg_themes
    app.add_directive("mermaid", Mermaid, override=True)
    app.add_node(sphinx_mermaid.mermaid, override=True, html=(visit_mermaid, None))
    app.connect("config-inited", take_over_html)
    app.connect("builder-inited", start)
    app.connect("builder-inited", copy_stylesheet_into_book)
    app.connect("doctree-read", note_diagrams)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    app.connect("env-updated", prepare_drawings)
    app.connect("html-page-context", add_layout_switches)
    app.connect("build-finished", copy_stylesheet)
    return {"version": __version__, "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
