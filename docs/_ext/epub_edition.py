"""The EPUB of each edition: Sphinx's epub builder, with what epubcheck and e-readers ask for.

`python docs/_ext/editions.py` builds it after the edition's HTML (``-b epub``, the same
sources and doctrees) and puts the book beside the pages, as ``NAME-LANGUAGE.epub``
(``site_download_name`` in conf.py): ``alibaba-faw-alliance-en.epub`` at the root,
``zh-cn/alibaba-faw-alliance-zh-CN.epub``. This extension:

- names the book and gives it its identifier, its language as BCP 47 writes it (``zh-CN``;
  Sphinx would write ``zh_CN``) and its cover, ``_static/cover-LANGUAGE.png`` (portrait,
  drawn by ``python -m tools.epub_cover`` and committed, so the book needs no browser);
- puts the language on every page (``lang`` and ``xml:lang`` on ``<html>``, which Sphinx's
  epub pages lack: e-readers choose fonts and line breaking by it), and writes the
  navigation document's title and the cover's name in it (Sphinx writes them in English);
- declares ``properties="svg"`` for the pages with inline drawings (the diagrams, as
  sphinx_mermaid_svg writes them for a book) and ``cover-image`` for the cover, as EPUB 3
  wants, which Sphinx does not;
- leaves out of the book the static files no page of it uses (Furo's companion stylesheet,
  whose ``:has()`` epubcheck's CSS parser refuses, the other edition's cover ...).

The book has no script: the epub theme writes none, and the site's extensions that add
markup to Furo's pages act on the ``html`` builder only (its format is "html" too).
"""

import html
import re
from pathlib import Path

from sphinx.builders.epub3 import Epub3Builder
from sphinx.locale import get_translation

from editions import hreflang

_ = get_translation("site")

ITEM = re.compile(r'<item id="[^"]*" href="([^"]+)" media-type="([^"]+)" />')
USED_IN = {".xhtml", ".css"}  # the pages and their stylesheets (not last build's manifest)


class SiteEpubBuilder(Epub3Builder):
    def init(self) -> None:
        super().init()
        lang = html.escape(self.config.epub_language)
        self.html_tag = self.html_tag.replace(">", f' lang="{lang}" xml:lang="{lang}">', 1)

    @property
    def guide_titles(self) -> dict[str, str]:  # type: ignore[override]
        # Read when the book is packed, once site_editions has loaded the site's catalog.
        return {"toc": str(_("Table of Contents")), "cover": str(_("Cover"))}

    def build_content(self) -> None:
        # Sphinx writes the cover page while it packs; the one an earlier build wrote would be
        # listed a second time in the spine (which epubcheck refuses).
        Path(self.outdir, self.coverpage_name).unlink(missing_ok=True)
        self.leave_out_unused_files()
        super().build_content()
        opf = Path(self.outdir, "content.opf")
        cover = self.config.epub_cover[0] if self.config.epub_cover else None

        def declare(match: re.Match) -> str:
            href, media_type = html.unescape(match[1]), match[2]
            properties = []
            if media_type == "application/xhtml+xml":
                page = Path(self.outdir, href)
                if page.is_file() and "<svg" in page.read_text(encoding="utf-8"):
                    properties.append("svg")
            elif href == cover:
                properties.append("cover-image")
            if not properties:
                return match[0]
            return match[0].replace(" />", f' properties="{" ".join(properties)}" />')

        opf.write_text(ITEM.sub(declare, opf.read_text(encoding="utf-8")), encoding="utf-8")

    def leave_out_unused_files(self) -> None:
        """Static files that no page, stylesheet or the cover names, and Sphinx's own hidden
        files: not packed into the book."""
        out = Path(self.outdir)
        static = [path for path in (out / "_static").rglob("*") if path.is_file()]
        named = "\n".join(
            path.read_text(encoding="utf-8", errors="ignore")
            for path in out.rglob("*")
            if path.suffix in USED_IN and path.is_file()
        )
        cover = self.config.epub_cover[0] if self.config.epub_cover else ""
        unused = [
            path.relative_to(out).as_posix()
            for path in static
            if path.name not in named and path.relative_to(out).as_posix() != cover
        ]
        # Sphinx's own files (.buildinfo and, after a change of settings, .buildinfo.bak).
        hidden = [path.name for path in out.glob(".*") if path.is_file()]
        self.config.epub_exclude_files = [*self.config.epub_exclude_files, *unused, *hidden]


def name_the_book(app, config) -> None:
    """The book's file name, identifier, language, names and cover, from the edition."""
    language = hreflang(config.language)
    name = f"{config.site_download_name}-{language}"
    config.epub_basename = name
    # The NCX's dtb:uid must equal the package's identifier, and Sphinx writes epub_uid in
    # both places (once as an XML id): one name, valid as both.
    config.epub_uid = config.epub_identifier = name
    config.epub_language = language
    config.epub_title = config.project
    # The edition's maintainers as author, publisher (Sphinx's default) and contributor
    # (Sphinx's default is "unknown").
    config.epub_author = config.epub_publisher = config.epub_contributor = config.author
    cover = f"_static/cover-{language}.png"
    if (Path(app.srcdir) / cover).is_file():
        config.epub_cover = (cover, "epub-cover.html")


def setup(app):
    app.add_config_value("site_download_name", "site", "env", types=[str])
    # Set by editions.py, which builds the EPUB after the HTML: the pages then link it.
    app.add_config_value("site_epub", False, "html", types=[bool])
    app.add_builder(SiteEpubBuilder, override=True)
    app.connect("config-inited", name_the_book, priority=200)  # after site_editions' settings
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
