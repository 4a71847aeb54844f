"""`nox -s diagrams` catches a broken diagram and names its file."""

from conftest import ROOT

from tools.check_diagrams import check


def test_every_diagram_parses_renders_and_has_an_accessible_name(browser):
    assert check(ROOT / "diagrams", browser) == []


def test_a_syntax_error_fails_the_check_and_names_the_file(project_copy, browser):
    broken = project_copy / "diagrams" / "broken-example.mmd"
    broken.write_text("flowchart TB\n  accTitle: t\n  accDescr: d\n  A -->|unclosed label B\n")
    problems = check(project_copy / "diagrams", browser)
    assert len(problems) == 1
    assert problems[0].startswith(f"{broken}:")
    assert "Parse error" in problems[0]


def test_a_diagram_without_accessible_title_is_reported(project_copy, browser):
    untitled = project_copy / "diagrams" / "untitled-example.mmd"
    untitled.write_text("flowchart TB\n  accDescr: d\n  A --> B\n")
    problems = check(project_copy / "diagrams", browser)
    assert problems == [f"{untitled}: no `accTitle:` line (the diagram's accessible title)"]
