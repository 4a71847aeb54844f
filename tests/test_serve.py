"""The live preview (`nox -s serve`, tools/serve.py): what a maintainer saves shows in the open browser.

One preview runs for the whole module, on a copy of the project, with the command
`nox -s serve` runs; the tests save files in the copy and watch a page in Chromium.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_of_project

from tools.browser import free_port

SHOWN_WITHIN_MS = 60_000  # generous: the machines are shared; `nox -s bench` measures the speed


class Preview:
    def __init__(self, project: Path, port: int, log: Path, page) -> None:
        self.project, self.port, self.log, self.page = project, port, log, page

    def open(self, name: str) -> None:
        self.page.goto(f"http://127.0.0.1:{self.port}/{name}.html")

    def save(self, relative: str, text: str) -> None:
        time.sleep(0.5)  # the watcher has settled after the last save
        (self.project / relative).write_text(text, encoding="utf-8")

    def wait_until_shown(self, text: str) -> None:
        self.page.wait_for_function(
            "text => document.body && document.body.innerHTML.includes(text)",
            arg=text,
            timeout=SHOWN_WITHIN_MS,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def preview(tmp_path_factory, browser):
    project = copy_of_project(tmp_path_factory.mktemp("serve"))
    port, log = free_port(), project / "serve.log"
    command = [
        sys.executable, "-m", "tools.serve", "-n", "--port", str(port), "--watch", "diagrams",
        "-D", "content_security_policy=0", "docs", str(project / "docs" / "_build" / "serve"),
    ]  # as noxfile.py's serve session runs it  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=project, stdout=output, stderr=subprocess.STDOUT)
    context = browser.new_context()
    page = context.new_page()
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/index.html")
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"The preview did not start:\n{log.read_text()}", pytrace=False)
                time.sleep(0.2)
        yield Preview(project, port, log, page)
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=30)


def test_a_saved_page_shows_in_the_open_browser(preview):
    preview.open("scope")
    page = preview.project / "docs" / "scope.md"
    preview.save("docs/scope.md", page.read_text(encoding="utf-8") + "\n\nA sentence saved a moment ago.\n")
    preview.wait_until_shown("A sentence saved a moment ago.")
    # Built in the server's own (forked) process: sphinx-autobuild's own builder would
    # have started `python -m sphinx build` for the first build and this one.
    assert "-m sphinx build" not in preview.output()


def test_a_saved_diagram_is_redrawn_in_the_open_browser(preview):
    preview.open("scope")
    diagram = (preview.project / "diagrams" / "scope.mmd").read_text(encoding="utf-8")
    assert "Smart cockpit<br>solutions" in diagram
    preview.save("diagrams/scope.mmd", diagram.replace("Smart cockpit<br>solutions", "Smart cabins", 1))
    preview.wait_until_shown("Smart cabins")


def test_a_broken_diagram_is_reported_and_the_preview_recovers_once_it_is_fixed(preview):
    preview.open("scope")
    diagram = (preview.project / "diagrams" / "scope.mmd").read_text(encoding="utf-8")
    preview.save("diagrams/scope.mmd", diagram + "\n  this is -> not [mermaid\n")
    deadline = time.monotonic() + SHOWN_WITHIN_MS / 1000
    while "could not be drawn" not in preview.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "diagrams/scope.mmd:" in preview.output(), preview.output()
    preview.save("diagrams/scope.mmd", diagram + "\n  accTitle: The scope, fixed and redrawn\n")
    preview.wait_until_shown("The scope, fixed and redrawn")


def test_a_saved_change_to_an_extension_is_used_by_the_next_rebuild(preview):
    # Last in this module: from here on the preview rebuilds in a new process each time.
    preview.open("scope")
    extension = preview.project / "docs" / "_ext" / "site_editions.py"
    code = extension.read_text(encoding="utf-8")
    assert '"简体中文"' in code
    extension.write_text(code.replace('"简体中文"', '"简体中文 (edited)"'), encoding="utf-8")
    page = preview.project / "docs" / "scope.md"
    preview.save("docs/scope.md", page.read_text(encoding="utf-8") + "\n\nAnother sentence.\n")
    preview.wait_until_shown("简体中文 (edited)")
    assert "rebuilding in a new process" in preview.output()
    assert "-m sphinx build" in preview.output()
