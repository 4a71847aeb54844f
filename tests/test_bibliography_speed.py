"""The bibliography costs little to build (docs/_ext/bibliography_speedups.py), and looks the same.

Each test builds a small throwaway site in this process, counting what pybtex does: it
fails if an upgrade of pybtex or sphinxcontrib-bibtex makes a saving stop applying, or
makes the pages come out differently with the site's styles than with pybtex's own.
"""

import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pybtex.plugin
import pytest
import sphinxcontrib.bibtex.plugin
from pybtex.style.formatting import BaseStyle
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import docutils_namespace

from conftest import DOCS

sys.path.insert(0, str(DOCS / "_ext"))
import bibliography_speedups  # noqa: E402  (the module Sphinx loads by this name)

PLAIN_BIB = """
@misc{alpha, author = {{South China Morning Post}}, title = {{Alibaba kicks off a partnership}},
  howpublished = {AsiaOne}, year = {2020}, month = jan, url = {https://example.org/a}}
@misc{beta, author = {Zhang, Wei and Li, Na}, title = {Smart cars: a survey}, year = {2021},
  note = {Second edition; revised}}
@misc{gamma, author = {{China FAW Group}}, title = {{Hongqi’s Qwen assistant}}, year = {2024}}
"""
LATEX_BIB = r"""
@misc{alpha, author = {M{\"u}ller, J{\"u}rgen}, title = {{\"U}ber Stra{\ss}en --- ein Test}, year = {2020}}
@misc{beta, author = {Zhang, Wei}, title = {Plain title}, year = {2021}}
@misc{gamma, author = {Garc{\'\i}a, Ana}, title = {Dise{\~n}o}, year = {2024}}
"""
KEYS = ("alpha", "beta", "gamma")
CITED_PER_PAGE = 10  # every entry, cited this often on each of two pages


def write_project(root: Path, bib: str, with_speedups: bool = True) -> Path:
    """A site like ours: footnote citations on pages, and a page listing every source, in the
    site's styles, or in pybtex's own (unsrt and plain) `with_speedups` off."""
    extensions = ["myst_parser", "sphinxcontrib.bibtex"] + (["bibliography_speedups"] * with_speedups)
    prefix = "site-" if with_speedups else ""
    files = {
        "conf.py": f"""
            import sys
            sys.path.insert(0, {str(DOCS / "_ext")!r})
            extensions = {extensions!r}
            bibtex_bibfiles = ["refs.bib"]
            bibtex_default_style = "{prefix}plain"
            bibtex_reference_style = "label"
            """,
        "refs.bib": bib,
        "index.md": "# Index\n\n```{toctree}\none\ntwo\nsources\n```\n",
        "sources.md": "# Sources\n\n```{bibliography}\n:all:\n:list: bullet\n```\n",
    }
    for page in ("one", "two"):
        citing = "".join(
            f"Claim {i} {{footcite}}`alpha` and {{footcite}}`beta,gamma`.\n\n" for i in range(CITED_PER_PAGE)
        )
        files[f"{page}.md"] = f"# Page {page}\n\n{citing}```{{footbibliography}}\n```\n"
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@dataclass
class Counts:
    """What pybtex and latexcodec did during one build."""

    scans: list[tuple[str, str]] = field(default_factory=list)  # plugin look-ups that read entry points
    formatted: Counter = field(default_factory=Counter)  # (style, label, entry key) -> times formatted


@pytest.fixture
def counts(monkeypatch) -> Counts:
    found = Counts()

    def counting_entry_points(real):
        def entry_points(**selection):
            # Every read counts but register_plugin's own (once per plugin, as the extension
            # loads): the reads that answer look-ups are the ones repeated for each citation.
            caller = sys._getframe(1)
            while caller and caller.f_code.co_name != "register_plugin":
                caller = caller.f_back
            if caller is None:
                found.scans.append((selection.get("group"), selection.get("name")))
            return real(**selection)

        return entry_points

    for module in (pybtex.plugin, sphinxcontrib.bibtex.plugin):
        monkeypatch.setattr(module, "entry_points", counting_entry_points(module.entry_points))

    format_entry = BaseStyle.format_entry  # what formats an entry, under the site's styles

    def counting_format_entry(style, label, entry, bib_data=None):
        found.formatted[(type(style).__name__, label, entry.key)] += 1
        return format_entry(style, label, entry, bib_data)

    monkeypatch.setattr(BaseStyle, "format_entry", counting_format_entry)
    return found


def build(source: Path, out: Path, fresh: bool = True) -> str:
    """Build *source* into *out* in this process, as `sphinx-build [-E] -b html`; return the warnings."""
    warnings = StringIO()
    with docutils_namespace():
        app = Sphinx(
            source, source, out, out / ".doctrees", "html", status=None, warning=warnings, freshenv=fresh
        )
        app.build()
    return warnings.getvalue()


def build_without_speedups(source: Path, out: Path) -> None:
    """The same site built by sphinx-build in its own process, where pybtex is untouched."""
    command = [sys.executable, "-m", "sphinx", "-E", "-q", "-b", "html", str(source), str(out)]
    subprocess.run(command, check=True, capture_output=True, text=True)


def html_pages(out: Path) -> dict[str, bytes]:
    return {str(page.relative_to(out)): page.read_bytes() for page in sorted(out.rglob("*.html"))}


@pytest.fixture(params=["plain", "latex"])
def bib(request) -> str:
    return {"plain": PLAIN_BIB, "latex": LATEX_BIB}[request.param]


def test_citing_does_not_make_pybtex_scan_every_installed_package_for_plugins(tmp_path, counts):
    warnings = build(write_project(tmp_path / "src", PLAIN_BIB), tmp_path / "out")
    assert not warnings
    assert counts.scans == [], (
        "pybtex or sphinxcontrib-bibtex read the installed packages' entry points to find these "
        f"plugins: {sorted(set(counts.scans))}. Pinned plugins are no longer used as they were, "
        "or these are missing from PYBTEX_PLUGINS in docs/_ext/bibliography_speedups.py."
    )


def test_each_entry_is_formatted_once_per_style_however_often_it_is_cited(tmp_path, counts, bib):
    build(write_project(tmp_path / "src", bib), tmp_path / "out")
    assert set(counts.formatted.values()) == {1}, f"formatted more than once: {counts.formatted}"
    by_style = {(style, key) for style, _, key in counts.formatted}
    assert by_style == {("SitePlain", key) for key in KEYS}, (
        "sphinxcontrib-bibtex no longer formats entries with the style the site names, "
        f"so they are not kept between citations: formatted {counts.formatted}"
    )


def test_a_rebuild_after_editing_a_page_formats_only_the_entries_that_changed(tmp_path, counts):
    source = write_project(tmp_path / "src", PLAIN_BIB)
    build(source, tmp_path / "out")
    page = source / "one.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    counts.formatted.clear()
    assert not build(source, tmp_path / "out", fresh=False)
    assert counts.formatted == {}, f"formatted again although nothing in them changed: {counts.formatted}"

    bib = source / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("Smart cars: a survey", "Smart cars"), encoding="utf-8"
    )
    assert not build(source, tmp_path / "out", fresh=False)
    assert {key for _, _, key in counts.formatted} == {"beta"}
    assert "Smart cars." in (tmp_path / "out" / "one.html").read_text(encoding="utf-8")


def test_latex_in_the_bibliography_is_decoded(tmp_path):
    build(write_project(tmp_path / "src", LATEX_BIB), tmp_path / "out")
    page = (tmp_path / "out" / "one.html").read_text(encoding="utf-8")
    for text in ("Jürgen Müller", "Über straßen — ein test", "Ana García", "Diseño"):
        assert text in page


def test_pages_are_byte_identical_with_and_without_the_speedups(tmp_path, bib):
    build(write_project(tmp_path / "src", bib), tmp_path / "with")
    build_without_speedups(
        write_project(tmp_path / "plain-src", bib, with_speedups=False), tmp_path / "without"
    )
    with_speedups, without = html_pages(tmp_path / "with"), html_pages(tmp_path / "without")
    assert with_speedups.keys() == without.keys()
    changed = [page for page in with_speedups if with_speedups[page] != without[page]]
    assert not changed, f"these pages differ when the speed-ups are on: {changed}"


def test_the_site_asks_for_no_plugin_that_is_not_pinned(tmp_path, counts):
    """The real docs/: a new style or citation style must be added to PYBTEX_PLUGINS."""
    build(DOCS, tmp_path / "out")
    assert counts.scans == [], (
        f"the site looks up plugins that are not pinned: {sorted(set(counts.scans))}; add them to "
        "PYBTEX_PLUGINS (or SPHINXCONTRIB_BIBTEX_PLUGINS) in docs/_ext/bibliography_speedups.py"
    )


def test_a_plugin_that_is_not_installed_is_named_when_the_site_builds(tmp_path, monkeypatch):
    monkeypatch.setitem(bibliography_speedups.PYBTEX_PLUGINS, "pybtex.style.formatting", ("no-such-style",))
    with pytest.raises(ExtensionError, match="pybtex.style.formatting plugin 'no-such-style'"):
        build(write_project(tmp_path / "src", PLAIN_BIB), tmp_path / "out")
