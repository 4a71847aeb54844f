"""What readers get beyond the words: accessibility in both themes, keyboard
access, page weight, search, a working 404 page, link previews and printing."""

import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EDITION_PAGES, EDITIONS, PAGES, PUBLISHED, ROOT, SEARCH_PAGES
from editions import SOURCE_LANGUAGE, folder, hreflang
from tools.bench import KIB, PAGE_BYTES_DIAGRAMS, PAGE_BYTES_PLAIN

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Bytes transferred on a first load (empty cache) from a server that compresses text, as
# GitHub Pages and Read the Docs do (tools/host.py). `nox -s bench` also prints the raw sizes.


def axe_violations(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (nox -s tests does).", pytrace=False)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}"
        for v in result
        for node in v["nodes"][:3]
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", [*EDITION_PAGES, *SEARCH_PAGES])
def test_page_has_no_accessibility_violations(visit, name, theme):
    v = visit(name, color_scheme=theme, bypass_csp=True)
    v.set_theme(theme)
    assert axe_violations(v.page) == []


KEYBOARD_TARGETS = {
    "theme toggle": "button.theme-toggle",
    "search box": "input.sidebar-search",
    "link to open a diagram on its own": ".diagram-on-its-own a",
    "link in a diagram": ".diagram svg a",
    "link to this page in the other language": ".edition-switcher a",
}


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab until focus comes back round; describe each element focused."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            el.dataset.kbd = el.dataset.kbd || String(Math.random());
            const style = getComputedStyle(el);
            return {key: el.dataset.kbd, tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                             || style.boxShadow !== 'none'};
        }"""
        )
        if info and seen and info["key"] == seen[0]["key"]:
            break
        if info:
            seen.append(info)
    return seen


@pytest.mark.parametrize(
    "name", [folder(language) + page for language in EDITIONS for page in ("index", "timeline")]
)
def test_keyboard_reaches_every_control_and_diagram_link_and_shows_where_focus_is(visit, name):
    page = visit(name).page
    visited = tab_through(page)
    keys = {item["key"] for item in visited}
    for what, selector in KEYBOARD_TARGETS.items():
        reached = page.evaluate(
            "s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length)"
            ".map(e => e.dataset.kbd)",
            selector,
        )
        assert reached, f"no visible {what} on the page"
        assert all(key in keys for key in reached), f"Tab never reaches the {what}"
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
            .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden'
                         && !a.closest('[aria-hidden=true]'))
            .map(a => [a.dataset.kbd || null, a.textContent.trim().slice(0, 40)])"""
    )
    assert [text for key, text in links if key not in keys] == [], "links Tab never reaches"
    assert [item["text"] for item in visited if not item["outline"]] == [], "focused without a visible ring"


@pytest.mark.parametrize("name", [*EDITION_PAGES, *SEARCH_PAGES])
def test_first_load_stays_within_its_byte_budget(visit, name):
    v = visit(name)
    requests, received = v.transferred()
    has_diagrams = v.page.locator(".diagram").count() > 0
    budget = PAGE_BYTES_DIAGRAMS if has_diagrams else PAGE_BYTES_PLAIN
    assert received <= budget, f"{received / KIB:.0f} KiB in {requests} requests"


SEARCHES = {  # what a reader types, and the page that must be among the results
    "en": {"Banma": "partners", "Hongqi": "partners", "Xu Liuping": "partners", "Apollo": "landscape"},
    "zh_CN": {
        **{"斑马": "partners", "红旗": "partners", "徐留平": "partners", "百度": "landscape"},
        **{"斑马网络": "partners", "战略合作": "index", "中国一汽": "partners", "红旗H9": "partners"},
    },
}


@pytest.mark.parametrize(
    ("language", "query"), [(language, query) for language in EDITIONS for query in SEARCHES[language]]
)
def test_search_lists_the_page_about_a_key_name(visit, language, query):
    page = visit(folder(language) + "search").page
    page.fill("input[name=q]", query)
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results ul.search li", timeout=15_000)
    hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    expected = f"/{folder(language)}{SEARCHES[language][query]}.html"
    assert any(expected in href for href in hits), hits


# The sections and reference lists of a page that hold the word outside a diagram but show no
# highlighted match. Counted per section, not per match: Sphinx 9.0's sphinx_highlight.js walks
# a live childNodes list with forEach, so it skips the last children of a paragraph in which it
# split a text node (upstream behaviour, left as it is).
UNHIGHLIGHTED = """word => {
    const part = node => node.closest('section, aside.footnote-list');
    const marked = new Set([...document.querySelectorAll('article span.highlighted')].map(part));
    const missed = new Set();
    const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.data.toLowerCase();
        if (n.parentElement.closest('svg') || !text.includes(word.toLowerCase())) continue;
        const section = part(n.parentElement);
        if (!marked.has(section)) missed.add(section.id || section.className);
    }
    return [...missed];
}"""


def page_html(site, language: str, name: str) -> BeautifulSoup:
    path = site.html / folder(language) / f"{name}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("language", EDITIONS)
def test_a_page_with_diagrams_opened_from_search_highlights_the_word_in_every_section(site, visit, language):
    """Sphinx's highlighting stopped with an error at the first diagram whose description held
    the word, leaving the rest of the page unmarked."""
    word = next(iter(SEARCHES[language]))
    pages = [
        name
        for name in PAGES
        if any(
            word.lower() in d.get_text().lower()
            for d in page_html(site, language, name).select(".diagram svg desc")
        )
    ]
    assert pages, f"no diagram describes {word!r}: pick another word"
    for name in pages:
        v = visit(folder(language) + f"{name}.html?highlight={word}")
        v.page.wait_for_selector("article span.highlighted")
        assert v.page.evaluate(UNHIGHLIGHTED, word) == [], name
        assert v.errors == [], name


def han_fonts(v, selector: str) -> set[str]:
    """The fonts the browser set the Han characters of the first element matching `selector` in."""
    cdp = v.page.context.new_cdp_session(v.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
    assert re.search(r"[\u4e00-\u9fff]", text), f"{selector}: no Han characters to look at"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts}


def test_chinese_names_on_english_pages_are_set_in_the_chinese_editions_font(visit):
    """Without a Chinese font in the English pages' stack, 斑马智行 came out in whatever the
    machine falls back to: a brush-script Kai on Debian."""
    chinese = han_fonts(visit(folder(EDITIONS[1]) + "partners"), "article h1")
    english = visit("partners")
    english.page.evaluate("""() => {
        const han = /[\u4e00-\u9fff]/;
        const p = [...document.querySelectorAll('article p')].find(p => han.test(p.textContent));
        p.id = 'han-here';
    }""")
    assert chinese <= han_fonts(english, "#han-here"), chinese


NOT_FOUND = {"en": "Page not found", "zh_CN": "未找到页面"}


def test_missing_page_at_any_depth_shows_the_styled_404_page(visit):
    v = visit("some/deeper/folder/no-such-page.html")
    page = v.page
    assert page.locator("h1").inner_text() == NOT_FOUND[SOURCE_LANGUAGE]
    assert page.evaluate("getComputedStyle(document.querySelector('.sidebar-drawer')).display") != "none"
    assert v.blocked == []
    failed = [e for e in v.errors if e[:3].isdigit()]  # HTTP errors, as "404 URL"
    assert failed == [f"404 {page.url}"], "the 404 page's own assets failed to load"
    page.locator(".sidebar-brand").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html") or page.url.endswith("/")


@pytest.mark.parametrize("language", EDITIONS[1:])
def test_missing_page_of_a_translation_says_so_in_its_language_and_leads_to_its_home(visit, language):
    """GitHub Pages serves the root 404.html at every missing address, zh-cn/ ones too."""
    v = visit(folder(language) + "no-such-page.html")
    said = v.page.locator(f'section[lang="{hreflang(language)}"]')
    assert said.locator("h2").inner_text() == NOT_FOUND[language]
    said.locator("a").first.click()
    v.page.wait_for_load_state()
    assert v.page.url.endswith(f"/{folder(language)}index.html")


@pytest.mark.parametrize("language", EDITIONS[1:])
def test_each_translation_has_its_own_working_404_page(visit, language):
    """A host may serve zh-cn/404.html for addresses under zh-cn/ (Read the Docs does)."""
    v = visit(folder(language) + "404.html")
    page = v.page
    assert page.locator("h1").inner_text() == NOT_FOUND[language]
    assert page.evaluate("document.documentElement.lang") == language.replace("_", "-")
    assert v.errors == []
    assert v.blocked == []
    page.locator(".sidebar-brand").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/{folder(language)}index.html")


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, f"no {key} meta tag"
    return match[1]


@pytest.mark.parametrize("language", EDITIONS)
def test_pages_carry_canonical_address_and_link_preview_metadata(site, language):
    base = PUBLISHED["SITE_BASE_URL"] + folder(language)
    for name in PAGES:
        html = (site.html / folder(language) / f"{name}.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{base}{name}.html"' in html
        assert meta(html, "og:title")
        assert meta(html, "og:url") == f"{base}{name}.html"
        assert meta(html, "og:locale").startswith(language.split("_")[0])
        image = meta(html, "og:image")
        assert image.startswith(base)
        assert (site.html / folder(language) / image.removeprefix(base)).is_file()
        assert meta(html, "twitter:card") == "summary_large_image"


def test_sitemap_lists_every_page_of_every_edition_with_its_alternates(site):
    sitemap = (site.html / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    base = PUBLISHED["SITE_BASE_URL"]
    expected = {f"{base}{folder(language)}{name}.html" for language in EDITIONS for name in PAGES}
    assert expected <= listed
    for url in re.findall(r"<url>.*?</url>", sitemap, re.DOTALL):
        langs = re.findall(r'hreflang="([^"]+)"', url)
        assert sorted(langs) == sorted([*(lang.replace("_", "-") for lang in EDITIONS), "x-default"])


LAST_UPDATED = {
    "en": r"Last updated on\s+\d{4}-\d{2}-\d{2}",
    "zh_CN": r"最后更新于\s*\d{4}年\d{1,2}月\d{1,2}日",
}


@pytest.mark.parametrize("language", EDITIONS)
def test_pages_show_last_updated_date_and_edit_link(site, language):
    source = "docs/{}.md" if language == SOURCE_LANGUAGE else f"docs/locales/{language}/LC_MESSAGES/{{}}.po"
    tracked = subprocess.run(
        ["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    for name in PAGES:
        for file in {f"docs/{name}.md", source.format(name)}:
            if file not in tracked:
                pytest.fail(
                    f"{file} is not committed yet: its date and edit link come from git", pytrace=False
                )
        html = (site.html / folder(language) / f"{name}.html").read_text(encoding="utf-8")
        assert re.search(LAST_UPDATED[language], html), f"{name}: no last-updated date"
        edit = f"{PUBLISHED['SITE_REPOSITORY']}/edit/main/{source.format(name)}"
        assert f'href="{edit}"' in html, f"{name}: no edit link to {edit}"


@pytest.mark.parametrize("language", EDITIONS)
def test_printed_page_drops_the_navigation(visit, tmp_path, language):
    page = visit(folder(language) + "index").page
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.sidebar-drawer', '.toc-drawer', '.mobile-header', '.diagram-on-its-own',
                  '.edition-switcher']
            .filter(s => document.querySelector(s))
            .map(s => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert set(hidden) == {"none"}
    pdf = Path(tmp_path / "index.pdf")
    page.pdf(path=pdf)
    assert pdf.stat().st_size > 10 * KIB
