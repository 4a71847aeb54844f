"""Headless Chromium for the tests, the diagram check and the benchmark.

find_chromium() looks, in order, at $CHROMIUM_PATH, the system's Chromium and a
browser Playwright installed. require_chromium() also tries Playwright's own
download and otherwise stops with one sentence saying how to get a browser.
serve() publishes a folder on a loopback HTTP server (ES modules do not load
from file://) and offline_page() opens a page that may only talk to it.
"""

import contextlib
import functools
import gzip
import http.server
import io
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ENV_VAR = "CHROMIUM_PATH"
SYSTEM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HOW_TO_GET_ONE = (
    "No Chromium found: install one (Debian/Ubuntu: `sudo apt-get install chromium`) "
    f"or set {ENV_VAR} to a Chromium or Chrome executable."
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install chromium` put on this machine, if any."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        path = p.chromium.executable_path
    return path if Path(path).is_file() else None


def find_chromium() -> str | None:
    named = os.environ.get(ENV_VAR)
    if named:
        if not Path(named).is_file():
            raise SystemExit(f"{ENV_VAR}={named} does not exist. " + HOW_TO_GET_ONE)
        return named
    for path in SYSTEM_PATHS:
        if Path(path).is_file():
            return path
    return playwright_chromium()


def require_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    print("No Chromium on this machine; trying `playwright install chromium`...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    found = playwright_chromium()
    if not found:
        raise SystemExit(HOW_TO_GET_ONE)
    return found


def launch(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)


COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".txt"}


@functools.cache
def _gzipped(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site like its hosts do (GitHub Pages, Read the Docs): under a path prefix,
    with its 404.html for missing pages, and text files gzip-compressed for browsers that accept it."""

    prefix = "/"
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
    }

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_head(self):
        path = Path(self.translate_path(self.path.split("?")[0]))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port under `prefix`; yields the base URL ending in '/'."""
    handler = functools.partial(
        type("Handler", (_SiteHandler,), {"prefix": prefix}), directory=str(directory)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def offline_page(context, blocked: list[str]):
    """A new page whose requests to any non-local address are aborted and recorded in `blocked`."""
    page = context.new_page()

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.blocked = blocked
    return page
