"""The drawings in diagrams/drawings/ are what Chromium draws today from the diagrams, with
the pinned fonts and never the machine's, and the site is published with the Python and
the packages it is tested with."""

import os
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import sphinx

from conftest import ROOT, copy_of_project
from editions import build
from sphinx_mermaid_svg.assets import Assets
from sphinx_mermaid_svg.browser import launch
from sphinx_mermaid_svg.render import DEFAULT_FONTS, Renderer
from sphinx_mermaid_svg.store import same_drawing

COMMITTED = ROOT / "diagrams" / "drawings"
PYTHON = (ROOT / ".python-version").read_text().strip()


def redraw(tmp_path: Path, env: dict) -> Path:
    """Every drawing of both editions, drawn afresh into an empty folder."""
    project, drawn = copy_of_project(tmp_path), tmp_path / "drawn"
    options = ["-q", "-E", "-D", "mermaid_svg_draw=1", "-D", f"mermaid_svg_drawings={drawn}"]
    results = build(tmp_path / "out", *options, source=project / "docs", env=os.environ | env)
    assert [result.returncode for result in results] == [0] * len(results), results
    return drawn


@pytest.mark.parametrize(
    "machine", ["with the machine's fonts", "on a machine with no fonts"], ids=["fonts", "no-fonts"]
)
def test_every_committed_drawing_is_what_chromium_draws_today(tmp_path, chromium, machine):
    env = {"CHROMIUM_PATH": chromium}
    if machine == "on a machine with no fonts":
        (tmp_path / "fonts.conf").write_text(
            f"<fontconfig><cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>"
        )
        env["FONTCONFIG_FILE"] = str(tmp_path / "fonts.conf")
    drawn = redraw(tmp_path, env)
    committed = {path.name: path.read_text(encoding="utf-8") for path in COMMITTED.glob("*.svg")}
    fresh = {path.name: path.read_text(encoding="utf-8") for path in drawn.glob("*.svg")}
    assert sorted(fresh) == sorted(committed), "run `nox -s diagrams` and commit diagrams/drawings/"
    differ = [name for name in committed if not same_drawing(committed[name], fresh[name])]
    assert differ == [], (
        "drawn differently today: run `nox -s diagrams` (see the README on reviewing drawings)"
    )


# Is a font installed? Text in "FONT, monospace" measures differently from plain monospace.
FONT_PRESENT = """([family, sample]) => {
  const canvas = document.createElement("canvas").getContext("2d");
  const width = font => { canvas.font = font; return canvas.measureText(sample).width; };
  return width(`40px "${family}", monospace`) !== width("40px monospace");
}"""


def test_the_browser_that_draws_sees_the_pinned_fonts_and_none_of_the_machines(visit, browser, chromium):
    machine_fonts = ["DejaVu Serif", "Liberation Sans", "Noto Sans CJK JP"]
    reader = visit("index").page  # a reader's browser on this machine has them (.ci/run installs them)
    assert all(reader.evaluate(FONT_PRESENT, [family, "Alibaba FAW 2020"]) for family in machine_fonts)
    drawing_browser = launch(SimpleNamespace(chromium=browser.browser_type), chromium)  # as the build does
    with Renderer(Assets(ROOT / "node_modules", DEFAULT_FONTS), browser=drawing_browser) as renderer:
        page = renderer._ready_page()
        seen = {family: page.evaluate(FONT_PRESENT, [family, "Alibaba FAW 2020"]) for family in machine_fonts}
        pinned = {
            family: page.evaluate(FONT_PRESENT, [family, "Alibaba FAW 中文"]) for family in DEFAULT_FONTS
        }
    drawing_browser.close()
    assert seen == dict.fromkeys(machine_fonts, False)
    assert pinned == dict.fromkeys(DEFAULT_FONTS, True)


def test_same_drawing_allows_half_a_pixel_and_nothing_else():
    drawing = '<svg viewBox="0 0 120.5 40"><rect x="8" width="100.25"/><p>Banma</p></svg>'
    assert same_drawing(drawing, drawing.replace("100.25", "100.5"))
    assert not same_drawing(drawing, drawing.replace("100.25", "101"))
    assert not same_drawing(drawing, drawing.replace("Banma", "Banma OS"))
    assert not same_drawing(drawing, drawing.replace("<rect", "<circle"))


# -- Published as tested -------------------------------------------------------------------


def test_publishing_and_ci_use_the_tested_python():
    workflows = {path.name: path.read_text() for path in (ROOT / ".github" / "workflows").glob("*.yml")}
    for name, text in workflows.items():
        versions = re.findall(r"python-version(?:-file)?:\s*(\S+)", text)
        assert set(versions) == {".python-version"}, f"{name}: {versions}"
    readthedocs = (ROOT / ".readthedocs.yaml").read_text()
    assert re.search(r'^\s+python:\s*"?([\d.]+)"?\s*$', readthedocs, re.MULTILINE)[1] == PYTHON
    environments = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["environments"]
    assert environments == [
        f"python_full_version >= '{PYTHON}.5' and python_full_version < '3.{int(PYTHON.split('.')[1]) + 1}'"
    ]


def test_the_locks_give_the_tested_python_one_version_of_each_package():
    for lock in (ROOT / "locks").glob("*.txt"):
        names = re.findall(r"^([a-z0-9][a-z0-9._-]*)==", lock.read_text(), re.MULTILINE)
        assert len(names) == len(set(names)), f"{lock.name}: a package locked twice"


def test_the_workarounds_for_sphinx_are_still_needed():
    """Fails once Sphinx fixes what docs/_ext works around: then remove the workaround."""
    from sphinx.search import IndexBuilder
    from sphinx.search.zh import SearchChinese

    stemmer = IndexBuilder.get_js_stemmer_code(SimpleNamespace(lang=SearchChinese({})))
    named = re.search(r"window\.Stemmer = (\w+);", stemmer)[1]
    defined = f"{named} = " in stemmer or f"class {named}" in stemmer
    assert not defined, (
        f"Sphinx {sphinx.__version__} fixed sphinx-doc/sphinx#14229 (Chinese search): remove "
        "chinese_search() from docs/_ext/site_editions.py"
    )
    doctools = (Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "doctools.js").read_text()
    assert "new Function(" in doctools, (
        f"Sphinx {sphinx.__version__} no longer evaluates the plural rule: remove "
        "docs/_static/translations-without-eval.js and its line in docs/_ext/site_editions.py"
    )
