"""The bibliography without pybtex's repeated work, through pybtex's own plugin registry.

sphinxcontrib-bibtex, through pybtex, spent most of a full build of this site redoing work
whose result never changes within a build (measured on the English edition, median of 5
alternating builds: 4.1 s with pybtex's plain style and without this extension, 1.5 s with it):

1. **Finding plugins** (about 2 s). Each ``{footcite}`` makes a new pybtex style, and each style
   asks pybtex for four plugins by name; pybtex answers every such question by reading the
   entry points of every installed package (about 650 times a build). The site's plugins are
   looked up once, when Sphinx starts, and registered with pybtex's public
   ``register_plugin`` (and sphinxcontrib-bibtex's own), which both consult first.
2. **Formatting the same entry once** (about 0.6 s). The site's styles, ``site-plain``
   (conf.py's bibtex_default_style: pybtex's plain) and the Chinese edition's ``zh_plain``
   (chinese_references.py), are pybtex styles whose ``format_entry`` keeps its result:
   a formatted entry's text depends only on the style and the entry's content. The results
   are kept in Sphinx's environment, so an incremental build reuses them (a changed entry has
   another fingerprint and is formatted afresh).

Nothing of pybtex or sphinxcontrib-bibtex is replaced: the styles are the site's own,
registered under their own names. tests/test_bibliography_speed.py fails if an upgrade makes
either saving stop applying, or makes the pages come out differently.
"""

from importlib.metadata import entry_points

import pybtex
import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.style.formatting import BaseStyle, FormattedEntry
from pybtex.style.formatting.plain import Style as PlainStyle
from sphinx.errors import ExtensionError

#: Every plugin a build of this site asks pybtex for, by group and name. A build that asks
#: for one missing here still works, only slower (tests/test_bibliography_speed.py says which).
PYBTEX_PLUGINS = {
    "pybtex.style.labels": ("number",),  # pybtex's default, used by both styles
    "pybtex.style.names": ("plain", "last"),  # pybtex's default; sphinxcontrib-bibtex's citation styles
    "pybtex.style.sorting": ("none", "author_year_title"),  # pybtex's default; plain's
    "pybtex.backends": ("docutils", "plaintext"),  # sphinxcontrib-bibtex's output; its {cite} tooltips
}
#: sphinxcontrib-bibtex's own plugins: bibtex_reference_style and bibtex_foot_reference_style.
SPHINXCONTRIB_BIBTEX_PLUGINS = {
    "sphinxcontrib.bibtex.style.referencing": ("label", "foot"),
}

_formatted: dict[tuple, object] = {}  # kept in Sphinx's environment between builds


def fingerprint(entry) -> tuple:
    """Everything in a BibTeX entry that its formatting can depend on."""
    persons = tuple((role, tuple(map(str, people))) for role, people in sorted(entry.persons.items()))
    return (entry.key, entry.type, tuple(sorted(entry.fields.items())), persons)


class FormattedOnce(BaseStyle):
    """A pybtex style whose entries are formatted once per entry content: the text of an entry
    does not depend on its label (the footnote number it is cited by on a page), which pybtex's
    format_entry only carries along."""

    def format_entry(self, label, entry, bib_data=None):
        if bib_data is not None:  # cross-references resolved through the database: every time
            return super().format_entry(label, entry, bib_data)
        settings = (self.name_style, self.label_style, self.sorting_style)
        key = (
            type(self),
            *map(type, settings),
            self.abbreviate_names,
            self.min_crossrefs,
            fingerprint(entry),
        )
        if key not in _formatted:
            _formatted[key] = super().format_entry(label, entry).text
        return FormattedEntry(entry.key, _formatted[key], label)


class SitePlain(FormattedOnce, PlainStyle):
    """pybtex's plain style: footnotes in the order cited, a list of sources by author, year, title."""


SITE_STYLES = {"site-plain": SitePlain}


def register_plugins() -> None:
    """Register the site's styles, and every plugin they use, found once in the entry points."""
    for name, style in SITE_STYLES.items():
        pybtex.plugin.register_plugin("pybtex.style.formatting", name, style, force=True)
    installed = entry_points()
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
    app.connect("builder-inited", keep_formatted_entries)
    return {"version": "3", "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
