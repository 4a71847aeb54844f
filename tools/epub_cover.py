"""Draw docs/_static/cover-LANGUAGE.png, the portrait cover of each edition's EPUB (1200 x 1800).

python -m tools.epub_cover        (after `npm ci`: the pinned fonts; commit the pictures)

The covers are committed, so that building the EPUB needs no browser. They are drawn with
the fonts the project pins (DejaVu Sans, Noto Sans SC, from node_modules), in a browser that
sees none of the machine's, so that they come out the same on any machine.
"""

import html
from pathlib import Path

from playwright.sync_api import sync_playwright

from sphinx_mermaid_svg.browser import find_chromium, launch

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "docs" / "_static"
NODE_MODULES = ROOT / "node_modules"
ORIGIN = "http://cover.invalid/"
FONTS = {  # family, weight -> file in node_modules
    ("DejaVu Sans", 400): "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
    ("DejaVu Sans", 700): "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
    ("Noto Sans SC", 400): "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-400.woff2",
    ("Noto Sans SC", 700): "@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-700.woff2",
}
COVERS = {  # hreflang -> (families, kicker, title's lines, subtitle, edition)
    "en": (
        '"DejaVu Sans", "Noto Sans SC"',
        "ALIBABA GROUP × CHINA FAW GROUP",
        ("The Alibaba–FAW", "alliance"),
        "Smart cockpits, Banma’s car OS and Alibaba Cloud for FAW and Hongqi: who agreed what, and when."
        " Every fact sourced.",
        "English edition",
    ),
    "zh-CN": (
        '"Noto Sans SC", "DejaVu Sans"',
        "阿里巴巴集团 × 中国一汽",
        ("阿里巴巴与中国一汽", "的战略合作"),
        "斑马智行的车载操作系统与智能座舱、阿里云与中国一汽和红旗：谁在何时达成了什么协议。每一项事实都注明出处。",
        "简体中文版",
    ),
}
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>
{faces}
body {{ margin: 0; width: 1200px; height: 1800px; box-sizing: border-box; padding: 150px 110px;
  display: flex; flex-direction: column; background: #14181e; color: #f2f2f2; font-family: {families}; }}
.kicker {{ font-size: 40px; color: #ff9b4a; letter-spacing: 2px; }}
.rule {{ width: 180px; height: 10px; background: #ff9b4a; margin: 60px 0; }}
h1 {{ font-size: 100px; font-weight: 700; line-height: 1.12; margin: 0 0 70px; }}
.subtitle {{ font-size: 46px; line-height: 1.45; color: #c9d1d9; }}
.edition {{ margin-top: auto; font-size: 44px; color: #ff9b4a; }}
</style></head><body></body></html>"""
# Put in once every face has loaded: a font the page asks for while it loads is refused by
# Chromium when Playwright serves it.
BODY = """<div class="kicker">{kicker}</div><div class="rule"></div><h1>{title}</h1>
<div class="subtitle">{subtitle}</div><div class="edition">{edition}</div>"""


LOAD_FONTS = """async () => {
  const faces = [...document.fonts];
  await Promise.allSettled(faces.map(face => face.load()));
  return faces.filter(face => face.status !== "loaded").map(face => face.family + " " + face.weight);
}"""


def faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url({ORIGIN}fonts/{path}); }}'
        for (family, weight), path in FONTS.items()
    )


class Site:
    """What the drawing page is served: the cover's document and the pinned fonts, nothing else."""

    def __init__(self) -> None:
        self.document = ""

    def __call__(self, route) -> None:
        url = route.request.url
        file = NODE_MODULES / url.removeprefix(ORIGIN + "fonts/")
        if url == ORIGIN + "cover.html":
            route.fulfill(body=self.document, content_type="text/html; charset=utf-8")
        elif url.startswith(ORIGIN + "fonts/") and file.is_file():
            route.fulfill(path=str(file))
        else:
            route.abort()


def main() -> None:
    missing = [path for path in FONTS.values() if not (NODE_MODULES / path).is_file()]
    if missing:
        raise SystemExit(f"{NODE_MODULES / missing[0]} is missing: run `npm ci` first.")
    with sync_playwright() as p:
        browser = launch(p, find_chromium(download=True))
        page = browser.new_page(viewport={"width": 1200, "height": 1800})
        site = Site()
        page.route("**/*", site)
        for lang, (families, kicker, title, subtitle, edition) in COVERS.items():
            words = {"kicker": kicker, "subtitle": subtitle, "edition": edition}
            site.document = PAGE.format(lang=lang, faces=faces(), families=families)
            page.goto(ORIGIN + "cover.html")
            failed = page.evaluate(LOAD_FONTS)
            if failed:
                raise SystemExit(f"These fonts did not load: {failed}")
            body = BODY.format(
                title="<br>".join(map(html.escape, title)),
                **{key: html.escape(value) for key, value in words.items()},
            )
            page.evaluate("body => { document.body.innerHTML = body }", body)
            out = STATIC / f"cover-{lang}.png"
            page.screenshot(path=out)
            print(f"wrote {out.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
