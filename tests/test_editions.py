"""The translations: complete and in step with the English, the same sources and links,
the same diagrams, and every page joined to itself in the other editions."""

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, NavigableString

from bibliography_translations import bracketed, prefix
from conftest import DOCS, EDITIONS, PAGES, PUBLISHED, ROOT, TRANSLATIONS
from editions import SOURCE_LANGUAGE, folder, hreflang
from input_check import catalog_files, problems
from pinyin_order import initial, sort_key
from tools.diagram_rules import structure

DIAGRAMS = sorted(path for path in (ROOT / "diagrams").glob("*.mmd") if path.name.count(".") == 1)


# -- The catalogs -------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_message_is_translated_and_keeps_its_citations_and_links(language):
    assert catalog_files(language), f"no catalogs in docs/locales/{language}"
    found = [problem for path in catalog_files(language) for problem in problems(path)]
    assert found == [], "\n".join(map(str, found[:20]))


def messages(path: Path) -> set[str]:
    with path.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


@pytest.fixture(scope="module")
def english_messages(tmp_path_factory) -> dict[str, set[str]]:
    """The messages of today's English pages, extracted afresh as `nox -s translations` does."""
    out = tmp_path_factory.mktemp("gettext")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "gettext", str(DOCS), str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return {path.stem: messages(path) for path in out.glob("*.pot")}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_catalogs_are_in_step_with_the_english_pages(english_messages, language):
    """Fails after an English edit until `nox -s translations` has updated the catalogs."""
    catalogs = {path.stem: messages(path) for path in catalog_files(language)}
    assert sorted(catalogs) == sorted(english_messages), "a page was added or removed"
    stale = {
        page: {
            "new in English": sorted(english_messages[page] - held)[:3],
            "gone": sorted(held - english_messages[page])[:3],
        }
        for page, held in catalogs.items()
        if held != english_messages[page]
    }
    assert stale == {}, "run `nox -s translations` and translate what it marks"


INTERFACE_WORD = re.compile(r"""\b_\(\s*"([^"]+)"\s*\)""")


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_interface_word_of_the_sites_extensions_is_translated(language):
    words = {
        word for path in (DOCS / "_ext").glob("*.py") for word in INTERFACE_WORD.findall(path.read_text())
    }
    assert len(words) >= 4
    with (DOCS / "locales" / language / "LC_MESSAGES" / "site.po").open("rb") as file:
        translated = {message.id for message in read_po(file) if message.id and message.string}
    assert sorted(words - translated) == []


# -- The diagrams ---------------------------------------------------------------------------


def node_ids(text: str) -> set[str]:
    return set(re.findall(r"^\s*(\w+)\[", text, re.MULTILINE))


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda path: path.stem)
def test_each_diagram_has_a_translation_with_the_same_structure(diagram, language):
    translated = diagram.with_suffix(f".{language}.mmd")
    assert translated.is_file(), (
        f"no {translated.name}: the {language} edition would show the English diagram"
    )
    english, other = diagram.read_text(encoding="utf-8"), translated.read_text(encoding="utf-8")
    assert node_ids(english) == node_ids(other)
    assert structure(english) == structure(other)
    for keyword in ("accTitle", "accDescr"):
        said = re.search(rf"^\s*{keyword}:\s*(.+)$", other, re.MULTILINE)
        assert said, f"{translated.name}: no {keyword}"
        assert said[1] != re.search(rf"^\s*{keyword}:\s*(.+)$", english, re.MULTILINE)[1], (
            f"{keyword} not translated"
        )


def test_the_structure_check_sees_a_changed_edge_and_a_dropped_link():
    english = (ROOT / "diagrams" / "partners.mmd").read_text(encoding="utf-8")
    assert structure(english) != structure(english.replace("faw -->|", "hongqi -->|", 1))
    assert structure(english) != structure(re.sub(r"^\s*click jv .*$", "", english, flags=re.MULTILINE))


# -- The built editions ---------------------------------------------------------------------


ROW = re.compile(r"^\| \[\d{4}[-\d]*\]\{#event-", re.MULTILINE)  # a dated row of a timeline table
CITATION = re.compile(r"\{footcite\}`([^`]+)`")


def citations_in(page: str) -> list[str]:
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    return [key.strip() for keys in CITATION.findall(text) for key in keys.split(",")]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def soup(site, language: str, page: str) -> BeautifulSoup:
    return BeautifulSoup(
        (site.html / folder(language) / f"{page}.html").read_text(encoding="utf-8"), "html.parser"
    )


def lines(element) -> list[str]:
    """An element's text, cut where it has a line break (a diagram node's label)."""
    found = [""]
    for piece in element.descendants:
        if getattr(piece, "name", None) == "br":
            found.append("")
        elif isinstance(piece, NavigableString):
            found[-1] += piece
    return [squeeze(line) for line in found if line.strip()]


@dataclass
class Page:
    """What a page holds: its language, its alternates, the switcher, citations and glossary
    links, and for the timeline the (date, bold label) of each table row and of each event
    drawn in its diagram."""

    lang: str
    alternates: dict[str, str]
    switcher: list[tuple[str, str]]
    counts: Counter
    rows: set[tuple[str, str]]
    events: set[tuple[str, str]]


def parsed(site, language: str, page: str) -> Page:
    html = soup(site, language, page)
    rows, events = set(), set()
    for row in html.find_all("tr"):
        cells, label = [squeeze(cell.get_text()) for cell in row.find_all("td")], row.find("strong")
        if cells and re.match(r"\d{4}", cells[0]) and label:
            rows.add((cells[0], squeeze(label.get_text())))
    for node in html.find_all("g", class_="node"):
        cells = lines(node)
        if cells and re.match(r"\d{4}", cells[0]):
            events.add((cells[0], "".join(cells[1:])))
    return Page(
        lang=html.html.get("lang", ""),
        alternates={
            link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate", hreflang=True)
        },
        switcher=[(a.get("hreflang", ""), a.get("href", "")) for a in html.select("nav.edition-switcher a")],
        counts=Counter(
            {
                "citations": len(html.select("a.footnote-reference")),
                "glossary links": len(html.select("span.std-term")),
            }
        ),
        rows=rows,
        events=events,
    )


@pytest.mark.parametrize("language", EDITIONS)
def test_every_page_names_its_language_and_leads_to_itself_in_the_other_editions(site, language):
    base = PUBLISHED["SITE_BASE_URL"]
    for page in PAGES:
        reader = parsed(site, language, page)
        assert reader.lang == hreflang(language)
        expected = {hreflang(lang): f"{base}{folder(lang)}{page}.html" for lang in EDITIONS}
        assert reader.alternates == {**expected, "x-default": expected[hreflang(SOURCE_LANGUAGE)]}
        others = [lang for lang in EDITIONS if lang != language]
        assert [lang for lang, _ in reader.switcher] == [hreflang(lang) for lang in others]
        for (_, href), lang in zip(reader.switcher, others, strict=True):
            target = (site.html / folder(language) / href).resolve()
            assert target == (site.html / folder(lang) / f"{page}.html").resolve(), f"{page}: {href}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translated_pages_keep_every_citation_and_glossary_link(site, language):
    differ = {
        page: (parsed(site, SOURCE_LANGUAGE, page).counts, parsed(site, language, page).counts)
        for page in PAGES
        if parsed(site, SOURCE_LANGUAGE, page).counts != parsed(site, language, page).counts
    }
    assert differ == {}
    assert parsed(site, language, "index").counts["citations"] >= len(citations_in("index"))


@pytest.mark.parametrize("language", EDITIONS)
def test_timeline_diagram_and_tables_show_the_same_events_in_each_edition(site, language):
    timeline = parsed(site, language, "timeline")
    assert len(timeline.rows) == len(ROW.findall((DOCS / "timeline.md").read_text(encoding="utf-8")))
    assert sorted(timeline.events - timeline.rows) == [], "in the diagram, not in the tables"
    assert sorted(timeline.rows - timeline.events) == [], "in the tables, not in the diagram"


@pytest.mark.parametrize("width", [1280, 390])
def test_language_switcher_is_visible_and_leads_to_the_same_page(visit, width):
    page = visit("zh-cn/partners", width=width).page
    link = page.locator(".edition-switcher a")
    assert link.is_visible()
    assert link.get_attribute("lang") == "en"
    assert page.locator(".edition-switcher").get_attribute("aria-label")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/partners.html")
    assert "/zh-cn/" not in page.url
    assert page.evaluate("document.documentElement.lang") == "en"


# -- The sources, in each edition's language ------------------------------------------------


@pytest.fixture(scope="module")
def registry():
    from pybtex.database import parse_file

    return parse_file(str(DOCS / "sources.bib")).entries


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_what_the_site_says_of_each_source_is_translated_and_titles_stay_as_published(registry, language):
    missing, retitled = [], []
    for key, entry in registry.items():
        fields = {name.lower(): value for name, value in entry.fields.items()}
        if "note" in fields and not fields.get(prefix(language) + "note", "").strip():
            missing.append(f"{key}: note")
        is_bracketed = bracketed(fields.get("title", ""))
        if is_bracketed and not fields.get(prefix(language) + "title", "").strip():
            missing.append(f"{key}: title")
        if not is_bracketed and prefix(language) + "title" in fields:
            retitled.append(key)
    assert missing == []
    assert retitled == [], "a published title stays in its own language"


def test_chinese_reference_lists_show_the_chinese_notes_and_outlet_names(site, registry):
    text = (site.html / folder("zh_CN") / "sources.html").read_text(encoding="utf-8")
    shown = re.sub(r"<[^>]+>", "", text)
    notes = [entry.fields["zh_cn_note"] for entry in registry.values() if "zh_cn_note" in entry.fields]
    english = [entry.fields["note"] for entry in registry.values() if "note" in entry.fields]
    assert [note[:30] for note in notes if note[:30].replace("\\%", "%") not in shown] == []
    assert [note[:40] for note in english if note[:40] in shown] == []
    assert "澎湃新闻" in shown
    assert "2019年12月" in shown


# -- Corrected dates, as a reader finds them in the timeline of each edition ----------------

# The rows a reader should find, by their anchor: what each row must say, in each edition's
# words. The research of 2026 moved these dates (docs/sources.md, "Corrections made in 2026").
CORRECTED_ROWS = {
    "event-2019-06-28": {
        "en": ["Dongfeng", "Tencent", "signed", "Shenzhen"],
        "zh_CN": ["东风", "腾讯", "签署", "深圳"],
    },
    "event-2023-08-31": {"en": ["Qiu Xiandong", "chairman"], "zh_CN": ["邱现东", "董事长"]},
    "event-2017-10-20": {"en": ["AliOS Things", "open source"], "zh_CN": ["AliOS Things", "开源"]},
}
# Addresses readers may have kept from before the corrections, and the row each leads to now.
OLD_ANCHORS = {"event-2019-07-01": "event-2019-06-28", "event-2017-10-20": "event-2017-10-20"}


def timeline_rows(site, language: str) -> list[dict]:
    """Each table row of the timeline: the ids inside it, its first cell and all its text."""
    return [
        {
            "ids": {element["id"] for element in row.find_all(id=True)},
            "first": row.td.get_text() if row.td else "",
            "text": row.get_text(),
        }
        for row in soup(site, language, "timeline").find_all("tr")
    ]


def iso_date(shown: str) -> str:
    """A date as a timeline row shows it, "2019-06-28" or "2019年6月28日", in ISO form."""
    parts = re.findall(r"\d+", shown)
    return "-".join([parts[0], *(f"{int(part):02d}" for part in parts[1:])])


@pytest.mark.parametrize("language", EDITIONS)
def test_timeline_shows_the_corrected_dates_with_their_events(site, language):
    rows = timeline_rows(site, language)
    for anchor, words in CORRECTED_ROWS.items():
        found = [row for row in rows if anchor in row["ids"]]
        assert len(found) == 1, f"no row {anchor} in the {language} timeline"
        row = found[0]
        assert iso_date(row["first"]) == anchor.removeprefix("event-"), f"{anchor} is dated {row['first']!r}"
        text = " ".join(row["text"].split())
        assert [word for word in words[language] if word not in text] == [], f"{anchor}: {text[:200]}"
    dates = {iso_date(row["first"]) for row in rows if re.match(r"\s*\d{4}", row["first"])}
    assert "2019-07-01" not in dates, "the day the Dongfeng–Tencent deal was reported is not its date"


@pytest.mark.parametrize("language", EDITIONS)
def test_old_timeline_addresses_still_lead_to_the_right_row(site, language):
    rows = timeline_rows(site, language)
    for old, new in OLD_ANCHORS.items():
        holding = [row for row in rows if old in row["ids"]]
        assert len(holding) == 1, f"#{old} no longer on the {language} timeline"
        assert new in holding[0]["ids"], f"#{old} leads to a row other than #{new}"


# -- Pinyin order in the Chinese edition, checked with the build's own key ---------------

# The key the build sorts with: pinyin_order.sort_key (imported at the top).


@dataclass
class Listing:
    items: list[str]  # the text of each element listed, in page order
    letters: list[str]  # the heading (h2) of the section each is in: the general index's letters


def listing(site, page: str, tag: str, wanted) -> Listing:
    """In the article of a Chinese page, every `tag` element whose attributes pass `wanted`
    (not one inside another), without the "¶" permalinks."""
    article = soup(site, "zh_CN", page).find("article")
    for permalink in article.select("a.headerlink"):
        permalink.decompose()
    chosen = [element for element in article.find_all(tag) if wanted(element.attrs)]
    outermost = [element for element in chosen if not any(parent in chosen for parent in element.parents)]
    return Listing(
        items=[" ".join(element.get_text().split()) for element in outermost],
        letters=[
            (heading.get_text().strip() if (heading := element.find_previous("h2")) else "")
            for element in outermost
        ],
    )


def assert_pinyin_order(items: list[str]) -> None:
    assert len(items) > 1
    out_of_order = [(a, b) for a, b in zip(items, items[1:], strict=False) if sort_key(a) > sort_key(b)]
    assert out_of_order == [], "not in pinyin order"
    assert items != sorted(items), "the list is in code-point order, which would prove nothing"


def test_chinese_glossary_is_in_pinyin_order(site):
    terms = listing(site, "glossary", "dt", lambda attrs: (attrs.get("id") or "").startswith("term-")).items
    assert_pinyin_order(terms)
    assert "5G" in terms
    assert terms.index("区块链（blockchain）") < terms.index("自动驾驶（autonomous driving）")


def test_chinese_general_index_is_in_pinyin_order_under_pinyin_letters(site):
    index = listing(site, "genindex", "li", lambda attrs: True)
    assert_pinyin_order(index.items)
    # An entry that starts with a digit or a symbol goes under Sphinx's "Symbols" (符号), first.
    expected = [initial(item) if len(initial(item)) == 1 else "符号" for item in index.items]
    filed = zip(index.items, index.letters, expected, strict=True)
    assert [item for item, letter, want in filed if letter != want] == []
    assert index.letters[0] == "符号"


def test_chinese_list_of_sources_is_in_pinyin_order_of_its_authors(site):
    entries = listing(site, "sources", "li", lambda attrs: (attrs.get("id") or "").startswith("id")).items
    authors = [entry.split("：", 1)[0] for entry in entries if "：" in entry]
    assert len(entries) == len(re.findall(r"^@\w+\{", (DOCS / "sources.bib").read_text(), re.MULTILINE))
    assert len(authors) == len(entries), "every entry starts with its author and a full-width colon"
    keys = [sort_key(author) for author in authors]
    assert keys == sorted(keys), "the source list is not in pinyin order of its authors"
    assert authors != sorted(authors)


# -- Chinese punctuation in what the site says of its sources ------------------------------

HALF_WIDTH_AFTER_HAN = re.compile(r"[\u3400-\u9fff][.,;:]")


def test_chinese_source_notes_use_full_width_punctuation(site):
    checked, found = 0, []
    for page in PAGES:
        footnotes = listing(site, page, "aside", lambda attrs: attrs.get("role") == "doc-footnote").items
        entries = listing(site, page, "li", lambda attrs: (attrs.get("id") or "").startswith("id")).items
        for note in footnotes + (entries if page == "sources" else []):
            checked += 1
            found += [
                f"{page}: …{note[max(0, m.start() - 15) : m.end() + 10]}…"
                for m in HALF_WIDTH_AFTER_HAN.finditer(note)
            ]
            if "URL:" in note:
                found.append(f"{page}: an English 'URL:' label in {note[:40]!r}")
    assert checked >= sum(len(set(citations_in(page))) for page in PAGES), "footnotes missing"
    assert found == []


# -- Link previews and search results: the page's words, without footnote numbers ---------


@pytest.mark.parametrize("language", EDITIONS)
def test_page_descriptions_carry_no_footnote_numbers(site, language):
    html = (site.html / folder(language) / "index.html").read_text(encoding="utf-8")
    paragraph = BeautifulSoup(html, "html.parser").find("article").find("p")
    full = squeeze(paragraph.get_text())
    for reference in paragraph.select("a.footnote-reference"):
        reference.decompose()
    bare = squeeze(paragraph.get_text())
    assert full != bare, "the first paragraph of the home page should cite its sources"
    for key in ("og:description", "description"):
        said = re.search(rf'<meta (?:property|name)="{key}" content="([^"]*)"', html)
        assert said, f"no {key}"
        text = squeeze(html_unescape(said[1])).rstrip(".…")
        assert len(text) > 40
        assert bare.startswith(text), f"{key} is not the page's own words: {said[1][:80]!r}"
