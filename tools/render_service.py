"""Diagram renderers kept running, for a session that builds again and again (`nox -s serve`).

Starting a browser and loading Mermaid takes a couple of seconds, many times what drawing
one diagram takes. service() starts `python -m tools.render_service`, which does that once
for each of its drawers and then draws on request, and gives its address; a build that
finds the address in $DIAGRAM_RENDERER draws through it (tools.render_mermaid.renderer()).
A changed diagram has up to four drawings (two themes, two layouts): two drawers, each
with its own browser, draw them two at a time.
"""

import contextlib
import http.server
import json
import os
import queue
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from tools.render_mermaid import ROOT, THEMES, DiagramError, Drawing, Renderer

DRAWERS = 2
KEPT_ANSWERS = 64  # drawings, a few MiB
WARM_UP = "flowchart LR\n  accTitle: Warm-up\n  accDescr: Drawn once at start\n  a --> b\n"


def drawer(jobs: queue.Queue, ready: queue.Queue) -> None:
    """Draw jobs from the queue with a browser of this thread's own (Playwright's objects
    belong to the thread that made them)."""
    with Renderer() as renderer:
        try:
            for theme in THEMES:  # starts the browser and Mermaid: a first drawing is slower
                renderer.render(WARM_UP, theme)
        except (DiagramError, SystemExit) as error:
            ready.put(str(error))
            return
        ready.put(None)
        while True:
            code, theme, answer = jobs.get()
            try:
                drawing = renderer.render(code, theme)
                answer.set_result({"svg": drawing.svg, "width": drawing.width, "height": drawing.height})
            except DiagramError as error:
                answer.set_result({"error": str(error), "line": error.line})
            except Exception as error:  # the browser crashed or closed: say so, never leave a build waiting
                answer.set_result(
                    {"error": f"the diagram renderer failed ({error}). Restart `nox -s serve`.", "line": None}
                )


class _Handler(http.server.BaseHTTPRequestHandler):
    """POST {"code", "theme"}: the drawing, or {"error", "line"} for a DiagramError.

    The latest answers are kept: a drawing asked for ahead of a build (tools/serve.py) is
    drawn once, and handed to the build when it asks in turn."""

    jobs: queue.Queue
    answers: dict[tuple[str, str], Future] = {}
    lock = threading.Lock()

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = (request["code"], request["theme"])
        with self.lock:
            answer = self.answers.get(key)
            if answer is None:
                answer = self.answers[key] = Future()
                self.jobs.put((*key, answer))
                if len(self.answers) > KEPT_ANSWERS:
                    del self.answers[next(iter(self.answers))]  # the oldest
        body = json.dumps(answer.result()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # a line per drawing would drown the build's own output
        pass


def end_with_parent() -> None:
    """Stop when the process that started this one ends, however it ends: it holds our stdin."""
    sys.stdin.buffer.read()
    os._exit(0)  # the browsers' driver sees this process go, and closes them


def run() -> None:
    """Start the drawers, print the address once they are ready, then serve until stopped."""
    threading.Thread(target=end_with_parent, daemon=True).start()
    jobs: queue.Queue = queue.Queue()
    ready: queue.Queue = queue.Queue()
    for _ in range(DRAWERS):
        threading.Thread(target=drawer, args=(jobs, ready), daemon=True).start()
    for _ in range(DRAWERS):
        problem = ready.get()
        if problem:
            raise SystemExit(problem)
    _Handler.jobs = jobs
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler) as server:
        print(f"http://127.0.0.1:{server.server_port}/", flush=True)
        server.serve_forever()


@contextlib.contextmanager
def service() -> Iterator[str | None]:
    """The renderers, in a process of their own while the block lasts: the address, or None
    if they could not start (the reason is printed), in which case each build draws for itself."""
    command = [sys.executable, "-m", "tools.render_service"]
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    address = process.stdout.readline().strip() or None
    if address is None:
        print("The diagram renderer did not start (see above): each build draws changed diagrams itself.")
    try:
        yield address
    finally:
        process.terminate()
        process.wait()


class RemoteRenderer:
    """Renderer's render() and render_all(), answered by a running service."""

    def __init__(self, address: str) -> None:
        self.address = address

    def __enter__(self) -> "RemoteRenderer":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def render(self, code: str, theme: str = "light") -> Drawing:
        body = json.dumps({"code": code, "theme": theme}).encode()
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
        try:
            with direct.open(urllib.request.Request(self.address, body), timeout=60) as response:
                answer = json.load(response)
        except OSError as error:
            raise DiagramError(
                f"the diagram renderer at {self.address} did not answer ({error}). Restart `nox -s serve`."
            ) from None
        if "error" in answer:
            raise DiagramError(answer["error"], answer["line"])
        return Drawing(answer["svg"], answer["width"], answer["height"])

    def render_all(self, jobs: list[tuple[str, str]]) -> list[Drawing | DiagramError]:
        """Every job sent at once: the drawers share them out."""

        def one(job: tuple[str, str]) -> Drawing | DiagramError:
            try:
                return self.render(*job)
            except DiagramError as error:
                return error

        with ThreadPoolExecutor(max_workers=DRAWERS * 2) as pool:
            return list(pool.map(one, jobs))


if __name__ == "__main__":
    run()
