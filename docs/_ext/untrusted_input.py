"""What contributors write is checked before the build uses it: nothing in it may run,
leak the build machine's files, or track readers.

- **No raw HTML and no file inclusion.** docutils' ``raw`` directive and file insertion are
  off for every page and catalog (``{raw}`` and ``:file:`` are refused by docutils itself),
  and any raw HTML that still reaches a page (MyST's HTML blocks and inline HTML, in a page
  or a translation) is an error naming its file and line, and is taken out: use a
  directive or a role, or the theme's templates for the site's own markup.
- **Catalogs and sources checked first.** Every catalog of the edition (catalog_check.py)
  and docs/sources.bib are read before anything is built; a problem is an
  error naming the file and the line. `nox -s docs` runs the same checks before it starts a
  build, and stops there, so nothing of a refused file is written (editions.py).

The written pages are checked once more, whoever wrote them (finished_pages.py).
"""

from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from input_check import input_problems

logger = logging.getLogger(__name__)
# -- Sphinx events ---------------------------------------------------------------------------


def check_inputs(app, config) -> None:
    for problem in input_problems(config.language, Path(app.srcdir)):
        logger.error(problem)


def no_raw_input(app) -> None:
    # Read by docutils for every page, and for every translated message parsed in its place.
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def refuse_raw_html(app, doctree) -> None:
    catalog = ""
    if app.config.language != "en":
        catalog = (
            f" (or its translation, docs/locales/{app.config.language}/LC_MESSAGES/{app.env.docname}.po)"
        )
    for node in list(doctree.findall(nodes.raw)):
        logger.error(
            f"raw HTML is not allowed in the site's pages{catalog}: write it with a directive or a role, "
            "or, for the site's own markup, in docs/_templates. It was left out.",
            location=node,
        )
        node.parent.remove(node)


def setup(app):
    app.connect("config-inited", check_inputs, priority=900)  # once the edition's settings are applied
    app.connect("builder-inited", no_raw_input)
    app.connect("doctree-read", refuse_raw_html, priority=100)  # before the title and the others are read
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
