"""`nox -s diagrams` names the rule a diagram breaks, and the fix (tools/diagram_rules.py):
the same rules the browser tests measure on the pages."""

import shutil

from conftest import ROOT
from sphinx_mermaid_svg.store import Drawing
from tools.diagram_rules import problems, size_problems, twin_problems


def drawing(width: float, height: float) -> Drawing:
    return Drawing(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="mmdsvg" viewBox="0 0 {width} {height}">'
        "<style>#mmdsvg{font-family:sans-serif;font-size:16px;}</style></svg>"
    )


def test_every_committed_drawing_keeps_the_rules(site):
    assert problems(ROOT / "diagrams" / "drawings", site.html) == []


def test_a_diagram_too_wide_for_a_desktop_screen_is_named_with_its_fix():
    found = size_problems("diagrams/wide.mmd (light)", drawing(1500, 300), None)
    assert any("labels shrink to 7.9 px on a desktop screen" in problem for problem in found), found
    assert any("add `:narrow: TB`" in problem for problem in found), found


def test_a_diagram_too_tall_for_a_desktop_screen_is_named():
    found = size_problems("diagrams/tall.mmd (dark)", drawing(340, 1200), None)
    assert found == ["diagrams/tall.mmd (dark): 1200 px tall on a desktop screen, more than 860: fewer rows, "
                     "or groups side by side"]  # fmt: skip


def test_a_narrow_layout_is_what_phones_are_checked_with():
    assert size_problems("diagrams/x.mmd (light)", drawing(700, 400), drawing(340, 800)) == []
    found = size_problems("diagrams/x.mmd (light)", drawing(700, 400), drawing(700, 800))
    assert any(
        "narrow layout's labels shrink" in problem and "shorten its labels" in problem for problem in found
    )


def test_a_translated_diagram_with_a_node_of_its_own_is_named(tmp_path):
    diagrams = tmp_path / "diagrams"
    shutil.copytree(ROOT / "diagrams", diagrams, ignore=shutil.ignore_patterns("drawings"))
    twin = diagrams / "partners.zh_CN.mmd"
    twin.write_text(
        twin.read_text(encoding="utf-8").replace("\n  click ", '\n  extra["多出来的"]\n  click ', 1)
    )
    found = twin_problems(diagrams)
    assert len(found) == 1
    assert "partners.zh_CN.mmd: its nodes differ from partners.mmd's" in found[0]
