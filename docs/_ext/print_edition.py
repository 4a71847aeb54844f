"""The PDF of each edition, printed by headless Chromium from the pages the build wrote.

At build-finished (``html`` builder only), after finished_pages.py, this extension writes
``NAME-LANGUAGE.pdf`` (``site_download_name``) into the edition's folder:

1. **One print document**, assembled from the written pages in toctree order: a cover (the
   title, the edition, the date of the build, the site's address), a table of contents, then
   each page's article as a chapter. Every id is prefixed with its page
   (``partners--partner-faw``) and every link between pages becomes a link inside the
   document, so that glossary terms, "see the timeline", footnotes and the diagrams' node
   links work in the PDF; links to the site's other files lead to their published address.
   Each diagram keeps its light, wide drawing only: inline SVG, printed as vectors with its
   labels as text. Citations stay each chapter's endnotes, their sources' links clickable.
2. **Printed** with Playwright's ``page.pdf(outline=True, tagged=True)``: bookmarks from the
   headings, a tagged PDF; CSS page margin boxes give page numbers and a running header (the
   book's title, and the chapter's: each chapter is a named page). The fonts are the files
   the project pins in package.json (DejaVu Sans, Noto Sans SC), served to a browser that
   sees none of the machine's fonts (sphinx_mermaid_svg.browser.launch), so both PDFs look
   the same wherever they are made. The document is served from a made-up address; nothing
   else is fetched.
3. **Page numbers** for the contents: Chromium has no ``target-counter()``, so the first
   print is read back with pypdf (Chromium writes a named destination for each element a
   link leads to), the numbers are written in, and the book is printed again.
4. **Finished** with pypdf: the document's language (``/Lang``), its metadata, the title
   shown in the viewer's title bar, and two repairs for Chromium 156: it writes some
   bookmarks' titles twice ("目录目录") in a Chinese document, and its text map names the
   radical where a font draws a radical and an ideograph alike ("⼀" for 一, "⻢" for 马), so
   that a search of the PDF for the ideograph would not find it.

Whether the PDF is made is decided at builder-inited, before any page is written: it needs
Playwright, a Chromium (``find_chromium()``: ``$CHROMIUM_PATH``, the system's, Playwright's;
nothing is downloaded) and the pinned font files (``npm ci``). Without one of them the build
says so in one line (an info message: builds run with -W), makes everything else, and no
page links a PDF (``app.print_edition`` is None; downloads.py reads it). A build that wrote
no page of the edition prints nothing again while the PDF is there and was made the same
way. ``-D print_edition_pdf=0`` leaves the PDF out on purpose (the live preview does).
"""

import datetime
import hashlib
import html
import io
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.i18n import format_date

from editions import hreflang

_ = get_translation("site")
logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STYLESHEET = HERE / "print_edition.css"
ORIGIN = "http://print-edition.invalid/"
# (family, weight, style) -> the file under node_modules. "Noto Sans CJK SC" is the name
# the diagrams' own font stack asks for (sphinx_mermaid_svg): the same pinned file.
FONTS = {
    ("DejaVu Sans", 400, "normal"): "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
    ("DejaVu Sans", 700, "normal"): "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
    ("DejaVu Sans", 400, "italic"): "dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf",
    ("DejaVu Sans", 700, "italic"): "dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf",
    ("Noto Sans SC", 400, "normal"): "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-400.woff2",
    ("Noto Sans SC", 700, "normal"): "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-700.woff2",
    ("Noto Sans CJK SC", 400, "normal"): "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-400.woff2",
    ("Noto Sans CJK SC", 700, "normal"): "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-700.woff2",
}
PAGE_LINK = re.compile(r"^([A-Za-z0-9_-]+)\.html(?:#(.*))?$")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# What of a page's article is for the screen only: permalinks, the links to a drawing on its
# own, and the drawings for the dark theme and for narrow screens.
SCREEN_ONLY = ".headerlink, .diagram-on-its-own, .only-dark, .diagram-narrow, .back-to-top"
# Load every face before the book goes into the page: a font that a page asks for while it
# loads is refused by Chromium when Playwright serves it.
LOAD_FONTS = """async () => {
  const faces = [...document.fonts];
  await Promise.allSettled(faces.map(face => face.load()));
  return faces.filter(face => face.status !== "loaded").map(face => `${face.family} ${face.weight}`);
}"""
SHOW_NUMBERS = """numbers => {
  for (const entry of document.querySelectorAll(".toc a")) {
    entry.querySelector(".page-number").textContent = numbers[entry.getAttribute("href").slice(1)];
  }
}"""
PDF_OPTIONS = {"outline": True, "tagged": True, "print_background": True, "prefer_css_page_size": True}


def css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a CSS string is written as a JSON one


def toctree_order(env, root: str) -> list[str]:
    """The root page, then every page in its toctrees, depth first (the sidebar's order)."""
    pages: list[str] = []

    def visit(page: str) -> None:
        if page in pages:
            return
        pages.append(page)
        for child in env.toctree_includes.get(page, []):
            visit(child)

    visit(root)
    return pages


@dataclass
class Chapter:
    page: str
    title: str
    sections: list[tuple[str, str]]  # (heading id, heading text)
    body: str


@dataclass
class Book:
    """The print document of one edition."""

    language: str  # BCP 47: en, zh-CN
    title: str
    address: str  # the edition's published address, "" for a local build
    words: dict[str, str]
    chapters: list[Chapter] = field(default_factory=list)

    def link(self, page: str, href: str, svg_ids: set[str], pages: list[str]) -> str | None:
        """Where a link on `page` leads in the book; None: the link is dropped, its text kept."""
        if href.startswith("#"):
            return href if href[1:] in svg_ids else f"#{page}--{href[1:]}"
        match = PAGE_LINK.match(href)
        if match and match[1] in pages:
            return f"#{match[1]}--{match[2]}" if match[2] else f"#{match[1]}--"
        if SCHEME.match(href):  # https:, mailto:
            return href
        # Another file of the site (an edition elsewhere, genindex, a citation ...): published.
        return urljoin(self.address, href) if self.address else None

    def add_chapter(self, page: str, text: str, pages: list[str]) -> None:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "html.parser")
        article = soup.select_one("article[role=main]")
        if article is None:
            raise ValueError(f"{page}.html has no <article role=main>: Furo's markup changed")
        for junk in article.select(SCREEN_ONLY):
            junk.decompose()
        # A diagram may be on two pages (partners: on the home page and on its own): every id
        # in a drawing starts with the drawing's id, so prefixing that one is enough.
        for svg in article.select(".diagram svg[id]"):
            markup = str(svg).replace(str(svg["id"]), f"{page}--{svg['id']}")
            svg.replace_with(BeautifulSoup(markup, "html.parser"))
        svg_ids = {str(tag["id"]) for svg in article.find_all("svg") for tag in svg.find_all(id=True)}
        svg_ids |= {str(svg["id"]) for svg in article.find_all("svg", id=True)}
        for tag in article.find_all(id=True):
            if tag.name != "svg" and tag.find_parent("svg") is None:
                tag["id"] = f"{page}--{tag['id']}"
        for tag in article.find_all("a", href=True):
            target = self.link(page, str(tag["href"]), svg_ids, pages)
            if target is None:
                tag.unwrap()
            else:
                tag["href"] = target
        h1 = article.find("h1")
        if h1 is None:
            raise ValueError(f"{page}.html has no heading")
        title = h1.get_text(" ", strip=True)
        h1["id"] = f"{page}--heading"
        # The contents lead to the headings, not to their sections: a section can start at
        # the foot of a page whose heading was pushed onto the next (break-after: avoid).
        sections = []
        for h2 in article.find_all("h2"):
            section = h2.find_parent("section")
            if section is not None and section.get("id"):
                h2["id"] = f"{section['id']}--heading"
                sections.append((str(h2["id"]), h2.get_text(" ", strip=True)))
        number = len(self.chapters) + 1
        body = "".join(str(child) for child in article.children)
        wrapped = f'<div class="chapter" id="{page}--" style="page: chapter-{number}">{body}</div>'
        self.chapters.append(Chapter(page, title, sections, wrapped))

    def targets(self) -> list[str]:
        """The ids the contents lead to."""
        return [t for c in self.chapters for t in [f"{c.page}--heading", *(sid for sid, _ in c.sections)]]

    def cover(self) -> str:
        w = self.words
        address = html.escape(self.address)
        where = (
            w["online"].format(address=f'<a href="{address}">{address}</a>') if self.address else w["local"]
        )
        return (
            '<section class="cover">'
            f'<p class="cover-title">{html.escape(self.title)}</p>'
            f'<p class="cover-edition">{html.escape(w["edition"])}</p>'
            f'<p class="cover-built">{html.escape(w["built"])}</p>'
            f'<p class="cover-address">{where}</p>'
            f'<p class="cover-author">{html.escape(w["author"])}</p></section>\n'
        )

    def contents(self) -> str:
        def entry(kind: str, target: str, text: str) -> str:
            return (
                f'<li class="{kind}"><a href="#{target}"><span class="entry">{html.escape(text)}</span>'
                f'<span class="leader"></span><span class="page-number">000</span></a></li>'
            )

        items = []
        for chapter in self.chapters:
            items.append(entry("toc-chapter", f"{chapter.page}--heading", chapter.title))
            items += [entry("toc-section", sid, text) for sid, text in chapter.sections]
        heading = html.escape(self.words["contents"])
        return (
            f'<nav class="toc" aria-labelledby="toc-title"><h1 id="toc-title">{heading}</h1>'
            f"<ol>{''.join(items)}</ol></nav>\n"
        )

    def styles(self) -> str:
        """The book's stylesheet: fonts, print_edition.css, and the running header's titles."""
        faces = [
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("{ORIGIN}fonts/{path}"); }}'
            for (family, weight, style), path in FONTS.items()
        ]
        header = [f"@page {{ @top-left {{ content: {css_string(self.title)}; }} }}"] + [
            f"@page chapter-{n} {{ @top-right {{ content: {css_string(chapter.title)}; }} }}"
            for n, chapter in enumerate(self.chapters, 1)
        ]
        return "\n".join([*faces, STYLESHEET.read_text(encoding="utf-8"), *header])

    def head(self) -> str:
        """The page the book is printed in, before the book goes in (see LOAD_FONTS)."""
        return (
            f'<!DOCTYPE html>\n<html lang="{self.language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{self.styles()}</style></head><body></body></html>"
        )

    def body(self) -> str:
        return self.cover() + self.contents() + "\n".join(chapter.body for chapter in self.chapters)


def page_numbers(pdf: bytes, targets: list[str]) -> dict[str, int]:
    """The page each of `targets` is on, from the named destinations of a print."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    names = {str(name).lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    missing = [target for target in targets if target not in names]
    if missing:
        raise RuntimeError(f"the first print has no destination for {missing[:3]}")
    pages = {target: reader.get_destination_page_number(names[target]) for target in targets}
    return {target: number + 1 for target, number in pages.items() if number is not None}


BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
BFRANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
BLOCK = re.compile(r"\d+ begin(bfchar|bfrange)\n(.*?)end\1\n", re.DOTALL)
# Where a CJK font draws a radical and an ideograph with one glyph (Noto Sans SC draws U+2F00
# KANGXI RADICAL ONE like 一, U+2EE2 C-SIMPLIFIED HORSE like 马), Chromium's map from glyphs to
# text names the radical: the PDF's text would read "中国⼀汽" and a search for 一汽 would miss
# it. repair_text_maps() names the ideograph instead, from the embedded font's own cmap.
RADICALS = ((0x2E80, 0x2FDF), (0x31C0, 0x31EF))  # radicals, Kangxi radicals, strokes
IDEOGRAPHS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x3134F))
LIGATURES = ((0xFB00, 0xFB06),)  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ, which DejaVu Sans sets where they fit


def glyph_codepoints(font: bytes) -> dict[int, list[int]]:
    """glyph id -> the code points a TrueType font's Unicode cmap (format 4 or 12) maps to it."""
    import struct

    def read(fmt: str, at: int) -> tuple:
        return struct.unpack_from(fmt, font, at)

    tables = {font[12 + 16 * i : 16 + 16 * i]: read(">I", 20 + 16 * i)[0] for i in range(read(">H", 4)[0])}
    cmap = tables[b"cmap"]
    found: dict[int, list[int]] = {}
    for i in range(read(">H", cmap + 2)[0]):
        at = cmap + read(">I", cmap + 8 + 8 * i)[0]
        fmt = read(">H", at)[0]
        pairs: list[tuple[int, int]] = []
        if fmt == 12:
            for g in range(read(">I", at + 12)[0]):
                first, last, glyph = read(">III", at + 16 + 12 * g)
                pairs += [(code, glyph + code - first) for code in range(first, last + 1)]
        elif fmt == 4:
            segments = read(">H", at + 6)[0] // 2
            ends = read(f">{segments}H", at + 14)
            starts = read(f">{segments}H", at + 16 + 2 * segments)
            deltas = read(f">{segments}h", at + 16 + 4 * segments)
            offsets_at = at + 16 + 6 * segments
            offsets = read(f">{segments}H", offsets_at)
            for s in range(segments):
                for code in range(starts[s], min(ends[s], 0xFFFE) + 1):
                    if offsets[s] == 0:
                        glyph = (code + deltas[s]) & 0xFFFF
                    else:
                        glyph = read(">H", offsets_at + 2 * s + offsets[s] + 2 * (code - starts[s]))[0]
                        glyph = (glyph + deltas[s]) & 0xFFFF if glyph else 0
                    pairs.append((code, glyph))
        for code, glyph in pairs:
            if glyph and code not in found.get(glyph, []):
                found.setdefault(glyph, []).append(code)
    return found


def readable_cjk(cmap: str, codepoints: dict[int, list[int]]) -> str | None:
    """A ToUnicode CMap that names, for each glyph that is a radical and an ideograph alike, the
    ideograph, and for each ligature its letters; None if it needs no change. Codes are glyph
    ids (Chromium's Identity CID fonts)."""
    import unicodedata

    def inside(code: int, ranges) -> bool:
        return any(low <= code <= high for low, high in ranges)

    mapping: dict[int, str] = {}
    for kind, body in BLOCK.findall(cmap):
        if kind == "bfchar":
            for code, text in BFCHAR.findall(body):
                mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
        else:
            for low, high, first in BFRANGE.findall(body):
                start = bytes.fromhex(first).decode("utf-16-be")
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    mapping[int(low, 16) + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    fixed = dict(mapping)
    for glyph, text in mapping.items():
        if len(text) == 1 and inside(ord(text), LIGATURES):  # "ﬀ" -> "ff": found by a search for "off"
            fixed[glyph] = unicodedata.normalize("NFKC", text)
        elif len(text) == 1 and inside(ord(text), RADICALS):
            ideograph = next((code for code in codepoints.get(glyph, []) if inside(code, IDEOGRAPHS)), None)
            if ideograph is not None:
                fixed[glyph] = chr(ideograph)
    if fixed == mapping:
        return None
    entries = [
        f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in sorted(fixed.items())
    ]
    blocks = "".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
        for chunk in (entries[i : i + 100] for i in range(0, len(entries), 100))
    )
    first, last = BLOCK.search(cmap), list(BLOCK.finditer(cmap))[-1]
    assert first is not None
    return cmap[: first.start()] + blocks + cmap[last.end() :]


def repair_text_maps(writer) -> None:
    done = set()
    for page in writer.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            font = font.get_object()
            to_unicode = font.get("/ToUnicode")
            if to_unicode is None or to_unicode.idnum in done or "/DescendantFonts" not in font:
                continue
            done.add(to_unicode.idnum)
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            if "/FontFile2" not in descriptor:
                continue
            codepoints = glyph_codepoints(descriptor["/FontFile2"].get_object().get_data())
            stream = to_unicode.get_object()
            fixed = readable_cjk(stream.get_data().decode("latin-1"), codepoints)
            if fixed is not None:
                stream.set_data(fixed.encode("latin-1"))  # (pypdf compresses it again)


def finish(pdf: bytes, out: Path, book: Book, author: str) -> int:
    """Write the PDF with what Chromium leaves out; the number of pages."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(book.language)
    preferences = root.get("/ViewerPreferences", DictionaryObject())
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = preferences
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    writer.add_metadata(
        {"/Title": book.title, "/Author": author, "/Subject": book.address or book.words["local"]}
    )
    # Chromium 156 writes some bookmarks' titles twice ("目录目录") in a zh-CN document whose
    # h1 has a line-height: undo that, whatever the stylesheet does.
    outlines: Any = root["/Outlines"].get_object() if "/Outlines" in root else {}
    stack = [outlines.get("/First")]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        item = item.get_object()
        text = str(item["/Title"])
        half = len(text) // 2
        if len(text) % 2 == 0 and half and text[:half] == text[half:]:
            item[NameObject("/Title")] = TextStringObject(text[:half])
        stack += [item.get("/First"), item.get("/Next")]
    repair_text_maps(writer)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as file:
        writer.write(file)
    temporary.replace(out)  # a reader of the site never sees half a file
    return len(writer.pages)


def print_book(book: Book, chromium: str, node_modules: Path, timeout: float) -> bytes:
    """Print the book, twice or more, until its contents give the right page numbers."""
    from playwright.sync_api import sync_playwright

    from sphinx_mermaid_svg.browser import launch

    def serve(route) -> None:
        url = route.request.url
        file = (node_modules / url.removeprefix(ORIGIN + "fonts/")).resolve()
        if url == ORIGIN + "book.html":
            route.fulfill(body=book.head(), content_type="text/html; charset=utf-8")
        elif url.startswith(ORIGIN + "fonts/") and file.is_file() and file.is_relative_to(node_modules):
            route.fulfill(path=str(file))
        else:
            route.abort()  # nothing from the machine, nothing from the network

    def printed(numbers: dict[str, int] | None) -> bytes:
        """The book printed in a page of its own: a page printed twice may lay a page break
        out differently the second time (Chromium 156), so every print starts afresh."""
        page = browser.new_page(java_script_enabled=False)  # the book's own markup runs nothing
        try:
            page.set_default_timeout(max(timeout, 60) * 1000)
            page.route("**/*", serve)
            page.goto(ORIGIN + "book.html")
            failed = page.evaluate(LOAD_FONTS)
            if failed:
                raise RuntimeError(f"the fonts {', '.join(failed)} did not load from {node_modules}")
            page.evaluate("body => { document.body.innerHTML = body }", book.body())
            if numbers:
                page.evaluate(SHOW_NUMBERS, numbers)
            return page.pdf(**PDF_OPTIONS)
        finally:
            page.close()

    targets = book.targets()
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium, timeout)
        try:
            pdf, numbers = printed(None), None
            for _attempt in range(3):  # until the numbers printed are the pages' own
                found = page_numbers(pdf, targets)
                if found == numbers:
                    break
                numbers = found
                pdf = printed(numbers)
            else:
                raise RuntimeError("the contents' page numbers did not settle in three prints")
        finally:
            browser.close()
    return pdf


# -- Sphinx events ---------------------------------------------------------------------------


@dataclass
class PrintJob:
    chromium: str
    node_modules: Path
    file_name: str
    written: set[str] = field(default_factory=set)  # the edition's pages this build wrote


def pdf_name(config) -> str:
    return f"{config.site_download_name}-{hreflang(config.language)}.pdf"


def missing_tool(app) -> tuple[str | None, str]:
    """Why no PDF can be printed here, and the browser that can print it."""
    from sphinx_mermaid_svg import node_modules_of
    from sphinx_mermaid_svg.browser import RendererError, find_chromium

    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (it is in the docs group: `nox -s docs` installs it)", ""
    try:
        chromium = find_chromium()
    except RendererError as error:
        return str(error), ""
    node_modules = node_modules_of(app)
    missing = [path for path in FONTS.values() if not (node_modules / path).is_file()]
    if missing:
        return f"the pinned fonts are not installed ({node_modules / missing[0]}): run `npm ci`", chromium
    return None, chromium


def decide(app) -> None:
    """Whether this build prints the edition's PDF, before any page is written."""
    app.print_edition = None
    if app.builder.name != "html":
        return
    out = Path(app.outdir) / pdf_name(app.config)
    if not app.config.print_edition_pdf:
        out.unlink(missing_ok=True)
        return
    problem, chromium = missing_tool(app)
    if problem:
        logger.info(f"PDF left out: {problem.rstrip('.')}. The HTML and the EPUB are built without it.")
        out.unlink(missing_ok=True)  # no page links it: no old copy is published either
        return
    from sphinx_mermaid_svg import node_modules_of

    app.print_edition = PrintJob(chromium, node_modules_of(app), out.name)


def all_pages_if_pdf_changes(app, env, added, changed, removed) -> list[str]:
    """Rewrite every page when the PDF comes or goes, so that each links it, or does not."""
    if app.builder.name != "html":
        return []
    made = app.print_edition is not None
    before = getattr(env, "print_edition_made", None)
    env.print_edition_made = made
    return sorted(env.found_docs) if before is not None and before != made else []


def note_page(app, pagename, templatename, context, doctree) -> None:
    job = app.print_edition
    if job is not None and pagename in app.env.found_docs:
        job.written.add(pagename)


def recipe(app, job: PrintJob) -> str:
    """What the PDF is made from besides the pages: when it changes, the book is printed again."""
    parts = [
        Path(__file__).read_bytes(),
        STYLESHEET.read_bytes(),
        json.dumps([app.config.html_baseurl, app.config.project, sorted(FONTS.values())]).encode(),
        (job.node_modules.parent / "package-lock.json").read_bytes()
        if (job.node_modules.parent / "package-lock.json").is_file()
        else b"",
    ]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def build_date(config) -> datetime.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.datetime.fromtimestamp(int(epoch) if epoch else time.time(), datetime.UTC)


def words(app) -> dict[str, str]:
    from site_editions import NAMES

    config = app.config
    date = format_date(
        config.html_last_updated_fmt or "%Y-%m-%d", date=build_date(config), language=config.language
    )
    return {
        "contents": str(_("Contents")),
        "edition": str(_("{language} edition")).format(language=NAMES.get(config.language, config.language)),
        "built": str(_("Built on {date}")).format(date=date),
        "online": str(_("Read it online at {address}")),
        "local": str(_("Built locally: this copy has not been published")),
        "author": config.author,
    }


def print_pdf(app, exception) -> None:
    job: PrintJob | None = getattr(app, "print_edition", None)
    if exception or job is None:
        return
    out = Path(app.outdir) / job.file_name
    stamp = Path(app.doctreedir) / "print-edition.stamp"
    wanted = recipe(app, job)
    if not job.written and out.is_file() and stamp.is_file() and stamp.read_text() == wanted:
        return  # nothing of the edition changed: its PDF is the one already there
    started = time.perf_counter()
    logger.info("printing the PDF... ", nonl=True)
    pages = toctree_order(app.env, app.config.root_doc)
    book = Book(hreflang(app.config.language), app.config.project, app.config.html_baseurl, words(app))
    for page in pages:
        book.add_chapter(page, (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8"), pages)
    from sphinx_mermaid_svg.browser import RendererError

    try:
        pdf = print_book(book, job.chromium, job.node_modules, app.config.mermaid_svg_timeout)
    except (RendererError, RuntimeError) as error:
        logger.error(f"the PDF could not be printed: {error}")
        return
    count = finish(pdf, out, book, app.config.author)
    stamp.write_text(wanted)
    seconds = time.perf_counter() - started
    logger.info(f"{out.name}: {count} pages, {out.stat().st_size / 1024:.0f} KiB, in {seconds:.1f} s")


def setup(app):
    app.add_config_value("print_edition_pdf", True, "", types=[bool])  # -D print_edition_pdf=0: no PDF
    app.connect("builder-inited", decide)
    app.connect("env-get-outdated", all_pages_if_pdf_changes)
    app.connect("html-page-context", note_page)
    app.connect("build-finished", print_pdf, priority=950)  # after finished_pages (900) wrote them
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
