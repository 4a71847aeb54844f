"""Shared fixtures: the real site built once per run, a temporary copy of the
project for tests that break things, a local HTTP server and headless Chromium."""

import io
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright
from sphinx.application import Sphinx
from sphinx.util.console import nocolor

from tools.browser import launch, require_chromium, serve

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(path.stem for path in DOCS.glob("*.md"))
# The tests build the site as the publishing workflow does, for a made-up public address.
PUBLISHED = {
    "SITE_BASE_URL": "https://alliance.example/site/",
    "SITE_REPOSITORY": "https://github.com/example-org/alibaba-faw-alliance",
}
PREFIX = urlsplit(PUBLISHED["SITE_BASE_URL"]).path


@dataclass
class Site:
    html: Path
    warnings: str
    status: int

    def pages(self) -> list[Path]:
        return sorted(self.html.rglob("*.html"))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    """The real docs/, built once for the whole run as if for publishing, warnings captured."""
    patch = pytest.MonkeyPatch()
    for name, value in PUBLISHED.items():
        patch.setenv(name, value)
    out = tmp_path_factory.mktemp("site")
    nocolor()  # warnings as plain text in assertion messages
    warnings = io.StringIO()
    app = Sphinx(
        DOCS, DOCS, out / "html", out / "doctrees", "html",
        status=None, warning=warnings, freshenv=True,
    )  # fmt: skip
    app.build()
    patch.undo()
    return Site(out / "html", warnings.getvalue(), app.statuscode)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway copy of the project (Mermaid linked, not copied) to break on purpose."""
    copy = tmp_path / "project"
    for name in ("docs", "diagrams", "tools"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("_build"))
    shutil.copy2(ROOT / "package.json", copy)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


def sphinx_build(source: Path, out: Path) -> subprocess.CompletedProcess:
    """Build like a maintainer would, in a separate process: `sphinx-build -W -n`."""
    command = [sys.executable, "-m", "sphinx", "-W", "-n", "-b", "html", str(source), str(out)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return require_chromium()
    except SystemExit as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium):
    with sync_playwright() as p:
        browser = launch(p, chromium)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(site) -> str:
    with serve(site.html, prefix=PREFIX) as url:
        yield url
