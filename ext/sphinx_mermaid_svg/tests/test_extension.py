"""The extension as a project using it sees it: a small Sphinx project (roots/test-basic)
built with Sphinx's own test application."""

import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_mermaid_svg.store import check_svg

NO_BROWSER = "/nonexistent/chromium"


@pytest.fixture(scope="session")
def drawn(rootdir, tmp_path_factory) -> Path:
    """The test project's drawings, drawn once for the whole run."""
    src = tmp_path_factory.mktemp("drawn") / "src"
    shutil.copytree(rootdir / "test-basic", src)
    app = SphinxTestApp("html", srcdir=src, confoverrides={"mermaid_svg_draw": True})
    try:
        app.build()
    finally:
        app.cleanup()
    return src / "_drawings"


@pytest.fixture
def project(rootdir, drawn, tmp_path) -> Path:
    """A copy of the test project with its drawings, to change at will."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    shutil.copytree(drawn, src / "_drawings")
    return src


def build(src: Path, **overrides) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, confoverrides=overrides, freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def page(src: Path) -> str:
    return (src / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_drawings_are_one_file_per_layout_and_theme_named_by_content(drawn):
    names = sorted(path.name.rsplit(".", 2)[0] for path in drawn.glob("*.svg"))
    assert names == ["flow.narrow.dark", "flow.narrow.light", "flow.wide.dark", "flow.wide.light"]
    assert all(check_svg(path.read_text()) == [] for path in drawn.glob("*.svg"))


def test_a_build_with_its_drawings_needs_no_browser(project, monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", NO_BROWSER)
    app = build(project)
    assert app.warning.getvalue() == ""
    html = page(project)
    for drawing in ("flow-wide-light", "flow-wide-dark", "flow-narrow-light", "flow-narrow-dark"):
        assert f'<svg id="{drawing}"' in html
    assert '<div class="only-dark">' in html
    assert "@container (max-width:" in html, "the narrow layout's switch"
    assert 'href="index.html#the-target"' in html
    assert (project / "_build" / "html" / "_diagrams" / "flow-wide-light.svg").is_file()
    diagram = html.split('<div class="diagram"', 1)[1].split("\n", 1)[0]
    assert "<script" not in diagram
    assert "mermaid" not in " ".join(line for line in html.splitlines() if "<script" in line)


def build_warnings(src: Path, **overrides) -> str:
    """What a build that must fail with -W says: its warnings and errors."""
    app = SphinxTestApp("html", srcdir=src, confoverrides=overrides, freshenv=True, warningiserror=True)
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.statuscode == 1
    return app.warning.getvalue()


def test_a_changed_diagram_without_a_drawing_names_the_file_the_drawings_and_the_command(project):
    diagram = project / "flow.mmd"
    diagram.write_text(diagram.read_text().replace("Third step", "Last step"))
    warnings = build_warnings(project)
    assert "ERROR: src/flow.mmd: this diagram has no drawing of its current text" in warnings
    assert "`make drawings`" in warnings
    assert "_drawings/flow.wide.light." in warnings
    assert "belongs to no diagram" in warnings
    html = page(project)
    shown_instead = html.split('<pre class="diagram-not-drawn">', 1)[1].split("</pre>")[0]
    assert "Last step" in shown_instead, "the diagram's text, meanwhile"


def test_a_drawing_with_a_script_is_refused_whoever_made_it(project):
    drawing = next((project / "_drawings").glob("flow.wide.light.*.svg"))
    drawing.write_text(drawing.read_text().replace("</svg>", "<script>alert(1)</script></svg>"))
    warnings = build_warnings(project)
    assert f"_drawings/{drawing.name} is not a valid drawing (it contains a <script> element)" in warnings


def test_a_truncated_drawing_is_named_and_redrawn_when_drawing_is_on(project):
    drawing = next((project / "_drawings").glob("flow.wide.dark.*.svg"))
    whole = drawing.read_text()
    drawing.write_text(whole[: len(whole) // 2])
    assert "it is not well-formed XML" in build_warnings(project)
    build(project, mermaid_svg_draw=True)
    assert drawing.read_text() == whole


def test_drawing_on_draws_what_is_new_and_removes_what_it_replaces(project):
    diagram = project / "flow.mmd"
    diagram.write_text(diagram.read_text().replace("Third step", "Last step"))
    before = {path.name for path in (project / "_drawings").iterdir()}
    app = build(project, mermaid_svg_draw=True)
    after = {path.name for path in (project / "_drawings").iterdir()}
    assert len(after) == 4
    assert after.isdisjoint(before)
    assert "Last step" in page(project)
    assert "drew 4 drawings" in app.status.getvalue()


def test_a_diagram_mermaid_cannot_read_is_named_with_its_line(project):
    diagram = project / "flow.mmd"
    diagram.write_text(diagram.read_text() + "  three --> --> four\n")
    assert "flow.mmd:6: ERROR: Parse error on line 6" in build_warnings(project, mermaid_svg_draw=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "flow.mmd: the diagram is empty"),
        (
            "---\naccTitle: x\naccDescr: y\n---\nflowchart LR\n  a --> b\n",
            "no `accTitle:` line after the settings block",
        ),
        (
            "flowchart LR\n  accTitle: t\n  accDescr: d\n"
            + "".join(f"  n{i} --> n{i + 1}\n" for i in range(400)),
            "the diagram has 403 statements, more than the 300",
        ),
    ],
    ids=["empty", "accessibility lines only in the settings", "too large"],
)
def test_a_diagram_that_cannot_be_shown_well_is_named_as_its_file(project, text, message):
    (project / "flow.mmd").write_text(text)
    warnings = build_warnings(project)
    assert message in warnings
    assert "flow.mmd" in warnings


def test_editing_a_diagram_file_rebuilds_the_page_that_shows_it(project):
    app = SphinxTestApp("html", srcdir=project, confoverrides={"mermaid_svg_draw": True})
    try:
        app.build()
        diagram = project / "flow.mmd"
        diagram.write_text(diagram.read_text().replace("Second step", "Middle step"))
        app.build()  # incremental: Sphinx knows the page depends on the file
    finally:
        app.cleanup()
    assert "Middle step" in page(project)


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x()"><rect/></a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="https://tracker.example/"><rect/></a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://x.example/p.png)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml"/>'
        "</foreignObject></svg>",
        '<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        "<svg",
    ],
)
def test_check_svg_refuses_what_mermaid_never_draws(svg):
    assert check_svg(svg) != []


def test_check_svg_accepts_links_within_the_site_and_marker_references():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>#m .node rect{fill:#fff}</style>'
        '<a href="page.html#part"><path marker-end="url(#m_arrow)" d="M0 0"/></a></svg>'
    )
    assert check_svg(svg) == []


SVG_NS, XHTML_NS = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xhtml}"


def test_an_epub_carries_one_drawing_per_diagram_inline_as_epub_3_accepts_it(project, monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", NO_BROWSER)
    app = SphinxTestApp("epub", srcdir=project, freshenv=True, confoverrides={"project": "Test"})
    try:
        app.build()
    finally:
        app.cleanup()
    out = project / "_build" / "epub"
    text = (out / "index.xhtml").read_text(encoding="utf-8")
    page = ElementTree.fromstring(text)  # XHTML: well-formed XML, or no e-reader opens it
    drawings = list(page.iter(f"{SVG_NS}svg"))
    assert [svg.get("id") for svg in drawings] == ["flow-wide-light"], "the light, wide drawing only"
    svg = drawings[0]
    assert svg.get("role") is None, "an ARIA role EPUB's schema does not know"
    assert svg.get("aria-labelledby") == "chart-title-flow-wide-light"
    assert all(rect.get("width") and rect.get("height") for rect in svg.iter(f"{SVG_NS}rect"))
    for span in svg.iter(f"{XHTML_NS}span"):
        assert span.find(f"{XHTML_NS}p") is None, "a block inside an inline element"
    links = list(svg.iter(f"{SVG_NS}a"))
    assert [link.get("href") for link in links] == ["index.xhtml#the-target"]
    assert links[0].find(f"{SVG_NS}title").text == "First step"
    assert "only-dark" not in text
    assert "diagram-narrow" not in text
    assert "@container" not in text
    assert not (out / "_diagrams").exists(), "no drawings on their own in a book"
    with zipfile.ZipFile(out / "Test.epub") as book:
        names = book.namelist()
    assert "_static/sphinx-mermaid-svg.css" in names
    assert 'href="_static/sphinx-mermaid-svg.css"' in text
