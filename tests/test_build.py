"""The site builds cleanly, draws its diagrams when it is built (from a cache when
nothing changed), and a broken setup fails with a message saying what to do."""

import os

from conftest import PAGES, ROOT, sphinx_build

NO_BROWSER = {"CHROMIUM_PATH": "/nonexistent/chromium"}


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


def test_build_without_mermaid_installed_says_to_run_npm_ci(project_copy, tmp_path):
    (project_copy / "node_modules").unlink()
    result = sphinx_build(project_copy / "docs", tmp_path / "out")
    assert result.returncode != 0
    assert "Mermaid is not installed" in result.stderr
    assert "npm ci" in result.stderr


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
    result = sphinx_build(project_copy / "docs", tmp_path / "out")
    assert result.returncode != 0
    assert f"diagrams/scope.mmd:{broken_line}: ERROR: Parse error on line {broken_line}" in result.stderr
    assert "Expecting" in result.stderr, "Mermaid's own message"
    assert "Traceback" not in result.stderr


def test_build_with_unchanged_diagrams_starts_no_browser(project_copy, tmp_path):
    docs = project_copy / "docs"
    first = sphinx_build(docs, tmp_path / "cold")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "drawing 16 diagram" in first.stdout  # 5 diagrams: 2 themes each, 3 with a narrow layout

    # The same diagrams again, with no browser to be found: the cache is enough.
    warm = sphinx_build(docs, tmp_path / "warm", "-E", env=os.environ | NO_BROWSER)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert "drawing" not in warm.stdout
    assert (tmp_path / "warm" / "_diagrams" / "partners-wide-dark.svg").is_file()

    # A changed diagram needs the browser, and the build says how to get one.
    partners = project_copy / "diagrams" / "partners.mmd"
    partners.write_text(partners.read_text().replace('banma["Banma"]', 'banma["Banma Network"]'))
    changed = sphinx_build(docs, tmp_path / "changed", "-E", env=os.environ | NO_BROWSER)
    assert changed.returncode != 0
    assert (
        "ERROR: diagrams/partners.mmd: this diagram is new or changed, and drawing it needs a browser"
        in changed.stderr
    )
    assert "No Chromium found" in changed.stderr
    assert "apt-get install chromium" in changed.stderr


def test_copy_of_the_project_sharing_node_modules_builds(project_copy, tmp_path):
    """A second checkout (a git worktree, the benchmark's scratch copy) links node_modules."""
    cache = f"diagram_cache_dir={ROOT / 'docs' / '_build' / 'diagram-cache'}"
    result = sphinx_build(project_copy / "docs", tmp_path / "out", "-D", cache)
    assert result.returncode == 0, result.stderr[-2000:]
    assert '<div class="diagram"' in (tmp_path / "out" / "index.html").read_text()
