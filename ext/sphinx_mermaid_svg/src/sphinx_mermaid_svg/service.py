"""A renderer kept running, for a session that builds again and again (a live preview).

Starting a browser and loading Mermaid costs seconds, many times what drawing a diagram
takes. Run the session's command under the service, and every build it starts draws
through browsers that are already open:

    python -m sphinx_mermaid_svg.service [--warm NODE_MODULES] -- sphinx-autobuild docs out

The service starts its drawers, puts its address in $MERMAID_SVG_RENDERER for the command,
runs it, and stops everything when the command ends or is interrupted (Ctrl+C). A build
finds the address by itself (renderer_for()); without it, it starts a browser of its own.
"""

import argparse
import contextlib
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from sphinx_mermaid_svg.assets import Assets
from sphinx_mermaid_svg.browser import RendererError
from sphinx_mermaid_svg.diagram import DiagramError
from sphinx_mermaid_svg.render import (
    DEFAULT_FONTS,
    DEFAULT_SETTINGS,
    DEFAULT_THEMES,
    Renderer,
    mermaid_settings,
)
from sphinx_mermaid_svg.store import Drawing

ENV_VAR = "MERMAID_SVG_RENDERER"
DRAWERS = 2  # a changed diagram has up to four drawings: two browsers draw them two at a time
KEPT_ANSWERS = 64
WARM_UP = "flowchart LR\n  accTitle: Warm-up\n  accDescr: Drawn once at start\n  a --> b\n"


def renderer_for(assets: Assets, timeout: float):
    """The running service named in $MERMAID_SVG_RENDERER, or else a browser of this build's own."""
    address = os.environ.get(ENV_VAR)
    return RemoteRenderer(address, assets, timeout) if address else Renderer(assets, timeout=timeout)


class RemoteRenderer:
    """Renderer.render(), answered by a running service."""

    def __init__(self, address: str, assets: Assets, timeout: float) -> None:
        self.address, self.assets, self.timeout = address, assets, timeout

    def __enter__(self) -> "RemoteRenderer":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def render(self, code: str, settings: dict) -> Drawing:
        job = {"code": code, "settings": settings, "node_modules": str(self.assets.node_modules),
               "fonts": self.assets.fonts}  # fmt: skip
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
        request = urllib.request.Request(self.address, json.dumps(job).encode())
        try:
            with direct.open(request, timeout=self.timeout * 2) as response:
                answer = json.load(response)
        except OSError as error:
            raise RendererError(
                f"the diagram renderer at {self.address} did not answer ({error}); restart the session"
            ) from None
        if "renderer" in answer:
            raise RendererError(answer["renderer"])
        if "error" in answer:
            raise DiagramError(answer["error"], answer["line"])
        return Drawing(answer["svg"])


def drawer(jobs: queue.Queue) -> None:
    """Draw the queue's jobs with a browser of this thread's own (Playwright's objects belong
    to the thread that made them): one page per set of assets, one browser for them all."""
    from playwright.sync_api import sync_playwright

    from sphinx_mermaid_svg.browser import find_chromium, launch

    playwright: Any = None
    browser: Any = None
    renderers: dict[str, Renderer] = {}
    try:
        while (job := jobs.get()) is not None:
            request, answer = job
            name = json.dumps([request["node_modules"], request["fonts"]], sort_keys=True)
            try:
                if browser is None:
                    executable = find_chromium()
                    playwright = sync_playwright().start()
                    browser = launch(playwright, executable)
                if name not in renderers:
                    assets = Assets(Path(request["node_modules"]), request["fonts"])
                    renderers[name] = Renderer(assets, browser=browser)
                drawing = renderers[name].render(request["code"], request["settings"])
                answer.set_result({"svg": drawing.svg})
            except DiagramError as error:
                answer.set_result({"error": str(error), "line": error.line})
            except RendererError as error:
                renderers.pop(name, None)
                answer.set_result({"renderer": str(error)})
            except Exception as error:  # the browser went away: say so, never leave a build waiting
                renderers.pop(name, None)
                answer.set_result({"renderer": f"the diagram renderer failed ({error})"})
    finally:
        for thing in [*renderers.values(), browser]:
            with contextlib.suppress(Exception):
                thing.close()
        with contextlib.suppress(Exception):
            playwright.stop()


class Handler(http.server.BaseHTTPRequestHandler):
    """POST a job: the drawing, or what stopped it. The latest answers are kept, so that the
    same drawing asked for twice (two builds in a row) is drawn once."""

    jobs: queue.Queue
    answers: dict[bytes, Future] = {}
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            answer = self.answers.get(body)
            if answer is None:
                answer = self.answers[body] = Future()
                self.jobs.put((json.loads(body), answer))
                if len(self.answers) > KEPT_ANSWERS:
                    del self.answers[next(iter(self.answers))]  # the oldest
        reply = json.dumps(answer.result()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args) -> None:  # a line per drawing would drown the build's output
        pass


def warm_up(address: str, node_modules: Path) -> None:
    """Start every drawer's browser before the first real drawing is asked for."""
    assets = Assets(node_modules.resolve(), DEFAULT_FONTS)
    settings = mermaid_settings(DEFAULT_SETTINGS, DEFAULT_THEMES["light"], "sans-serif")
    for n in range(DRAWERS):
        with contextlib.suppress(RendererError, DiagramError):
            RemoteRenderer(address, assets, 60).render(WARM_UP + f"  %% {n}\n", settings)


@contextlib.contextmanager
def running(warm: Path | None = None) -> Iterator[str]:
    """The drawers and their HTTP server, for as long as the block lasts: yields the address.
    With `warm`, the browsers start at once, for that node_modules."""
    jobs: queue.Queue = queue.Queue()
    drawers = [threading.Thread(target=drawer, args=(jobs,), daemon=True) for _ in range(DRAWERS)]
    for thread in drawers:
        thread.start()
    handler = type("Handler", (Handler,), {"jobs": jobs, "answers": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_port}/"
    if warm:
        threading.Thread(target=warm_up, args=(address, warm), daemon=True).start()
    try:
        yield address
    finally:
        server.shutdown()
        server.server_close()
        for _ in drawers:
            jobs.put(None)
        for thread in drawers:
            thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=Path, help="start the browsers at once, for this node_modules")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run (after --)")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    with running(args.warm) as address:
        child = subprocess.Popen(command, env=os.environ | {ENV_VAR: address})
        # Ctrl+C reaches the whole process group; a SIGTERM (nox after its grace period) only us.
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()


if __name__ == "__main__":
    sys.exit(main())
