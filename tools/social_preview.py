"""Draw docs/_static/social-preview.png, the picture link previews show (1200 x 630).

python -m tools.social_preview
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

from sphinx_mermaid_svg.browser import find_chromium, launch

OUT = Path(__file__).resolve().parents[1] / "docs" / "_static" / "social-preview.png"
CARD = """<body style="margin:0;width:1200px;height:630px;display:flex;flex-direction:column;
justify-content:center;padding:0 90px;box-sizing:border-box;background:#14181e;color:#f2f2f2;
font-family:'Noto Sans','DejaVu Sans',sans-serif">
<div style="font-size:34px;color:#ff9b4a;letter-spacing:2px">ALIBABA GROUP × CHINA FAW GROUP</div>
<div style="font-size:86px;font-weight:700;line-height:1.1;margin:24px 0">The Alibaba–FAW alliance</div>
<div style="font-size:38px;color:#c9d1d9">Smart cockpits, Banma's car OS and Alibaba Cloud for FAW and
Hongqi: signed 2019-12-27, announced 2020-01-09. Every fact sourced.</div></body>"""


def main() -> None:
    with sync_playwright() as p:
        browser = launch(p, find_chromium(download=True), machine_fonts=True)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(CARD)
        page.screenshot(path=OUT)
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
