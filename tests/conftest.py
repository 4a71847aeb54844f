"""Shared fixtures: the real site (every edition) built once per run, a temporary copy
of the project for tests that break things, a local HTTP server and headless Chromium."""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from editions import build, folder, languages
from sphinx_mermaid_svg.browser import RendererError, find_chromium, launch
from tools.host import offline_page, serve

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(path.stem for path in DOCS.glob("*.md"))
EDITIONS = languages()  # "en", then each translation
TRANSLATIONS = EDITIONS[1:]
# Every page as a reader reaches it, in every edition: "partners", "zh-cn/partners" ...
EDITION_PAGES = [folder(language) + page for language in EDITIONS for page in PAGES]
SEARCH_PAGES = [folder(language) + "search" for language in EDITIONS]
# The tests build the site as the publishing workflow does, for a made-up public address.
PUBLISHED = {
    "SITE_BASE_URL": "https://alliance.example/site/",
    "SITE_REPOSITORY": "https://github.com/example-org/alibaba-faw-alliance",
}
PREFIX = urlsplit(PUBLISHED["SITE_BASE_URL"]).path
# Printing a PDF takes a browser and seconds per edition: the site the tests read has its PDFs,
# the throwaway builds that test something else leave them out (test_downloads.py builds them
# where it tests how they are made).
os.environ.setdefault("SITE_PDF", "0")


@dataclass
class Site:
    html: Path
    warnings: str
    status: int

    def pages(self) -> list[Path]:
        return sorted(self.html.rglob("*.html"))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    """The real docs/, every edition, built once for the whole run as the workflow publishes it
    (`nox -s docs`: each edition by its own sphinx-build process, side by side, its HTML and PDF,
    then its EPUB)."""
    out = tmp_path_factory.mktemp("site") / "html"
    env = os.environ | PUBLISHED | {"SITE_PDF": "1"}
    results = build(out, "-n", "-E", "-q", "--no-color", env=env, books=True)
    warnings = "".join(result.output for result in results)
    return Site(out, warnings, max(result.returncode for result in results))


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway copy of the project (node_modules linked, not copied) to break on purpose."""
    return copy_of_project(tmp_path)


def copy_of_project(into: Path) -> Path:
    copy = into / "project"
    for name in ("docs", "diagrams", "tools"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("_build"))
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, copy)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


def sphinx_build(
    source: Path, out: Path, *options: str, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Build like a maintainer would, in a separate process: `sphinx-build -W -n`."""
    command = [sys.executable, "-m", "sphinx", "-W", "-n", "-b", "html", *options, str(source), str(out)]
    return subprocess.run(command, capture_output=True, text=True, check=False, env=env)


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return find_chromium(download=True)
    except RendererError as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium):
    with sync_playwright() as p:
        browser = launch(p, chromium, machine_fonts=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(site) -> str:
    with serve(site.html, prefix=PREFIX) as url:
        yield url


TRANSFERRED = """() => {
    const entries = ['navigation', 'resource'].flatMap(type => performance.getEntriesByType(type));
    return [entries.length, entries.reduce((sum, e) => sum + e.transferSize, 0)];
}"""


# Records every Content-Security-Policy violation on the page, from its first byte.
CSP_VIOLATIONS = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));"""


@dataclass
class Visit:
    """One page opened in a fresh browser context (empty cache), and what happened."""

    page: object
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def set_theme(self, theme: str) -> None:
        """What Furo's toggle does: set body[data-theme]."""
        self.page.evaluate("theme => { document.body.dataset.theme = theme }", theme)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations")

    def transferred(self) -> tuple[int, int]:
        """Requests made and bytes received so far, as the browser's resource timing counts them."""
        return self.page.evaluate(TRANSFERRED)


@pytest.fixture
def visit(browser, site_url):
    contexts = []

    def _visit(
        path: str,
        width: int = 1280,
        javascript: bool = True,
        color_scheme: str = "light",
        bypass_csp: bool = False,
    ) -> Visit:
        """Open `path`; `bypass_csp` lets a test inject its own tool script (axe-core) into the page."""
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            color_scheme=color_scheme,
            bypass_csp=bypass_csp,
        )
        contexts.append(context)
        v = Visit(offline_page(context, []))
        v.blocked = v.page.blocked
        v.page.add_init_script(CSP_VIOLATIONS)
        v.page.on("console", lambda m: m.type == "error" and v.errors.append(m.text))
        v.page.on("pageerror", lambda e: v.errors.append(str(e)))
        v.page.on("request", lambda r: v.requests.append(r.url))
        v.page.on("response", lambda r: r.status >= 400 and v.errors.append(f"{r.status} {r.url}"))
        v.page.goto(site_url + (path if "." in path else f"{path}.html"), wait_until="load")
        return v

    yield _visit
    for context in contexts:
        for page in context.pages:
            page.unroute_all(behavior="ignoreErrors")  # a pending route handler would block close()
        context.close()
