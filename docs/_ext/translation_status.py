"""Tell the maintainer, at the end of the build, which pages of a translation show English.

A translated edition falls back to English, message by message, wherever its catalog has no
translation of a page's message: a message new or changed in English since the catalog was
updated, one left empty, one marked fuzzy. Just before Sphinx translates a page (its Locale
transform), this extension reads the page's messages as Sphinx will look them up, and the
page's catalog, and keeps what is behind. When the build ends it prints one line per page
that is behind, with the command that brings the catalog in step. It is a notice, not a
warning: the edition builds, with those sentences in English, until they are translated.
`nox -s docs` repeats the lines at its very end (editions.py); `python -m tools.catalogs`
reports the same and more.
"""

from pathlib import Path

from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import extract_messages

logger = logging.getLogger(__name__)
NOTICE = "translation behind:"  # how editions.py finds the lines to repeat


class TranslationStatus(SphinxTransform):
    default_priority = 19  # just before sphinx.transforms.i18n.Locale (20) translates the page

    def apply(self, **kwargs) -> None:
        from babel.messages.pofile import read_po

        config, env = self.config, self.env
        if config.language == "en":
            return
        docname = env.docname
        catalog_path = (
            Path(env.srcdir) / config.locale_dirs[0] / config.language / "LC_MESSAGES" / f"{docname}.po"
        )
        catalog = {}
        if catalog_path.is_file():
            with catalog_path.open("rb") as file:
                catalog = {message.id: message for message in read_po(file) if message.id}
        behind = {"new or changed in English": 0, "fuzzy": 0, "not translated": 0}
        for _node, message in extract_messages(self.document):
            found = catalog.get(message)
            if found is None:
                behind["new or changed in English"] += 1
            elif found.fuzzy:
                behind["fuzzy"] += 1
            elif not found.string:
                behind["not translated"] += 1
        status = getattr(env, "translation_behind", {})
        status[docname] = {what: n for what, n in behind.items() if n}
        env.translation_behind = status  # type: ignore[attr-defined]


def forget_page(app, env, docname) -> None:
    getattr(env, "translation_behind", {}).pop(docname, None)


def merge_pages(app, env, docnames, other) -> None:
    env.translation_behind = getattr(env, "translation_behind", {})
    theirs = getattr(other, "translation_behind", {})
    env.translation_behind.update({page: found for page, found in theirs.items() if page in docnames})


def report(app, exception) -> None:
    if exception or app.config.language == "en":
        return
    language = app.config.language
    for page, behind in sorted(getattr(app.env, "translation_behind", {}).items()):
        if behind:
            counts = ", ".join(f"{n} {what}" for what, n in behind.items())
            logger.info(
                f"{NOTICE} the {language} edition of {page} shows English ({counts}): run "
                f"`nox -s translations`, then translate docs/locales/{language}/LC_MESSAGES/{page}.po"
            )


def setup(app):
    app.add_transform(TranslationStatus)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    app.connect("build-finished", report)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
