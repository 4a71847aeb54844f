"""Every link and asset inside the built site resolves, and nothing leaves the site."""

import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

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


class _Resources(HTMLParser):
    """URLs a browser fetches while showing the page (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "video", "audio", "embed"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        fetched = {
            "stylesheet",
            "icon",
            "preload",
            "modulepreload",
            "prefetch",
            "manifest",
            "apple-touch-icon",
        }
        if tag == "link" and attrs.get("href") and fetched & set((attrs.get("rel") or "").split()):
            self.urls.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            self.urls.append(attrs["data"])
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs.get("style") or "")
        self._in_script = tag in {"script", "style"}

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.urls += re.findall(r"""(?:from|import)\s*\(?\s*["']([^"']+)["']""", data)
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)


def third_party(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")


def test_no_page_loads_a_script_style_font_or_image_from_another_host(site):
    offenders = []
    for page in site.pages():
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.name}: {url}" for url in parser.urls if third_party(url)]
    for css in site.html.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8"))
        offenders += [f"{css.name}: {url}" for url in urls if third_party(url)]
    assert offenders == []
