"""Every link and asset inside the built site resolves, and nothing leaves the site."""

import re
import shutil
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from conftest import PREFIX
from tools.sitecheck import internal_problems


def test_every_internal_link_and_asset_resolves(site):
    assert internal_problems(site.html, PREFIX) == []


def test_link_check_reports_a_missing_file_and_a_missing_anchor(site, tmp_path):
    """The check above can fail: a copy of the site with two dangling links is caught."""
    copy = tmp_path / "html"
    shutil.copytree(site.html, copy)
    page = copy / "index.html"
    dangling = '<a href="gone.html">x</a><a href="index.html#no-such-heading">y</a></body>'
    page.write_text(page.read_text().replace("</body>", dangling))
    problems = "\n".join(internal_problems(copy, PREFIX))
    assert "gone.html -> no such file" in problems
    assert "no id 'no-such-heading'" in problems


FETCHED_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def resources(html: str) -> list[str]:
    """URLs a browser fetches while showing the page (not the links a reader may follow)."""
    soup = BeautifulSoup(html, "html.parser")
    urls = [
        tag["src"]
        for tag in soup.find_all(["script", "img", "iframe", "source", "video", "audio", "embed"], src=True)
    ]
    urls += [
        tag["href"] for tag in soup.find_all("link", href=True) if FETCHED_LINKS & set(tag.get("rel") or [])
    ]
    urls += [tag["data"] for tag in soup.find_all("object", data=True)]
    urls += [url for tag in soup.find_all(style=True) for url in CSS_URL.findall(tag["style"])]
    for tag in soup.find_all(["script", "style"]):
        urls += re.findall(r"""(?:from|import)\s*\(?\s*["']([^"']+)["']""", tag.get_text())
        urls += CSS_URL.findall(tag.get_text())
    return urls


def third_party(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")


def test_no_page_loads_a_script_style_font_or_image_from_another_host(site):
    offenders = []
    for page in site.pages():
        offenders += [
            f"{page.name}: {url}" for url in resources(page.read_text(encoding="utf-8")) if third_party(url)
        ]
    for css in site.html.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8"))
        offenders += [f"{css.name}: {url}" for url in urls if third_party(url)]
    assert offenders == []
