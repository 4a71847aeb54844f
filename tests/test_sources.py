"""Every fact is traceable: citations resolve, every source is used, the
timeline's diagram and table agree, and nothing is copied from the source
article or repeats its defects."""

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, EDITION_PAGES, PAGES, ROOT
from tools.linkcheck import main as linkcheck

BIB = (DOCS / "sources.bib").read_text(encoding="utf-8")
BIB_KEYS = re.findall(r"^@\w+\{([^,\s]+),", BIB, re.MULTILINE)
BIB_URLS = re.findall(r"^\s*url\s*=\s*\{([^}]+)\}", BIB, re.MULTILINE)
CITATION = re.compile(r"\{(?:foot)?cite(?::\w+)?\}`([^`]+)`")
CONTENT_PAGES = [page for page in PAGES if page not in {"glossary"}]
EDITION_CONTENT_PAGES = [page for page in EDITION_PAGES if page.rsplit("/", 1)[-1] != "glossary"]
DATE = r"\d{4}(?:-\d{2}){0,2}"


def citations(page: str) -> list[str]:
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    return [key.strip() for keys in CITATION.findall(text) for key in keys.split(",")]


@dataclass
class Article:
    chunks: list[str]  # the words a reader sees in the page's main article
    links: list[str]  # its links to other sites


def read_page(site, page: str) -> Article:
    soup = BeautifulSoup((site.html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    for hidden in article.find_all(["script", "style"]):
        hidden.decompose()
    links = [a["href"] for a in article.find_all("a", href=True) if a["href"].startswith("http")]
    return Article(list(article.strings), links)


def test_every_citation_has_an_entry_in_the_source_registry():
    unknown = {page: sorted(set(citations(page)) - set(BIB_KEYS)) for page in PAGES}
    assert {page: keys for page, keys in unknown.items() if keys} == {}


def test_every_source_in_the_registry_is_cited_by_a_page():
    cited = {key for page in PAGES for key in citations(page)}
    assert sorted(set(BIB_KEYS) - cited) == []


def test_registry_has_no_duplicate_keys_or_urls():
    assert len(BIB_KEYS) == len(set(BIB_KEYS))
    assert len(BIB_URLS) == len(set(BIB_URLS))


@pytest.mark.parametrize("page", EDITION_CONTENT_PAGES)
def test_content_page_cites_sources_and_shows_its_references(site, page):
    html = (site.html / f"{page}.html").read_text(encoding="utf-8")
    name = page.rsplit("/", 1)[-1]
    assert name == "sources" or citations(name), f"{name}.md cites no source"
    assert 'role="doc-footnote"' in html or 'class="citation' in html, "no reference list on the page"


def test_every_external_link_in_the_pages_is_a_registered_source(site):
    unregistered = {
        f"{page}: {url}"
        for page in EDITION_PAGES
        for url in read_page(site, page).links
        if url not in BIB_URLS
    }
    assert sorted(unregistered) == []


def test_linkcheck_covers_every_source_url(tmp_path, capsys):
    assert linkcheck(["--offline", "--out", str(tmp_path)]) == 0, capsys.readouterr().out
    seen = {json.loads(line)["uri"] for line in (tmp_path / "output.json").read_text().splitlines()}
    assert sorted(set(BIB_URLS) - seen) == []


# -- The timeline: the diagram and the table tell the same story -----------------


def diagram_events() -> set[tuple[bool, str, str]]:
    """(in the "Since then" part?, date, label) for each `id["DATE<br>Label"]` node of timeline.mmd."""
    events, since = set(), False
    for line in (ROOT / "diagrams" / "timeline.mmd").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("subgraph "):
            since = "since then" in line.lower()
        elif line == "end":
            since = False
        elif match := re.fullmatch(rf'\w+\["({DATE})<br>(.+)"\]', line):
            # The page's SmartQuotes turn ' into ’; the diagram writes ’ itself.
            events.add((since, match[1], match[2].replace("<br>", " ").replace("’", "'")))
    return events


def table_events() -> set[tuple[bool, str, str, str]]:
    rows, since = set(), False
    for line in (DOCS / "timeline.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            since = "since then" in line.lower()
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        dated = re.fullmatch(rf"\[({DATE})\]\{{#([\w-]+)\}}", cells[0])
        if line.startswith("|") and dated:
            date, anchor = dated.groups()
            assert anchor == f"event-{date}", f"timeline.md: the row for {date} has the anchor {anchor}"
            label = re.match(r"\*\*(.+?)\*\*", cells[2])
            assert label, f"timeline.md: the event for {date} does not start with a **label**"
            rows.add((since, date, label[1], cells[1].lower()))
    return rows


def test_timeline_diagram_and_table_list_the_same_events_and_dates():
    table = {(since, date, label) for since, date, label, _ in table_events()}
    diagram = diagram_events()
    assert len(diagram) == len(
        re.findall(r'^\s+\w+\["\d{4}', (ROOT / "diagrams" / "timeline.mmd").read_text(), re.MULTILINE)
    )
    assert sorted(diagram - table) == [], "in the diagram but not in the table"
    assert sorted(table - diagram) == [], "in the table but not in the diagram"


def test_timeline_precision_column_matches_each_date():
    precision = {4: "year", 7: "month", 10: "day"}
    wrong = [(date, given) for _, date, _, given in table_events() if given != precision[len(date)]]
    assert wrong == []


def test_timeline_has_a_separate_since_then_part():
    assert {since for since, *_ in diagram_events()} == {False, True}


# -- Nothing copied, no defect of the source article repeated ---------------------

FINGERPRINTS = set((ROOT / "tests" / "data" / "article-8grams.txt").read_text().split())


def eight_word_runs(text: str):
    words = re.findall(r"[a-z0-9]+", text.lower())
    for i in range(len(words) - 7):
        run = " ".join(words[i : i + 8])
        yield run, hashlib.sha256(run.encode()).hexdigest()[:16]


def test_fingerprints_of_the_source_article_are_present():
    assert len(FINGERPRINTS) > 500, "tests/data/article-8grams.txt: regenerate with `nox -s provenance`"


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_page_copies_no_eight_words_in_a_row_from_the_source_article(site, page):
    text = " ".join(read_page(site, page).chunks)
    copied = [run for run, digest in eight_word_runs(text) if digest in FINGERPRINTS]
    assert copied == []


def test_diagrams_copy_no_eight_words_in_a_row_from_the_source_article():
    copied = [
        f"{path.name}: {run}"
        for path in sorted((ROOT / "diagrams").glob("*.mmd"))
        for run, digest in eight_word_runs(path.read_text(encoding="utf-8"))
        if digest in FINGERPRINTS
    ]
    assert copied == []


DEFECTS = {
    "placeholder": re.compile(r"\[\[\s*nid:"),
    "mis-encoded Škoda": re.compile(r"Å\s?koda|Ã…|Ã\u0160"),
    "Dongfeng Peugeot-Citroën under the article's second spelling": re.compile(
        r"Peugeot Citroen Automobile Company", re.IGNORECASE
    ),
}


def test_no_defect_of_the_source_article_reaches_the_site(site):
    found = []
    for path in [*site.html.rglob("*.html"), *(ROOT / "diagrams").glob("*.mmd")]:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {name}" for name, pattern in DEFECTS.items() if pattern.search(text)]
    assert found == []


def test_skoda_is_spelled_correctly_where_it_is_named(site):
    text = " ".join(read_page(site, "landscape").chunks)
    assert "Škoda" in text


def test_glossary_is_in_alphabetical_order_of_its_english_terms():
    """Written in order, not sorted by Sphinx: Sphinx would sort a translated glossary by code
    points of its translated terms, an order no reader of Chinese uses."""
    glossary = (DOCS / "glossary.md").read_text(encoding="utf-8").split("```{glossary}")[1]
    assert ":sorted:" not in glossary.split("\n\n")[0]
    terms = re.findall(r"^(\S[^\n]*)\n  ", glossary, re.MULTILINE)
    entries = glossary.split("\n```", 1)[0].split("\n\n", 1)[1]  # the directive's body
    assert len(terms) == len(re.findall(r"^\S", entries, re.MULTILINE))
    assert terms == sorted(terms, key=str.lower)


# -- Never a link to a mirror or content farm ------------------------------------------------

NEVER_LINK = [
    line.strip()
    for line in (ROOT / "tests" / "data" / "never-link-domains.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
HREF = re.compile(r"""\b(?:href|src)=["'](https?://[^"'\s]+)""")


def banned(url: str) -> str | None:
    """The never-link domain `url` is on, if any (the domain itself or one of its subdomains)."""
    host = (urlsplit(url).hostname or "").lower()
    return next((domain for domain in NEVER_LINK if host == domain or host.endswith("." + domain)), None)


def test_the_never_link_list_is_the_researchs_and_catches_its_domains():
    assert len(NEVER_LINK) > 50
    assert banned("http://www.feifmx.com/finance/1.html") == "feifmx.com"
    assert banned("https://p2.ttnews.xyz/a/1") == "ttnews.xyz"
    assert banned("https://www.asiaone.com/digital/x") is None
    assert banned("https://notfeifmx.com/") is None


def test_no_source_in_the_registry_is_on_a_never_link_domain():
    assert [url for url in BIB_URLS if banned(url)] == []


def test_no_page_links_a_never_link_domain(site):
    files = [*site.html.rglob("*.html"), *site.html.rglob("_diagrams/*.svg")]
    found = [
        f"{path.relative_to(site.html)}: {url}"
        for path in files
        for url in HREF.findall(path.read_text(encoding="utf-8"))
        if banned(url)
    ]
    assert len(files) >= len(EDITION_PAGES)
    assert found == []
