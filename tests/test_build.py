"""The site builds cleanly, and a broken setup fails with a message saying what to do."""

from conftest import PAGES, sphinx_build


def test_site_builds_without_a_single_warning(site):
    assert site.warnings == ""
    assert site.status == 0
    assert (site.html / "index.html").is_file()


def test_every_page_in_docs_is_built(site):
    missing = [page for page in PAGES if not (site.html / f"{page}.html").is_file()]
    assert missing == []


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


def test_mermaid_is_copied_into_the_site_without_source_maps(site):
    mermaid = site.html / "_static" / "mermaid"
    assert (mermaid / "mermaid.esm.min.mjs").is_file()
    chunks = list((mermaid / "chunks" / "mermaid.esm.min").glob("*.mjs"))
    assert len(chunks) > 20, "the ES-module build needs its chunks/ folder"
    assert not list(mermaid.rglob("*.map"))


def test_copy_of_the_project_sharing_node_modules_builds(project_copy, tmp_path):
    """A second checkout (a git worktree, the benchmark's scratch copy) links node_modules."""
    result = sphinx_build(project_copy / "docs", tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'rel="modulepreload"' in (tmp_path / "out" / "index.html").read_text()
