"""Build the bibliography without the repeated work, and without changing a byte of the pages.

sphinxcontrib-bibtex, through pybtex, spent about half of a full build redoing work whose
result never changes within a build:

1. Finding plugins. Each ``{footcite}`` makes a new pybtex style, and each style asks
   pybtex for four plugins by name; pybtex answers every such question by reading the
   entry points of every installed package (about 650 times a build). This extension
   looks the site's plugins up once, when Sphinx starts, and registers them with
   pybtex's public ``register_plugin`` (and sphinxcontrib-bibtex's own), which both
   consult before reading any entry point.
2. Formatting the same entry once per citation. A formatted entry depends only on the
   style, the label and the entry's content, so the first result is kept and handed out
   again, in this build and, through Sphinx's environment, in the incremental builds
   after it (a changed entry has another fingerprint and is formatted afresh).
3. Decoding LaTeX in text that has none. ``sources.bib`` is plain Unicode, yet every
   field went through latexcodec's decoder. Text the decoder would return unchanged
   (see ``needs_latex_decoding``) now skips it; any other text is decoded as before.
   Braces still go through pybtex's own parser, which turns them into case protection.

Every change is made when Sphinx loads this extension and lasts for the whole Python
process. The tests in ``tests/test_bibliography_speed.py`` fail if an upgrade of pybtex,
sphinxcontrib-bibtex or latexcodec makes any of the three stop applying.
"""

import functools
import re
from importlib.metadata import entry_points

import pybtex
import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.markup import LaTeXParser
from pybtex.richtext import Text
from pybtex.style.formatting import BaseStyle
from sphinx.errors import ExtensionError

#: Every plugin a build of this site asks pybtex for, by group and name. A build that asks
#: for one missing here still works, only slower (tests/test_bibliography_speed.py says which).
PYBTEX_PLUGINS = {
    "pybtex.style.formatting": ("unsrt", "plain"),  # conf.py's bibtex_default_style; sources.md's list
    "pybtex.style.labels": ("number",),  # pybtex's default, used by both styles
    "pybtex.style.names": ("plain", "last"),  # pybtex's default; sphinxcontrib-bibtex's citation styles
    "pybtex.style.sorting": ("none", "author_year_title"),  # unsrt's (pybtex's default); plain's
    "pybtex.backends": ("docutils", "plaintext"),  # sphinxcontrib-bibtex's output; its {cite} tooltips
}
#: sphinxcontrib-bibtex's own plugins: bibtex_reference_style and bibtex_foot_reference_style.
SPHINXCONTRIB_BIBTEX_PLUGINS = {
    "sphinxcontrib.bibtex.style.referencing": ("label", "foot"),
}

# Characters and pairs that latexcodec's decoder changes when there is no backslash:
# $ (maths), % (comments), ~ (no-break space), -- and --- (dashes), `` '' ,, (quotes),
# !` ?` (inverted marks), and whitespace it collapses: tabs, line breaks, a leading space
# and a space after a space. Braces and everything else pass through it unchanged.
_LATEX_MARKUP = re.compile(r"[\\$%~\t\n\r]|--|``|''|,,|!`|\?`|^ |  ")


def needs_latex_decoding(text: str) -> bool:
    """Whether latexcodec's decoder would change *text*. If not, decoding is skipped."""
    return _LATEX_MARKUP.search(text) is not None


def register_plugins() -> None:
    """Find each plugin in the installed packages' entry points once, and register it."""
    installed = entry_points()
    # pybtex's register_plugin reads every package's entry points again on each call, even
    # with force=True (it tests the read before `force`): let it read the list above.
    pybtex_reads = pybtex.plugin.entry_points
    pybtex.plugin.entry_points = installed.select
    try:
        for register, plugins in (
            (pybtex.plugin.register_plugin, PYBTEX_PLUGINS),
            (sphinxcontrib.bibtex.plugin.register_plugin, SPHINXCONTRIB_BIBTEX_PLUGINS),
        ):
            for group, names in plugins.items():
                for name in names:
                    found = installed.select(group=group, name=name)
                    if not found:
                        raise ExtensionError(
                            f"No installed package provides the {group} plugin {name!r}. "
                            f"If the site no longer uses it, remove it from {__file__}; "
                            "otherwise reinstall the docs dependencies (nox -s docs)."
                        )
                    register(group, name, next(iter(found)).load(), force=True)
    finally:
        pybtex.plugin.entry_points = pybtex_reads


# The library's own functions, kept once even if this module's setup runs for many builds.
_format_entry = getattr(BaseStyle.format_entry, "__wrapped__", BaseStyle.format_entry)
_from_latex = getattr(Text.from_latex, "__wrapped__", Text.from_latex.__func__)
_formatted: dict[tuple, object] = {}  # kept in Sphinx's environment between builds


def fingerprint(entry) -> tuple:
    """Everything in a BibTeX entry that its formatting can depend on."""
    persons = tuple((role, tuple(map(str, people))) for role, people in sorted(entry.persons.items()))
    return (entry.key, entry.type, tuple(sorted(entry.fields.items())), persons)


@functools.wraps(_format_entry)
def format_entry_once(style, label, entry, bib_data=None):
    """pybtex's ``format_entry``, computed once per style, label and entry content."""
    # A style that takes options of its own, or cross-references resolved through bib_data,
    # could format differently: those are formatted every time, as before.
    if bib_data is not None or type(style).__init__ is not BaseStyle.__init__:
        return _format_entry(style, label, entry, bib_data)
    settings = (style.name_style, style.label_style, style.sorting_style)
    key = (
        type(style),
        *map(type, settings),
        style.abbreviate_names,
        style.min_crossrefs,
        label,
        fingerprint(entry),
    )
    if key not in _formatted:
        _formatted[key] = _format_entry(style, label, entry)
    return _formatted[key]


@functools.wraps(_from_latex)
def from_latex(cls, latex):
    """pybtex's ``Text.from_latex``, without latexcodec for text it would not change."""
    if isinstance(latex, str) and not needs_latex_decoding(latex):
        return LaTeXParser(latex).parse()
    return _from_latex(cls, latex)


def keep_formatted_entries(app) -> None:
    """Use the environment's store: an incremental build reuses the last build's entries, a
    fresh environment (-E, a changed pybtex) starts empty."""
    global _formatted
    store = getattr(app.env, "formatted_bibliography", None)
    if not isinstance(store, dict) or store.get("pybtex") != pybtex.__version__:
        store = app.env.formatted_bibliography = {"pybtex": pybtex.__version__, "entries": {}}
    _formatted = store["entries"]


def setup(app):
    register_plugins()
    BaseStyle.format_entry = format_entry_once
    Text.from_latex = classmethod(from_latex)
    app.connect("builder-inited", keep_formatted_entries)
    return {"version": "2", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
