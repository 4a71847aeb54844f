"""The diagrams as a reader gets them: drawn when the site was built, shown without
JavaScript in either theme, sized for the screen, clickable, readable in other fonts,
printable, and each one available on its own for zooming."""

import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from conftest import DOCS, EDITION_PAGES, EDITIONS, ROOT, SEARCH_PAGES
from editions import SOURCE_LANGUAGE, folder
from tools.sitecheck import resolve

WITH_DIAGRAMS = sorted(p.stem for p in DOCS.glob("*.md") if "{mermaid}" in p.read_text())
DIAGRAM_PAGES = [folder(language) + page for language in EDITIONS for page in WITH_DIAGRAMS]

# What the reader sees of each diagram: the drawings that are displayed, their size, their
# accessible name and description, and the smallest label as drawn on the screen.
SHOWN = """() => [...document.querySelectorAll('.diagram')].map(diagram => ({
  diagram: diagram.id,
  shown: [...diagram.querySelectorAll('svg')].filter(svg => svg.getClientRects().length > 0).map(svg => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const named = attribute => {
      const target = svg.getAttribute(attribute) && svg.getElementById(svg.getAttribute(attribute));
      return target ? target.textContent : null;
    };
    const labels = [...svg.querySelectorAll('.nodeLabel, .edgeLabel, .cluster-label span')]
      .filter(label => label.textContent.trim());
    return {
      id: svg.id, width: box.width, height: box.height,
      title: named('aria-labelledby'), description: named('aria-describedby'),
      smallestLabel: Math.min(...labels.map(label => parseFloat(getComputedStyle(label).fontSize) * scale)),
      ink: getComputedStyle(svg.querySelector('.nodeLabel')).color,
    };
  }),
}))"""


def luminance(css_rgb: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", css_rgb)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def shown(page) -> list[dict]:
    """The one drawing displayed for each diagram (fails if none or several are)."""
    diagrams = page.evaluate(SHOWN)
    assert diagrams, "no diagram on the page"
    for diagram in diagrams:
        assert len(diagram["shown"]) == 1, f"{diagram['diagram']}: {len(diagram['shown'])} drawings displayed"
    return [diagram["shown"][0] for diagram in diagrams]


@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_every_diagram_shows_without_javascript_in_light_and_in_dark(visit, name):
    drawings = {}
    for scheme in ("light", "dark"):
        v = visit(name, javascript=False, color_scheme=scheme)
        drawings[scheme] = shown(v.page)
        for drawing in drawings[scheme]:
            assert drawing["width"] > 100
            assert drawing["height"] > 100
            assert drawing["title"], "no accessible name (accTitle) on the drawing"
            assert drawing["description"], "no accessible description (accDescr) on the drawing"
        assert v.blocked == []
    assert all(luminance(d["ink"]) < 0.5 for d in drawings["light"]), "light theme: labels should be dark"
    assert all(luminance(d["ink"]) > 0.5 for d in drawings["dark"]), "dark theme: labels should be light"
    light_ids = {d["id"] for d in drawings["light"]}
    assert light_ids.isdisjoint(d["id"] for d in drawings["dark"]), "the dark theme shows the light drawing"


def test_theme_toggle_switches_every_diagram_between_its_drawings(visit):
    page = visit("index").page
    for theme in ("dark", "light"):
        for _ in range(3):  # Furo's toggle cycles through auto, dark and light
            if page.evaluate("document.body.dataset.theme") == theme:
                break
            page.locator("button.theme-toggle:visible").first.click()
        assert page.evaluate("document.body.dataset.theme") == theme
        assert all(d["id"].endswith(f"-{theme}") for d in shown(page))


@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_diagrams_fit_a_desktop_screen_with_labels_of_12px_or_more(visit, name):
    for drawing in shown(visit(name, width=1280).page):
        assert drawing["height"] <= 860, f"{drawing['id']} is {drawing['height']:.0f} px tall"
        assert drawing["smallestLabel"] >= 12, (
            f"{drawing['id']}: a label is {drawing['smallestLabel']:.1f} px"
        )


@pytest.mark.parametrize("name", [*EDITION_PAGES, *SEARCH_PAGES])
def test_phone_screen_never_scrolls_sideways_and_labels_stay_11px_or_more(visit, name):
    page = visit(name, width=390).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    if name in DIAGRAM_PAGES:
        for drawing in shown(page):
            assert drawing["smallestLabel"] >= 11, (
                f"{drawing['id']}: a label is {drawing['smallestLabel']:.1f} px"
            )


# -- Links in the diagrams ------------------------------------------------------------


CLICK = re.compile(r"^\s*click \w+ href ", re.MULTILINE)
NODE = re.compile(r"^\s*\w+\[\"", re.MULTILINE)  # a node with its label: id["..."]


def first_line(label) -> str:
    """A node's label up to its first line break."""
    words = []
    for piece in label.descendants:
        if getattr(piece, "name", None) == "br":
            break
        if isinstance(piece, str):
            words.append(piece)
    return "".join(words).strip()


def diagram_links(text: str, parser: str = "html.parser") -> dict[str, list[tuple[str, str]]]:
    """Each drawing's nodes: the link each leads to ("" for none) and its label's first line."""
    drawings: dict[str, list[tuple[str, str]]] = {}
    for svg in BeautifulSoup(text, parser).find_all("svg", id=True):
        nodes = drawings.setdefault(svg["id"], [])
        for node in svg.find_all("g", class_=lambda names: names and "node" in str(names).split()):
            link = node.find_parent("a")
            if link is None or svg not in link.parents:
                nodes.append(("", ""))  # a node that links nowhere
            else:
                nodes.append((link.get("href"), first_line(node.find(class_="nodeLabel") or node)))
    return drawings


def test_every_diagram_link_leads_to_an_existing_page_and_anchor(site):
    checked, broken = 0, []
    for path in [*site.html.rglob("*.html"), *site.html.rglob("_diagrams/*.svg")]:
        parser = "xml" if path.suffix == ".svg" else "html.parser"
        for drawing, links in diagram_links(path.read_text(encoding="utf-8"), parser).items():
            for href, label in links:
                if href:
                    checked += 1
                    problem = resolve(site.html, path, href)
                    if problem:
                        broken.append(f"{path.name} {drawing} {label!r}: {href} -> {problem}")
    written = sum(
        len(CLICK.findall(path.read_text(encoding="utf-8"))) for path in (ROOT / "diagrams").glob("*.mmd")
    )
    assert checked >= written, f"{checked} links found in the drawings, {written} written in diagrams/*.mmd"
    assert broken == []


@pytest.mark.parametrize("language", EDITIONS)
def test_every_company_in_the_partner_diagram_is_a_link(site, language):
    page = site.html / folder(language) / "partners.html"
    name = "partners.mmd" if language == SOURCE_LANGUAGE else f"partners.{language}.mmd"
    nodes = len(NODE.findall((ROOT / "diagrams" / name).read_text(encoding="utf-8")))
    for drawing, links in diagram_links(page.read_text(encoding="utf-8")).items():
        assert len(links) == nodes, f"{drawing}: {len(links)} nodes drawn, {nodes} in {name}"
        assert [label for href, label in links if not href] == [], f"{drawing}: nodes without a link"


def iso(date: str) -> str:
    """A date as the timeline shows it, "2019-12-27" or "2019年12月27日", in ISO form."""
    parts = re.findall(r"\d+", date)
    return "-".join([parts[0], *(f"{int(part):02d}" for part in parts[1:])])


@pytest.mark.parametrize("language", EDITIONS)
def test_every_timeline_event_in_the_diagram_leads_to_its_row_in_the_table(site, language):
    drawings = diagram_links((site.html / folder(language) / "timeline.html").read_text(encoding="utf-8"))
    assert drawings
    name = "timeline.mmd" if language == SOURCE_LANGUAGE else f"timeline.{language}.mmd"
    nodes = len(NODE.findall((ROOT / "diagrams" / name).read_text(encoding="utf-8")))
    for drawing, links in drawings.items():
        assert len(links) == nodes, f"{drawing}: {len(links)} events drawn, {nodes} in {name}"
        for href, date in links:
            expected = f"timeline.html#event-{iso(date)}"
            assert href == expected, f"{drawing}: the event of {date} leads to {href!r}"


# -- Readers with other fonts, find-in-page, printing, full screen ----------------------------

# Is a font installed? Text in "FONT, monospace" measures differently from plain monospace.
FONT_PRESENT = """([family, sample]) => {
  const canvas = document.createElement("canvas").getContext("2d");
  const width = font => { canvas.font = font; return canvas.measureText(sample).width; };
  return width(`40px "${family}", monospace`) !== width("40px monospace");
}"""

# Other sans-serif fonts a reader may have. Bold DejaVu Sans stands for a font wider
# than the one the labels were measured with.
READER_FONTS = {
    "Liberation Sans (Arial's metrics)": ("Liberation Sans", "normal", "fonts-liberation"),
    "Noto Sans CJK SC": ("Noto Sans CJK SC", "normal", "fonts-noto-cjk"),
    "DejaVu Sans Bold (wider)": ("DejaVu Sans", "bold", "fonts-dejavu-core"),
}
OVERFLOWING = """() => {
  // The box around a label's glyphs: the union of its text nodes' rectangles.
  const inkOf = label => {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    const rects = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...range.getClientRects());
    }
    return { left: Math.min(...rects.map(r => r.left)), right: Math.max(...rects.map(r => r.right)),
             top: Math.min(...rects.map(r => r.top)), bottom: Math.max(...rects.map(r => r.bottom)) };
  };
  return [...document.querySelectorAll('.diagram svg')]
  .filter(svg => svg.getClientRects().length > 0)
  .flatMap(svg => [...svg.querySelectorAll('g.node, g.cluster')].map(group => {
    const shape = group.querySelector(':scope > rect, :scope > polygon, :scope > path');
    const label = group.querySelector('.nodeLabel, .cluster-label span');
    if (!shape || !label || !label.textContent.trim()) return null;
    const text = inkOf(label), box = shape.getBoundingClientRect();
    const out = Math.max(box.left - text.left, text.right - box.right,
                         box.top - text.top, text.bottom - box.bottom);
    if (out > 0.5) return `${svg.id}: "${label.textContent.trim()}" overflows by ${out.toFixed(1)} px`;
    // A group's title must not disappear behind one of the boxes inside the group.
    const covered = group.matches('g.cluster') && [...svg.querySelectorAll('g.node')].some(node => {
      const b = node.getBoundingClientRect();
      return b.left < text.right - 1 && text.left < b.right - 1
          && b.top < text.bottom - 1 && text.top < b.bottom - 1;
    });
    return covered ? `${svg.id}: "${label.textContent.trim()}" is partly hidden by a box` : null;
  })).filter(Boolean);
}"""


@pytest.mark.parametrize("font", READER_FONTS)
@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_labels_stay_inside_their_boxes_in_a_readers_other_font(visit, name, font):
    family, weight, package = READER_FONTS[font]
    page = visit(name).page
    if not page.evaluate(FONT_PRESENT, [family, "Alibaba FAW 2020"]):
        pytest.fail(f"{family} is not installed: `apt-get install {package}` (.ci/run does)", pytrace=False)
    page.add_style_tag(
        content=f".diagram svg * {{ font-family: '{family}' !important; font-weight: {weight} !important }}"
    )
    assert page.evaluate(OVERFLOWING) == []


@pytest.mark.parametrize("language", EDITIONS)
def test_diagram_labels_are_text_that_find_in_page_reaches(visit, language):
    name = "partners.mmd" if language == SOURCE_LANGUAGE else f"partners.{language}.mmd"
    source = (ROOT / "diagrams" / name).read_text(encoding="utf-8")
    labels = [label.split("<br>")[0] for label in re.findall(r'^\s*\w+\["([^"]+)"\]', source, re.MULTILINE)]
    page = visit(folder(language) + "partners").page
    for label in labels:
        found = page.evaluate(
            """text => {  // from the top of the page, as Ctrl+F does, until a match is in the diagram
                getSelection().removeAllRanges();
                for (let i = 0; i < 20 && window.find(text); i++) {
                    if (getSelection().anchorNode.parentElement.closest('.diagram svg')) return true;
                }
                return false; }""",
            label,
        )
        assert found, f"find-in-page does not reach {label!r} in the diagram"


@pytest.mark.parametrize("language", EDITIONS)
def test_printed_page_keeps_every_diagram_in_its_light_wide_drawing(visit, tmp_path, language):
    v = visit(folder(language) + "timeline", width=390)
    v.set_theme("dark")
    v.page.emulate_media(media="print")
    drawings = shown(v.page)
    assert [d["id"] for d in drawings] == ["timeline-wide-light"]
    assert v.page.locator(".diagram-on-its-own").first.is_hidden()
    pdf = tmp_path / "timeline.pdf"
    v.page.pdf(path=pdf)
    assert pdf.stat().st_size > 20_000


@pytest.mark.parametrize("width", [1280, 390])
def test_each_diagram_opens_on_its_own_to_zoom_in(visit, width):
    page = visit("scope", width=width).page
    link = page.locator(".diagram-on-its-own a:visible")
    assert link.count() == 1
    drawn = shown(page)[0]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"_diagrams/{drawn['id']}.svg")
    assert page.evaluate("document.documentElement.localName") == "svg"
    assert page.evaluate("document.documentElement.getBoundingClientRect().width") > 100
    assert page.evaluate("document.querySelector('title').textContent") == drawn["title"]


def test_no_id_is_used_twice_on_a_page(site):
    """Two drawings of a diagram (light and dark, wide and narrow) share nothing: Mermaid scopes
    its styles by id, and aria-labelledby must name one element."""
    repeated = {}
    for path in site.pages():
        ids = re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8"))
        twice = sorted(name for name, count in Counter(ids).items() if count > 1)
        if twice:
            repeated[str(path.relative_to(site.html))] = twice[:5]
    assert repeated == {}
