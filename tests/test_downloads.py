"""What a reader takes away from the site: the PDF and the EPUB of each edition, each page's
citation, and the facts machines read from each page (its schema.org JSON-LD). Everything is
checked against what the site itself says (its sources, diagrams and built pages), in both
editions, as `nox -s docs` builds them."""

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from pybtex.database import parse_file, parse_string
from pyld import jsonld
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from conftest import DOCS, EDITIONS, PAGES, PUBLISHED, ROOT
from editions import SOURCE_LANGUAGE, build, folder, hreflang

CONF = runpy.run_path(str(DOCS / "conf.py"))
NAME = CONF["site_download_name"]


def author(language: str) -> str:
    """The maintainers, as the edition names them in every download's metadata."""
    return CONF["site_edition_settings"].get(language, {}).get("author", CONF["author"])


# The fonts package.json pins, as their files name themselves: nothing else may be embedded.
PINNED_FONTS = {
    "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique",
    "NotoSansSC-Regular", "NotoSansSC-Bold",
}  # fmt: skip
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
OPF, DC = "{http://www.idpf.org/2007/opf}", "{http://purl.org/dc/elements/1.1/}"
XHTML, SVG = "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u4e00-\u9fff]")


def flat(text: str) -> str:
    """Text with no whitespace: labels wrap, and a PDF's text comes out in lines."""
    return re.sub(r"\s+", "", text)


def book_file(site, language: str, suffix: str) -> Path:
    return site.html / folder(language) / f"{NAME}-{hreflang(language)}.{suffix}"


def page_soup(site, language: str, page: str) -> BeautifulSoup:
    html = (site.html / folder(language) / f"{page}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def heading(soup: BeautifulSoup) -> str:
    h1 = soup.select_one("article h1")
    for permalink in h1.select(".headerlink"):
        permalink.decompose()
    return h1.get_text(" ", strip=True)


def toctree_order(site, language: str) -> list[str]:
    """The pages in the order of the site's navigation: the home page, then the sidebar's tree."""
    links = page_soup(site, language, "index").select(".sidebar-tree a.reference.internal")
    pages = ["index"]
    for link in links:
        page = link["href"].split("#")[0].removesuffix(".html")
        if page not in pages:
            pages.append(page)
    return pages


def address(language: str, page: str) -> str:
    return f"{PUBLISHED['SITE_BASE_URL']}{folder(language)}{page}.html"


def modified(soup: BeautifulSoup) -> str:
    """The page's last change as sphinx-last-updated-by-git writes it into the page's head."""
    return soup.find("meta", property="article:modified_time")["content"]


# -- The PDF ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(site) -> dict[str, PdfReader]:
    missing = [language for language in EDITIONS if not book_file(site, language, "pdf").is_file()]
    assert missing == [], f"no PDF of the {missing} editions: the site's build needs a Chromium"
    return {language: PdfReader(book_file(site, language, "pdf")) for language in EDITIONS}


@pytest.fixture(scope="module")
def pdf_texts(pdfs) -> dict[str, str]:
    return {
        language: "\n".join(page.extract_text() for page in reader.pages) for language, reader in pdfs.items()
    }


def bookmarks(reader: PdfReader, items=None, depth: int = 0) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of every bookmark, in order."""
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += bookmarks(reader, item, depth + 1)
        else:
            found.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return found


@pytest.mark.parametrize("language", EDITIONS)
def test_each_pdf_has_a_bookmark_for_every_page_in_the_order_of_the_site(site, pdfs, language):
    marks = bookmarks(pdfs[language])
    chapters = [(title, number) for depth, title, number in marks if depth == 0][1:]  # after Contents
    order = toctree_order(site, language)
    assert sorted(order) == PAGES
    expected = [heading(page_soup(site, language, page)) for page in order]
    assert [title for title, _ in chapters] == expected
    assert [number for _, number in chapters] == sorted(number for _, number in chapters)
    assert len([mark for mark in marks if mark[0] == 1]) >= len(PAGES), "the pages' sections too"


@pytest.mark.parametrize("language", EDITIONS)
def test_the_contents_give_each_page_of_the_site_the_page_it_starts_on(pdfs, pdf_texts, language):
    reader = pdfs[language]
    chapters = [(title, number) for depth, title, number in bookmarks(reader) if depth == 0]
    contents_pages = range(chapters[0][1] - 1, chapters[1][1] - 1)  # from "Contents" to the first chapter
    contents = flat("".join(reader.pages[n].extract_text() for n in contents_pages))
    assert [title for title, number in chapters[1:] if f"{flat(title)}{number}" not in contents] == []


def diagram_labels(language: str) -> list[str]:
    """Every node and edge label of the edition's diagrams, as the .mmd files write them."""
    suffix = ".mmd" if language == SOURCE_LANGUAGE else f".{language}.mmd"
    files = [
        path
        for path in sorted((ROOT / "diagrams").glob(f"*{suffix}"))
        if language != SOURCE_LANGUAGE or path.name.count(".") == 1
    ]
    labels = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for label in re.findall(r'\["([^"]+)"\]', text) + re.findall(r'\|"([^"]+)"\|', text):
            labels.append(re.sub(r"<[^>]+>", " ", label))
    return labels


@pytest.mark.parametrize("language", EDITIONS)
def test_each_pdf_holds_every_diagram_label_and_the_key_facts_as_text(site, pdf_texts, language):
    text = flat(pdf_texts[language])
    labels = diagram_labels(language)
    assert labels, "no diagram labels found in diagrams/"
    assert [label for label in labels if flat(label) not in text] == []
    # The home page's key facts, each run of words between two footnote marks.
    facts = page_soup(site, language, "index").select_one("#key-facts dl")
    for mark in facts.select("a.footnote-reference"):
        mark.replace_with("\0")
    runs = [run for item in facts.find_all(["dt", "dd"]) for run in item.get_text().split("\0")]
    runs = [flat(run) for run in runs if len(flat(run)) > 3]
    assert runs, "no key facts found on the home page"
    assert [run for run in runs if run not in text] == []


def test_the_chinese_pdf_is_in_chinese(pdf_texts):
    for language in EDITIONS:
        chinese = len(CJK.findall(pdf_texts[language]))
        if language.startswith("zh"):
            assert chinese > len(pdf_texts[language]) / 4, "mostly Chinese"
        else:  # the Chinese sources' own titles only
            assert chinese < len(pdf_texts[language]) / 20


def annotations(reader: PdfReader) -> list[DictionaryObject]:
    return [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
        if annotation.get_object().get("/Subtype") == "/Link"
    ]


@pytest.mark.parametrize("language", EDITIONS)
def test_each_pdf_links_every_source_and_its_internal_links_all_lead_somewhere(pdfs, language):
    links = annotations(pdfs[language])
    uris = {str(link["/A"]["/URI"]) for link in links if "/A" in link and link["/A"].get("/S") == "/URI"}
    sources = {
        e.fields["url"] for e in parse_file(DOCS / "sources.bib").entries.values() if "url" in e.fields
    }
    assert sources
    assert sorted(url for url in sources if url not in uris and unquote(url) not in map(unquote, uris)) == []
    names = {str(name).lstrip("/") for name in pdfs[language].named_destinations}
    internal = [str(link["/Dest"]).lstrip("/") for link in links if isinstance(link.get("/Dest"), str)]
    assert internal, "glossary terms, footnotes, diagram nodes, 'see the timeline' ..."
    assert sorted({target for target in internal if target not in names}) == []
    assert any(target.startswith("glossary--term-") for target in internal)
    assert any(target.startswith("timeline--event-") for target in internal), "the diagrams' links"


def fonts_of(resources, seen: set) -> list[DictionaryObject]:
    """Every font a page's resources use, its form XObjects' included."""
    found = []
    if isinstance(resources, IndirectObject):
        resources = resources.get_object()
    if not isinstance(resources, DictionaryObject):
        return found
    for font in (resources.get("/Font") or {}).values():
        if font.idnum not in seen:
            seen.add(font.idnum)
            found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            found += fonts_of(xobject.get("/Resources"), seen)
    return found


@pytest.mark.parametrize("language", EDITIONS)
def test_each_pdf_is_tagged_and_named_in_its_language_with_only_the_pinned_fonts(site, pdfs, language):
    reader = pdfs[language]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == hreflang(language)
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    site_name = page_soup(site, language, "index").find("meta", property="og:site_name")["content"]
    assert reader.metadata.title == site_name
    assert reader.metadata.author == author(language)
    seen: set = set()
    fonts = [font for page in reader.pages for font in fonts_of(page.get("/Resources"), seen)]
    assert [str(font.get("/BaseFont")) for font in fonts if font["/Subtype"] == "/Type3"] == []
    names = {str(font["/BaseFont"]).lstrip("/").split("+")[-1] for font in fonts}
    assert names - PINNED_FONTS == set(), "a font that package.json does not pin"
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (
            f"{font['/BaseFont']} not embedded"
        )
    if language.startswith("zh"):
        assert {"NotoSansSC-Regular", "NotoSansSC-Bold"} <= names


# -- The EPUB -----------------------------------------------------------------------------


def epubcheck(book: Path, report: Path) -> dict:
    # Debian's /usr/bin/epubcheck runs the jar through binfmt, which containers often lack.
    if EPUBCHECK_JAR.is_file():
        command = ["java", "-jar", str(EPUBCHECK_JAR)]
    elif shutil.which("epubcheck"):
        command = ["epubcheck"]
    else:
        pytest.fail(
            "epubcheck is missing: `sudo apt-get install epubcheck` (.ci/run installs it)", pytrace=False
        )
    subprocess.run([*command, str(book), "--json", str(report)], capture_output=True, text=True, check=False)
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", EDITIONS)
def test_each_epub_passes_epubcheck(site, tmp_path, language):
    result = epubcheck(book_file(site, language, "epub"), tmp_path / "epubcheck.json")
    messages = [
        f"{message['severity']} {message['ID']} {message['message']} "
        f"({', '.join(location['path'] for location in message['locations'][:2])})"
        for message in result["messages"]
    ]
    checker = result["checker"]
    assert (checker["nFatal"], checker["nError"]) == (0, 0), messages
    assert checker["nWarning"] == 0, messages


def read_book(path: Path) -> tuple[dict, ElementTree.Element, dict, list[str]]:
    """An EPUB's files, its package document, manifest (id -> item) and spine (file names)."""
    with zipfile.ZipFile(path) as book:
        assert book.namelist()[0] == "mimetype"
        files = {name: book.read(name) for name in book.namelist()}
    package = ElementTree.fromstring(files["content.opf"])
    manifest = {item.get("id"): item for item in package.iter(f"{OPF}item")}
    spine = [manifest[ref.get("idref")].get("href") for ref in package.iter(f"{OPF}itemref")]
    assert len(spine) == len(set(spine)), "a page listed twice"
    return files, package, manifest, spine


def test_a_book_kept_by_a_build_with_nothing_new_is_made_again_after_an_edit(project_copy, tmp_path):
    """`nox -s docs` keeps an edition's EPUB as it was when nothing it is made from changed (the
    book's own build costs about what the pages' does); a reader must still get every edit."""
    site, docs = tmp_path / "html", project_copy / "docs"
    env = os.environ | {"SITE_PDF": "0"}

    def book() -> dict:
        [result] = build(site, "-W", "-n", source=docs, only=[SOURCE_LANGUAGE], env=env, books=True)
        assert result.returncode == 0, result.output[-3000:]
        return read_book(site / f"{NAME}-{hreflang(SOURCE_LANGUAGE)}.epub")[0]

    book()
    [again] = build(site, "-W", "-n", source=docs, only=[SOURCE_LANGUAGE], env=env, books=True)
    assert "(the EPUB, as it was)" in again.output, "nothing changed, yet the book was made again"
    glossary = docs / "glossary.md"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\nA sentence added for the test.\n")
    assert b"A sentence added for the test." in book()["glossary.xhtml"]
    stylesheet = docs / "_static" / "epub-book.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n/* edited for the test */\n")
    assert b"edited for the test" in book()["_static/epub-book.css"]


@pytest.mark.parametrize("language", EDITIONS)
def test_each_epub_holds_every_page_diagram_and_name_in_its_language_without_a_script(site, language):
    files, package, manifest, spine = read_book(book_file(site, language, "epub"))
    assert package.find(f".//{DC}language").text == hreflang(language)
    fields = ("creator", "publisher", "contributor")
    names = {field: [e.text for e in package.iter(f"{DC}{field}")] for field in fields}
    assert names == dict.fromkeys(names, [author(language)]), "the book's makers, in its language"
    pages = [name.removesuffix(".xhtml") for name in spine if name.removesuffix(".xhtml") in PAGES]
    assert pages == toctree_order(site, language)
    cover = [
        item.get("href") for item in manifest.values() if "cover-image" in (item.get("properties") or "")
    ]
    assert len(cover) == 1
    assert cover[0] in files
    for page in PAGES:
        xhtml = ElementTree.fromstring(files[f"{page}.xhtml"])
        assert xhtml.get("lang") == hreflang(language)
        assert list(xhtml.iter(f"{XHTML}script")) == []
        drawings = [svg.get("id") for svg in xhtml.iter(f"{SVG}svg")]
        diagrams = page_soup(site, language, page).select("article .diagram")
        assert len(drawings) == len(diagrams), page
        assert all(drawing.endswith("-wide-light") for drawing in drawings), drawings
        item = next(item for item in manifest.values() if item.get("href") == f"{page}.xhtml")
        assert ("svg" in (item.get("properties") or "").split()) == bool(drawings), page


# -- Every page: its downloads, its citation, its JSON-LD ----------------------------------


def sidebar_links(soup: BeautifulSoup) -> list:
    return soup.select(".sidebar-downloads a")


def interface_words(language: str) -> dict[str, str]:
    if language == SOURCE_LANGUAGE:
        return {}
    with (DOCS / "locales" / language / "LC_MESSAGES" / "site.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


@pytest.mark.parametrize("language", EDITIONS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_links_the_downloads_in_its_language_and_they_are_there(site, language, page):
    soup, english = page_soup(site, language, page), page_soup(site, SOURCE_LANGUAGE, page)
    links = sidebar_links(soup)
    targets = [link["href"] for link in links]
    assert f"{NAME}-{hreflang(language)}.pdf" in targets
    assert f"{NAME}-{hreflang(language)}.epub" in targets
    assert f"_cite/{page}.bib" in targets
    assert f"_cite/{page}.json" in targets
    here = site.html / folder(language) / f"{page}.html"
    assert [href for href in targets if not (here.parent / urlsplit(href).path).is_file()] == []
    words = interface_words(language)
    shown = [element.get_text(strip=True) for element in soup.select(".sidebar-downloads :is(p, a)")]
    source = [element.get_text(strip=True) for element in english.select(".sidebar-downloads :is(p, a)")]
    assert shown == [words.get(text, text) for text in source]
    if language != SOURCE_LANGUAGE:
        assert shown != source


def test_the_sources_page_offers_the_source_registry_itself(site):
    registry = {key.lower() for key in parse_file(DOCS / "sources.bib").entries}
    for language in EDITIONS:
        links = [link["href"] for link in sidebar_links(page_soup(site, language, "sources"))]
        assert "sources.bib" in links
        offered = parse_file(site.html / folder(language) / "sources.bib").entries
        assert {key.lower() for key in offered} == registry
    assert "sources.bib" not in [
        link["href"] for link in sidebar_links(page_soup(site, SOURCE_LANGUAGE, "index"))
    ]


@pytest.mark.parametrize("language", EDITIONS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_offers_its_citation_as_bibtex_and_csl_json(site, language, page):
    soup = page_soup(site, language, page)
    cite = site.html / folder(language) / "_cite"
    (key, entry), *others = parse_string(
        (cite / f"{page}.bib").read_text(encoding="utf-8"), "bibtex"
    ).entries.items()
    assert others == []
    assert entry.fields["title"] == heading(soup)
    assert entry.fields["url"] == address(language, page)
    assert str(entry.persons["author"][0]).strip("{}") == author(language)
    assert entry.fields["date"] == modified(soup)[:10]
    assert entry.fields["urldate"] == "", "the access date is the reader's"
    (item,) = json.loads((cite / f"{page}.json").read_text(encoding="utf-8"))
    assert {"id", "type", "title"} <= set(item)
    assert (item["id"], item["type"], item["title"]) == (key, "webpage", heading(soup))
    assert item["URL"] == address(language, page)
    assert item["author"] == [{"literal": author(language)}]
    assert "-".join(f"{part:02d}" for part in item["issued"]["date-parts"][0]) == modified(soup)[:10]
    assert item["language"] == hreflang(language)


SCHEMA_ORG = {"@context": {"@vocab": "https://schema.org/"}}


def schema_org_offline(url: str, options=None) -> dict:
    """schema.org's context, stood in for by its vocabulary: the tests run without network."""
    assert url.rstrip("/") in {"https://schema.org", "http://schema.org"}, f"a context from {url}"
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": SCHEMA_ORG,
    }


def value(node: dict, name: str) -> list:
    return [item.get("@value", item.get("@id")) for item in node.get(f"https://schema.org/{name}", [])]


@pytest.mark.parametrize("language", EDITIONS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_describes_itself_in_json_ld_that_a_json_ld_processor_expands(site, language, page):
    soup = page_soup(site, language, page)
    blocks = soup.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    (article,) = jsonld.expand(json.loads(blocks[0].string), {"documentLoader": schema_org_offline})
    assert article["@type"] == ["https://schema.org/TechArticle"]
    assert value(article, "headline") == [heading(soup)]
    assert value(article, "inLanguage") == [hreflang(language)]
    assert value(article, "url") == [address(language, page)]
    assert value(article, "dateModified") == [modified(soup)]
    publisher = article["https://schema.org/publisher"][0]
    assert value(publisher, "name") == [author(language)]
    about = article["https://schema.org/about"]
    assert len(about) >= 2
    assert all(organisation["@type"] == ["https://schema.org/Organization"] for organisation in about)
    # The sources it cites: its footnotes' sources, or (the sources page) every source listed.
    cited = {note["id"].removeprefix("footcite-") for note in soup.select("aside.footnote[id^=footcite-]")}
    if "sources.bib" in [link["href"] for link in sidebar_links(soup)]:  # the page listing them all
        cited |= {key.lower() for key in parse_file(DOCS / "sources.bib").entries}
    citations = article.get("https://schema.org/citation", [])
    assert len(citations) == len(cited)
    urls = {url for citation in citations for url in value(citation, "url")}
    bib = parse_file(DOCS / "sources.bib").entries
    assert urls == {
        bib[key].fields["url"] for key in bib if key.lower() in cited and "url" in bib[key].fields
    }


@pytest.mark.parametrize("language", EDITIONS)
def test_the_timeline_lists_its_events_with_their_dates_as_json_ld(site, language):
    soup = page_soup(site, language, "timeline")
    (article,) = jsonld.expand(
        json.loads(soup.find("script", type="application/ld+json").string),
        {"documentLoader": schema_org_offline},
    )
    happened = [
        node
        for node in article["https://schema.org/mentions"]
        if node["@type"] == ["https://schema.org/Event"]
    ]
    anchors = [tag["id"] for tag in soup.select("tr > td:first-child [id^=event-]")]  # each row's date
    assert len(anchors) == len(
        re.findall(r"^\| \[\d{4}[-\d]*\]\{#event-", (DOCS / "timeline.md").read_text(), re.MULTILINE)
    )
    assert [event["@id"] for event in happened] == [
        f"{address(language, 'timeline')}#{anchor}" for anchor in anchors
    ]
    for event, anchor in zip(happened, anchors, strict=True):
        (date,) = value(event, "startDate")
        assert anchor == f"event-{date}"
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date)
        (name,) = value(event, "name")
        row = soup.find(id=anchor).find_parent("tr")
        assert name == row.find("strong").get_text(strip=True)
    precisions = {len(value(event, "startDate")[0]) for event in happened}
    assert {4, 10} <= precisions, "years and days"


@pytest.mark.parametrize("language", EDITIONS)
def test_json_ld_is_data_that_the_policy_lets_be(visit, language):
    v = visit(folder(language) + "timeline")
    found = v.page.evaluate(
        """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
            .map(block => JSON.parse(block.textContent)['@type'])"""
    )
    assert found == ["TechArticle"]
    assert v.page.evaluate("typeof window.__cspViolations") == "object", "the violation recorder ran"
    assert v.csp_violations() == []
    assert v.errors == []


# -- Where the PDF cannot be made ---------------------------------------------------------


def editions_build(project: Path, out: Path, *options: str, env: dict) -> subprocess.CompletedProcess:
    """`nox -s docs`'s command in a copy of the project, without -q: its messages are the test."""
    command = [sys.executable, "docs/_ext/editions.py", str(out), "-W", "-n", *options]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, check=False)


def linked(out: Path, suffix: str) -> list[str]:
    return [
        f"{page.relative_to(out)}: {link['href']}"
        for page in out.rglob("*.html")
        for link in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("a", href=True)
        if urlsplit(link["href"]).path.endswith(suffix)
    ]


def test_without_a_browser_everything_else_is_built_the_build_says_so_once_and_no_page_links_a_pdf(
    project_copy, tmp_path, chromium
):
    out = tmp_path / "html"
    environment = {key: value for key, value in os.environ.items() if key != "SITE_PDF"}
    result = editions_build(project_copy, out, env=environment | {"CHROMIUM_PATH": "/nonexistent/chromium"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    said = [line for line in output.splitlines() if "PDF left out" in line]
    assert len(said) == len(EDITIONS), "one line in each edition's build"
    assert "CHROMIUM_PATH=/nonexistent/chromium does not exist" in said[0]
    assert "apt-get install chromium" in said[0], "how to get the tool"
    assert "WARNING" not in output
    assert list(out.rglob("*.pdf")) == []
    assert linked(out, ".pdf") == []
    for language in EDITIONS:
        assert (out / folder(language) / f"{NAME}-{hreflang(language)}.epub").is_file()
        assert (out / folder(language) / "_cite" / "index.bib").is_file()
    # A browser found later: the PDF is printed, and every page now links it ...
    english = out / f"{NAME}-en.pdf"
    with_browser = environment | {"CHROMIUM_PATH": chromium}
    result = editions_build(project_copy, out, "--only", "en", env=with_browser)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert english.is_file()
    assert len(linked(out, ".pdf")) == len(list(out.glob("*.html"))), "every English page links it"
    # ... and a build in which nothing changed prints nothing again.
    printed = english.stat().st_mtime_ns
    result = editions_build(project_copy, out, "--only", "en", env=with_browser)
    assert result.returncode == 0
    assert "printing the PDF" not in result.stdout
    assert english.stat().st_mtime_ns == printed
    read_book(out / f"{NAME}-en.epub")  # packed again, by a build that found the last one's files
