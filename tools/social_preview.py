"""Draw the pictures link previews show (1200 x 630), one per edition:
docs/_static/social-preview.png (English) and social-preview-zh-cn.png (Chinese; conf.py's
``ogp_image`` for the zh_CN edition).

python -m tools.social_preview
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

from sphinx_mermaid_svg.browser import find_chromium, launch

STATIC = Path(__file__).resolve().parents[1] / "docs" / "_static"
CARD = """<body lang="{lang}" style="margin:0;width:1200px;height:630px;display:flex;flex-direction:column;
justify-content:center;padding:0 90px;box-sizing:border-box;background:#14181e;color:#f2f2f2;
font-family:{fonts},sans-serif;word-break:{breaks}">
<div style="font-size:34px;color:#ff9b4a;letter-spacing:2px">{kicker}</div>
<div style="font-size:{title_size};font-weight:700;line-height:1.1;margin:24px 0">{title}</div>
<div style="font-size:38px;color:#c9d1d9;line-height:1.4">{summary}</div></body>"""
CARDS = {
    "social-preview.png": {
        "lang": "en",
        "fonts": "'Noto Sans','DejaVu Sans'",
        "breaks": "normal",
        "title_size": "86px",
        "kicker": "ALIBABA GROUP × CHINA FAW GROUP",
        "title": "The Alibaba–FAW alliance",
        "summary": "Smart cockpits, Banma's car OS and Alibaba Cloud for FAW and Hongqi: signed "
        "2019-12-27, announced 2020-01-09, and what came of it. Every fact sourced.",
    },
    "social-preview-zh-cn.png": {
        "lang": "zh-CN",
        "fonts": "'Noto Sans CJK SC','Noto Sans SC'",
        "breaks": "keep-all",  # lines break at punctuation, never inside a word or a date
        "title_size": "72px",
        "kicker": "阿里巴巴集团 × 中国一汽",
        "title": "阿里巴巴与中国一汽的战略合作",
        "summary": "斑马智行的车载系统与智能座舱、阿里云与数字化：2019年12月27日签约，"
        "2020年1月9日宣布，此后进展如何。每件事实都注明来源。",
    },
}


def main() -> None:
    with sync_playwright() as p:
        browser = launch(p, find_chromium(download=True), machine_fonts=True)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        for name, card in CARDS.items():
            page.set_content(CARD.format(**card))
            page.screenshot(path=STATIC / name)
            print(f"wrote {STATIC / name}")
        browser.close()


if __name__ == "__main__":
    main()
