"""The live preview (`nox -s serve`): what a maintainer saves shows in the open browser, and
Ctrl+C stops it, leaving nothing running.

One preview runs for the whole module, on a copy of the project, with the command
`nox -s serve` runs (editions.preview_command); the tests save files in the copy and
watch a page in Chromium.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import copy_of_project
from editions import preview_command
from tools.host import free_port

SHOWN_WITHIN_MS = 60_000  # generous: the machines are shared; `nox -s bench` measures the speed


class Preview:
    def __init__(self, project: Path, port: int, log: Path, page, process) -> None:
        self.project, self.port, self.log, self.page, self.process = project, port, log, page, process

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


def start_preview(project: Path, browser, port: int, log: Path):
    command = preview_command(project / "docs" / "_build" / "serve", port=port, source=project / "docs")
    with log.open("w") as output:
        # A process group of its own, as a terminal gives `nox -s serve`: Ctrl+C reaches all of it.
        process = subprocess.Popen(
            command, cwd=project, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    page = browser.new_context().new_page()
    deadline = time.monotonic() + 120
    while True:
        try:
            page.goto(f"http://127.0.0.1:{port}/index.html")
            return Preview(project, port, log, page, process)
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The preview did not start:\n{log.read_text()}", pytrace=False)
            time.sleep(0.2)


def press_ctrl_c(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=30)


def descendants(pid: int) -> dict[int, str]:
    """Every live process started by `pid`, directly or not (from /proc): pid -> command."""
    parents, commands = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            commands[int(stat.parent.name)] = (
                (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")[:100]
            )
        except (OSError, ValueError):
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = commands.get(child, b"").decode(errors="replace")
                frontier.append(child)
    return found


def alive(pids) -> list[int]:
    return [
        pid
        for pid in pids
        if Path(f"/proc/{pid}").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()
    ]


@pytest.fixture(scope="module")
def preview(tmp_path_factory, browser):
    project = copy_of_project(tmp_path_factory.mktemp("serve"))
    preview = start_preview(project, browser, free_port(), project / "serve.log")
    yield preview
    press_ctrl_c(preview.process)
    preview.page.context.close()


def test_a_saved_page_shows_in_the_open_browser(preview):
    preview.open("scope")
    page = preview.project / "docs" / "scope.md"
    preview.save("docs/scope.md", page.read_text(encoding="utf-8") + "\n\nA sentence saved a moment ago.\n")
    preview.wait_until_shown("A sentence saved a moment ago.")


def test_a_saved_diagram_is_drawn_and_shown_in_the_open_browser(preview):
    preview.open("scope")
    diagram = (preview.project / "diagrams" / "scope.mmd").read_text(encoding="utf-8")
    assert "Smart cockpit<br>solutions" in diagram
    preview.save("diagrams/scope.mmd", diagram.replace("Smart cockpit<br>solutions", "Smart cabins", 1))
    preview.wait_until_shown("Smart cabins")
    drawn = "".join(
        path.read_text() for path in (preview.project / "diagrams" / "drawings").glob("scope.wide.*")
    )
    assert "Smart cabins" in drawn, "the new drawing is saved beside the others, to be committed"
    assert preview.output().count("Detected changes") <= 2, "the saved drawings started another rebuild"


def test_a_broken_diagram_is_reported_and_the_preview_recovers_once_it_is_fixed(preview):
    preview.open("scope")
    diagram = (preview.project / "diagrams" / "scope.mmd").read_text(encoding="utf-8")
    preview.save("diagrams/scope.mmd", diagram + "\n  this is -> not [mermaid\n")
    deadline = time.monotonic() + SHOWN_WITHIN_MS / 1000
    while "diagrams/scope.mmd:" not in preview.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Parse error" in preview.output(), preview.output()
    preview.save("diagrams/scope.mmd", diagram + "\n  accTitle: The scope, fixed and redrawn\n")
    preview.wait_until_shown("The scope, fixed and redrawn")


def test_a_saved_change_to_an_extension_is_used_by_the_next_rebuild(preview):
    preview.open("scope")
    extension = preview.project / "docs" / "_ext" / "site_editions.py"
    code = extension.read_text(encoding="utf-8")
    assert '"简体中文"' in code
    extension.write_text(code.replace('"简体中文"', '"简体中文 (edited)"'), encoding="utf-8")
    page = preview.project / "docs" / "scope.md"
    preview.save("docs/scope.md", page.read_text(encoding="utf-8") + "\n\nAnother sentence.\n")
    preview.wait_until_shown("简体中文 (edited)")


def test_ctrl_c_stops_the_preview_and_everything_it_started(tmp_path, browser):
    project = copy_of_project(tmp_path)
    port = free_port()
    preview = start_preview(project, browser, port, tmp_path / "serve.log")
    preview.page.context.close()
    started = descendants(preview.process.pid)
    assert any("chrom" in command for command in started.values()), started  # the renderer's browsers
    press_ctrl_c(preview.process)
    deadline = time.monotonic() + 10
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {pid: started[pid] for pid in alive(started)} == {}
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
