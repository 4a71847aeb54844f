"""What a reader sees in Chromium: every diagram drawn, in light and in dark,
sized to its content, with a visible fullscreen control, and no request that
leaves the site."""

import pytest
from conftest import DOCS, DRAWN, PAGES

DIAGRAM_PAGES = sorted(p.stem for p in DOCS.glob("*.md") if "{mermaid}" in p.read_text())

REDRAWN = """() => [...document.querySelectorAll('pre.mermaid')].every(
    pre => pre.querySelector('svg[aria-roledescription]:not([data-drawn-before])'))"""
DIAGRAMS = """() => [...document.querySelectorAll('pre.mermaid')].map(pre => {
    const svg = pre.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const view = svg && svg.viewBox.baseVal;
    return {
        role: svg && svg.getAttribute('aria-roledescription'),
        title: svg && svg.querySelector('title') && svg.querySelector('title').textContent,
        text: pre.textContent,
        width: box.width, height: box.height, boxHeight: pre.getBoundingClientRect().height,
        expectedHeight: view && view.width ? box.width * view.height / view.width : 0,
        naturalWidth: view ? view.width : 0,
        ink: svg ? getComputedStyle(svg).fill : '',
    };
})"""


def luminance(css_rgb: str) -> float:
    r, g, b = (int(x) for x in css_rgb[css_rgb.index("(") + 1 : -1].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def assert_drawn(diagrams: list[dict]) -> None:
    for d in diagrams:
        assert d["role"] not in {None, "error"}, f"Mermaid drew an error: {d['text'][:200]}"
        assert "Syntax error" not in d["text"]
        assert min(d["width"], d["height"]) > 0, "the diagram has no size"
        assert d["title"], "the diagram has no accessible title (accTitle)"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors_or_requests_to_other_hosts(visit, name):
    v = visit(name)
    assert v.errors == []
    assert v.blocked == [], f"{len(v.blocked)} requests left the site"


@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_diagrams_are_drawn_in_light_and_again_in_dark(visit, name):
    v = visit(name)
    v.set_theme("light")
    v.page.wait_for_function(DRAWN)
    light = v.page.evaluate(DIAGRAMS)
    assert light, f"{name} includes a diagram but none is on the page"
    assert_drawn(light)
    assert all(luminance(d["ink"]) < 0.5 for d in light), "light theme should draw dark text"

    v.page.evaluate("document.querySelectorAll('pre.mermaid svg').forEach(s => s.dataset.drawnBefore = '1')")
    v.set_theme("dark")
    v.page.wait_for_function(REDRAWN, timeout=20_000)
    dark = v.page.evaluate(DIAGRAMS)
    assert_drawn(dark)
    assert all(luminance(d["ink"]) > 0.5 for d in dark), "dark theme should draw light text"
    assert v.errors == []


@pytest.mark.parametrize("name", DIAGRAM_PAGES)
def test_diagrams_are_sized_to_their_content(visit, name):
    for d in visit(name).page.evaluate(DIAGRAMS):
        assert abs(d["height"] - d["expectedHeight"]) < 4, "the SVG is stretched or boxed"
        assert d["boxHeight"] - d["height"] < 40, "white space around the diagram"
        assert d["width"] <= d["naturalWidth"] + 1, "the diagram is blown up beyond the size Mermaid drew"


@pytest.mark.parametrize("name", DIAGRAM_PAGES[:1])
def test_fullscreen_control_shows_a_visible_icon(visit, name):
    page = visit(name).page
    button = page.locator(".mermaid-fullscreen-btn").first
    assert button.get_attribute("aria-label")
    with_icon = button.screenshot()
    page.add_style_tag(content=".mermaid-fullscreen-btn::before { visibility: hidden }")
    assert button.screenshot() != with_icon, "the button looks the same without its icon"
    button.click()
    assert page.locator(".mermaid-fullscreen-modal.active svg").count() == 1
