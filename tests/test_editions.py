"""The translations: complete and in step with the English, the same sources and links,
the same diagrams, and every page joined to itself in the other editions."""

import re
import subprocess
import sys
from collections import Counter
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import DOCS, EDITIONS, PAGES, PUBLISHED, ROOT, TRANSLATIONS
from editions import SOURCE_LANGUAGE, folder, hreflang
from input_check import catalog_files, problems

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

ARROW = re.compile(r"\s*(<-->|-->|---|~~~)\s*")


def structure(text: str) -> dict:
    """Everything of a diagram but its words: nodes, edges, groups, links, layout, settings."""
    nodes, edges, groups, links, other = set(), set(), {}, set(), []
    group = None
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    settings = text.split("\n---\n", 1)[0] if text.startswith("---\n") else ""
    for line in body.splitlines():
        line = re.sub(r'\|"[^"]*"\|', " ", line.strip())  # edge labels
        line = re.sub(r'\s*\["[^"]*"\]', "", line)  # node and group labels
        if not line or line.startswith(("accTitle:", "accDescr:")):
            continue
        if line.startswith("subgraph "):
            group = line.split()[1]
            groups[group] = set()
        elif line == "end":
            group = None
        elif line.startswith("click "):
            links.add(tuple(line.split()[1:4]))
        elif ARROW.search(line):
            parts = ARROW.split(line)
            edges.update(zip(parts[0:-2:2], parts[1:-1:2], parts[2::2], strict=True))
        elif re.fullmatch(r"\w+", line):
            nodes.add(line)
            if group:
                groups[group].add(line)
        else:
            other.append(line)  # the diagram type, directions, `%% narrow:`
    return {
        "settings": settings,
        "nodes": nodes,
        "edges": edges,
        "groups": groups,
        "links": links,
        "other": other,
    }


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


class _Page(HTMLParser):
    """What a page holds: its language, its alternates, the switcher, citations and glossary
    links, and for the timeline the (date, bold label) of each table row and of each event
    drawn in its diagram."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.alternates: dict[str, str] = {}
        self.switcher: list[tuple[str, str]] = []
        self.counts = Counter()
        self.rows: set[tuple[str, str]] = set()
        self.events: set[tuple[str, str]] = set()
        self._in_switcher = False
        self._cells: list[str] | None = None  # a table row's cells, or a diagram node's lines
        self._label: list[str] | None = None  # the row's first bold text
        self._node = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "html":
            self.lang = attrs.get("lang", "")
        elif tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "nav" and "edition-switcher" in classes:
            self._in_switcher = True
        elif tag == "a" and self._in_switcher:
            self.switcher.append((attrs.get("hreflang", ""), attrs.get("href", "")))
        elif tag == "a" and "footnote-reference" in classes:
            self.counts["citations"] += 1
        elif tag == "span" and "std-term" in classes:
            self.counts["glossary links"] += 1
        elif tag == "tr" or (tag == "g" and "node" in classes):
            self._cells, self._node, self._label = [""], tag == "g", None
        elif tag in {"td", "br"} and self._cells is not None:
            self._cells.append("")
        elif tag == "strong" and self._cells is not None and self._label is None:
            self._label = []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False
        elif tag == "strong" and self._label is not None and not isinstance(self._label, str):
            self._label = "".join(self._label)
        elif tag == ("a" if self._node else "tr") and self._cells is not None:
            cells = [re.sub(r"\s+", "", cell) for cell in self._cells if cell.strip()]
            if cells and re.match(r"\d{4}", cells[0]):
                if self._node:
                    self.events.add((cells[0], "".join(cells[1:])))
                elif isinstance(self._label, str):
                    self.rows.add((cells[0], re.sub(r"\s+", "", self._label)))
            self._cells = None

    def handle_data(self, data):
        if self._cells is not None:
            self._cells[-1] += data
        if isinstance(self._label, list):
            self._label.append(data)


def parsed(site, language: str, page: str) -> _Page:
    reader = _Page()
    reader.feed((site.html / folder(language) / f"{page}.html").read_text(encoding="utf-8"))
    return reader


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
    assert parsed(site, language, "index").counts["citations"] > 10


@pytest.mark.parametrize("language", EDITIONS)
def test_timeline_diagram_and_tables_show_the_same_events_in_each_edition(site, language):
    timeline = parsed(site, language, "timeline")
    assert len(timeline.rows) >= 20
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
    sys.path.insert(0, str(DOCS / "_ext"))
    from bibliography_translations import bracketed, prefix

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


class _Rows(HTMLParser):
    """Each table row of a page: the ids inside it, its first cell and all its text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._row: dict | None = None
        self._cell = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row, self._cell = {"ids": set(), "first": "", "text": ""}, 0
        elif self._row is not None:
            if tag == "td":
                self._cell += 1
            if attrs.get("id"):
                self._row["ids"].add(attrs["id"])

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._row is not None:
            self._row["text"] += data
            if self._cell == 1:
                self._row["first"] += data


def timeline_rows(site, language: str) -> list[dict]:
    reader = _Rows()
    reader.feed((site.html / folder(language) / "timeline.html").read_text(encoding="utf-8"))
    return reader.rows


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

sys.path.insert(0, str(DOCS / "_ext"))
from pinyin_order import initial, sort_key  # noqa: E402  (the key the build sorts with)


class _Listing(HTMLParser):
    """In the article of a page, the text of every `tag` element whose attributes pass
    `wanted`, in page order, without the "¶" permalinks; and for each, the heading (h2) of
    the section it is in (the letters of the general index)."""

    def __init__(self, tag: str, wanted) -> None:
        super().__init__()
        self.tag, self.wanted = tag, wanted
        self.items: list[str] = []
        self.letters: list[str] = []
        self._article = self._depth = self._permalink = 0
        self._heading: str | None = None
        self._letter = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._article += tag == "article"
        if not self._article:
            return
        if tag == "a" and "headerlink" in (attrs.get("class") or ""):
            self._permalink += 1
        elif tag == "h2":
            self._heading = ""
        elif self._depth:
            self._depth += tag == self.tag
        elif tag == self.tag and self.wanted(attrs):
            self._depth = 1
            self.items.append("")
            self.letters.append(self._letter)

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        elif tag == "a" and self._permalink:
            self._permalink -= 1
        elif tag == "h2" and self._heading is not None:
            self._letter, self._heading = self._heading.strip(), None
        elif self._depth and tag == self.tag:
            self._depth -= 1

    def handle_data(self, data):
        if self._permalink:
            return
        if self._heading is not None:
            self._heading += data
        elif self._depth:
            self.items[-1] += data


def listing(site, page: str, tag: str, wanted) -> _Listing:
    reader = _Listing(tag, wanted)
    reader.feed((site.html / folder("zh_CN") / f"{page}.html").read_text(encoding="utf-8"))
    reader.items = [" ".join(item.split()) for item in reader.items]
    return reader


def assert_pinyin_order(items: list[str]) -> None:
    assert len(items) > 20
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
    assert len(authors) == len(entries) > 80, "every entry starts with its author and a full-width colon"
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
    assert checked > 150
    assert found == []


# -- Link previews and search results: the page's words, without footnote numbers ---------


class _FirstParagraph(HTMLParser):
    """The first paragraph of the article, with and without its footnote references."""

    def __init__(self) -> None:
        super().__init__()
        self.article = self.done = False
        self.depth = self.ref = 0
        self.full, self.bare = "", ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.article = True
        elif self.article and not self.done and tag == "p" and not self.depth:
            self.depth = 1
        elif self.depth:
            self.depth += tag == "p"
            self.ref += tag == "a" and "footnote-reference" in (attrs.get("class") or "")

    def handle_endtag(self, tag):
        if self.depth and tag == "p":
            self.depth -= 1
            self.done = self.depth == 0
        elif self.ref and tag == "a":
            self.ref -= 1

    def handle_data(self, data):
        if self.depth:
            self.full += data
            self.bare += "" if self.ref else data


@pytest.mark.parametrize("language", EDITIONS)
def test_page_descriptions_carry_no_footnote_numbers(site, language):
    html = (site.html / folder(language) / "index.html").read_text(encoding="utf-8")
    paragraph = _FirstParagraph()
    paragraph.feed(html)
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    full, bare = squeeze(paragraph.full), squeeze(paragraph.bare)
    assert full != bare, "the first paragraph of the home page should cite its sources"
    for key in ("og:description", "description"):
        said = re.search(rf'<meta (?:property|name)="{key}" content="([^"]*)"', html)
        assert said, f"no {key}"
        text = squeeze(html_unescape(said[1])).rstrip(".…")
        assert len(text) > 40
        assert bare.startswith(text), f"{key} is not the page's own words: {said[1][:80]!r}"
