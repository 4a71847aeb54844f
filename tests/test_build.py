"""The site builds cleanly with Python alone, from the drawings kept in diagrams/drawings/,
and a diagram without a current drawing fails the build naming its file and the command."""

import os

import pytest

from conftest import PAGES, ROOT, sphinx_build

NO_BROWSER = {"CHROMIUM_PATH": "/nonexistent/chromium"}
DRAW = ("-D", "mermaid_svg_draw=1")


def test_site_builds_without_a_single_warning(site):
    assert site.warnings == ""
    assert site.status == 0
    assert (site.html / "index.html").is_file()


def test_every_page_in_docs_is_built(site):
    missing = [page for page in PAGES if not (site.html / f"{page}.html").is_file()]
    assert missing == []


def test_site_ships_no_mermaid_javascript(site):
    assert not (site.html / "_static" / "mermaid").exists()
    shipped = [path.name for path in site.html.rglob("*") if path.suffix in {".js", ".mjs"}]
    assert [name for name in shipped if "mermaid" in name.lower()] == []
    for page in site.pages():
        assert "mermaid.esm" not in page.read_text(encoding="utf-8"), page.name


def test_site_publishes_no_static_file_that_nothing_uses(site):
    texts = "\n".join(
        path.read_text(encoding="utf-8", errors="ignore")
        for path in site.html.rglob("*")
        if path.suffix in {".html", ".css", ".js", ".xml", ".svg"}
    )
    static = [path for path in (site.html / "_static").rglob("*") if path.is_file()]
    assert len(static) > 10
    assert [path.name for path in static if path.name not in texts] == []


def test_diagrams_are_inline_svg_in_the_html(site):
    html = (site.html / "partners.html").read_text(encoding="utf-8")
    assert '<div class="diagram" id="diagram-partners">' in html
    assert html.count("<svg ") >= 2, "a drawing for each theme"
    assert 'class="mermaid"' not in html, "Mermaid source left for the browser"


@pytest.fixture
def empty_fontconfig(tmp_path) -> dict:
    """An environment in which no program finds a single font of the machine's."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    return {"FONTCONFIG_FILE": str(conf)}


def test_fresh_clone_builds_every_diagram_without_browser_fonts_or_node_modules(
    project_copy, tmp_path, empty_fontconfig
):
    (project_copy / "node_modules").unlink()
    env = os.environ | NO_BROWSER | empty_fontconfig
    result = sphinx_build(project_copy / "docs", tmp_path / "out", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    for page in PAGES:
        html = (tmp_path / "out" / f"{page}.html").read_text(encoding="utf-8")
        wanted = "{mermaid}" in (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
        assert ('<div class="diagram"' in html and "<svg " in html) == wanted, page


def test_a_changed_diagram_without_its_drawing_fails_naming_the_file_and_the_command(project_copy, tmp_path):
    partners = project_copy / "diagrams" / "partners.mmd"
    partners.write_text(partners.read_text().replace('banma["Banma"]', 'banma["Banma Network"]'))
    result = sphinx_build(project_copy / "docs", tmp_path / "out", env=os.environ | NO_BROWSER)
    assert result.returncode != 0
    assert "ERROR: diagrams/partners.mmd: this diagram has no drawing of its current text" in result.stderr
    assert "`nox -s diagrams`" in result.stderr
    assert "Traceback" not in result.stderr
    # The drawings of the diagram's earlier text are now left over, and named too.
    assert "diagrams/drawings/partners.wide.light." in result.stderr


def test_a_drawing_left_by_a_deleted_diagram_fails_the_build(project_copy, tmp_path):
    drawings = project_copy / "diagrams" / "drawings"
    orphan = drawings / "retired.wide.light.0123456789abcdef.svg"
    orphan.write_text(next(drawings.glob("scope.wide.light.*.svg")).read_text())
    result = sphinx_build(project_copy / "docs", tmp_path / "out")
    assert result.returncode != 0
    assert (
        "diagrams/drawings/retired.wide.light.0123456789abcdef.svg: this drawing belongs to no diagram"
        in (result.stderr)
    )


def test_drawing_on_draws_a_changed_diagram_and_removes_its_old_drawings(project_copy, tmp_path):
    drawings = project_copy / "diagrams" / "drawings"
    before = {path.name for path in drawings.glob("partners.wide.*")}
    partners = project_copy / "diagrams" / "partners.mmd"
    partners.write_text(partners.read_text().replace('banma["Banma"]', 'banma["Banma Network"]'))
    result = sphinx_build(project_copy / "docs", tmp_path / "out", *DRAW)
    assert result.returncode == 0, result.stderr[-3000:]
    after = {path.name for path in drawings.glob("partners.wide.*")}
    assert len(after) == len(before)
    assert after.isdisjoint(before)
    assert "Banma Network" in (tmp_path / "out" / "partners.html").read_text()


def test_page_including_a_missing_diagram_fails_naming_the_file(project_copy, tmp_path):
    page = project_copy / "docs" / "index.md"
    page.write_text(page.read_text() + "\n```{mermaid} ../diagrams/no-such-diagram.mmd\n```\n")
    result = sphinx_build(project_copy / "docs", tmp_path / "out")
    assert result.returncode != 0
    assert "no-such-diagram.mmd" in result.stderr


def test_diagram_that_does_not_parse_fails_the_build_naming_file_line_and_error(project_copy, tmp_path):
    scope = project_copy / "diagrams" / "scope.mmd"
    lines = scope.read_text().splitlines()
    broken_line = next(n for n, line in enumerate(lines, 1) if line.strip().startswith("tech -->"))
    lines[broken_line - 1] = "    tech --> --> uses"
    scope.write_text("\n".join(lines) + "\n")
    result = sphinx_build(project_copy / "docs", tmp_path / "out", *DRAW)
    assert result.returncode != 0
    assert f"diagrams/scope.mmd:{broken_line}: ERROR: Parse error on line {broken_line}" in result.stderr
    assert "Expecting" in result.stderr, "Mermaid's own message"
    assert "Traceback" not in result.stderr


def test_a_new_diagram_with_no_browser_to_draw_it_says_how_to_get_one(project_copy, tmp_path):
    partners = project_copy / "diagrams" / "partners.mmd"
    partners.write_text(partners.read_text().replace('banma["Banma"]', 'banma["Banma Network"]'))
    result = sphinx_build(project_copy / "docs", tmp_path / "out", *DRAW, env=os.environ | NO_BROWSER)
    assert result.returncode != 0
    assert "CHROMIUM_PATH=/nonexistent/chromium does not exist" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_edition_that_failed_is_printed_last_just_above_the_line_that_says_so(monkeypatch, capsys):
    import editions

    made = [
        editions.Built("en", 1, "WARNING: the English page is broken"),
        editions.Built("zh_CN", 0, "build succeeded."),
    ]
    monkeypatch.setattr(editions, "build", lambda *args, **kwargs: made)
    assert editions.main(["/nonexistent/site"]) == 1
    printed = capsys.readouterr().out.rstrip().splitlines()
    assert printed[-1] == "The build of the en edition failed: the messages above say why."
    assert printed.index("WARNING: the English page is broken") > printed.index("build succeeded.")
