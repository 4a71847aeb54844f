"""Check a built site: every internal href/src points at a file, every #fragment at an id.

python -m tools.sitecheck docs/_build/html

Pages and the standalone diagram files (.svg) are checked alike.
"""

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

# Inline module scripts import by a relative URL, which is an asset too.
MODULE_IMPORT = re.compile(r"""\bfrom\s+["'](\.{1,2}/[^"']+)["']""")


@dataclass
class _Page:
    ids: set[str]  # what a #fragment can name
    refs: list[tuple[int, str]]  # (line, URL) of every link, asset and module import


@cache
def _parse(path: Path) -> _Page:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "xml" if path.suffix == ".svg" else "html.parser")
    tags = soup.find_all(True)
    ids = {str(tag[name]) for tag in tags for name in ("id", "name") if tag.get(name)}
    refs = [
        (tag.sourceline or 0, str(tag[name]))
        for tag in tags
        for name in ("href", "src")
        if tag.has_attr(name)
    ]
    for script in soup.find_all("script"):
        refs += [(script.sourceline or 0, url) for url in MODULE_IMPORT.findall(script.get_text())]
    return _Page(ids, refs)


def resolve(site: Path, page_path: Path, ref: str, prefix: str = "/") -> str | None:
    """Why `ref`, found in `page_path`, does not resolve in `site`; None if it does (or leaves the site)."""
    url = urlsplit(ref)
    if url.scheme or ref.startswith("//"):
        return None  # external, mailto:, data: ... are not this check's business
    if url.path.startswith("/"):
        inside = url.path.startswith(prefix)
        path = site / unquote(url.path[len(prefix) :]) if inside else site / "outside-the-site"
    else:
        path = page_path.parent / unquote(url.path) if url.path else page_path
    target = path.resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file() or not target.is_relative_to(site.resolve()):
        return "no such file"
    if url.fragment and unquote(url.fragment) not in _parse(target).ids:
        return f"no id {url.fragment!r} there"
    return None


def internal_problems(site: Path, prefix: str = "/") -> list[str]:
    """One line per internal link or asset in `site` that does not resolve.

    `prefix` is the URL path the site is published under: a link such as
    /prefix/page.html (the 404 page uses them) points into the site.
    """
    _parse.cache_clear()
    site = site.resolve()
    problems = []
    for page_path in sorted([*site.rglob("*.html"), *site.rglob("*.svg")]):
        where = page_path.relative_to(site)
        for line, ref in _parse(page_path).refs:
            problem = resolve(site, page_path, ref, prefix)
            if problem:
                problems.append(f"{where}:{line}: {ref} -> {problem}")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path("docs/_build/html")
    problems = internal_problems(site, *argv[1:2])
    for problem in problems:
        print(problem)
    print(f"{len(problems)} broken internal links or assets in {site}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
