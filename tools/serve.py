"""Live preview, `nox -s serve`: sphinx-autobuild, rebuilding in a process that is ready.

sphinx-autobuild starts a new Python for every rebuild, and most of a one-page rebuild
went on starting it: importing Sphinx and the extensions, and, after a diagram edit,
starting a browser to draw it. Here a rebuild runs in the server's own process, where
everything is imported already (sphinx-autobuild runs each rebuild in a fork of it), and
diagrams are drawn by browsers with Mermaid loaded, kept open for the whole session
(tools/render_service.py), starting as soon as a diagram is saved.

Python code cannot be imported afresh into a running process: once a file in docs/_ext
or tools/ changes, every later rebuild runs in a new process, as sphinx-autobuild's own
do. (conf.py is read anew by every build.)

Arguments are sphinx-autobuild's.
"""

import contextlib
import os
import sys
import threading
import time
from pathlib import Path

import sphinx_autobuild.__main__ as autobuild
from sphinx.cmd.build import build_main
from sphinx_autobuild.build import Builder
from sphinx_autobuild.utils import show_message

from tools.render_mermaid import SERVICE_ENV, THEMES, DiagramError, layouts
from tools.render_service import RemoteRenderer, service

ROOT = Path(__file__).resolve().parents[1]
SITE_CODE = (ROOT / "docs" / "_ext", ROOT / "tools")
STARTED = time.time()


def site_code_changed() -> bool:
    return any(path.stat().st_mtime > STARTED for folder in SITE_CODE for path in folder.glob("*.py"))


def draw_ahead(diagrams: list[Path]) -> None:
    """Have the renderer draw the changed diagrams while Sphinx reads the pages: the build
    asks for the same drawings once it has read them, and gets them sooner."""
    address = os.environ.get(SERVICE_ENV)
    jobs = []
    for path in diagrams:
        with contextlib.suppress(OSError, DiagramError):  # the build says what is wrong
            code = path.read_text(encoding="utf-8")
            jobs += [(layout, theme) for layout in layouts(code).values() for theme in THEMES]
    if address and jobs:
        threading.Thread(target=RemoteRenderer(address).render_all, args=(jobs,), daemon=True).start()


class ReadyBuilder(Builder):
    """sphinx-autobuild's builder, building with the Sphinx already imported."""

    def __call__(self, *, changed_paths):
        if site_code_changed():
            show_message("The site's Python code changed: rebuilding in a new process.")
            os.environ.pop(SERVICE_ENV, None)  # the running renderer's code may be out of date too
            return super().__call__(changed_paths=changed_paths)
        if changed_paths:
            names = ", ".join(os.path.relpath(path) for path in changed_paths[:5])
            show_message(f"Detected changes ({names}); rebuilding...")
            draw_ahead([path for path in changed_paths if path.suffix == ".mmd"])
        try:
            failed = build_main(self.sphinx_args) != 0
        except SystemExit as stop:  # how the site's extensions stop a build, after logging why
            print(stop.code if isinstance(stop.code, str) else "", file=sys.stderr)
            failed = True
        if failed:
            print(
                "The build failed (see above). The server goes on serving the last good build; "
                "fix the error and save again, or press Ctrl+C to stop."
            )
        show_message(f"Serving on {self.uri}")


def main(argv: list[str]) -> None:
    with service() as address:
        if address:
            os.environ[SERVICE_ENV] = address  # every build draws through it
        autobuild.Builder = ReadyBuilder
        autobuild.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
