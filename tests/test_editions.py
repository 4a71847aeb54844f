"""The translations: complete and in step with the English, the same sources and links,
the same diagrams, and every page joined to itself in the other editions."""

import re
import subprocess
import sys
from collections import Counter
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
