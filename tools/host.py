"""Serve a built site as its hosts do, and open its pages in a browser that cannot leave it.

    python -m tools.host [SITE] [--prefix /site/] [--port 8000]

serve() publishes a folder on a loopback HTTP server the way GitHub Pages and Read the
Docs do (under a path prefix, with the site's 404 page, text gzip-compressed), for the
tests and the benchmark; offline_page() opens a page whose requests to anything but
loopback are refused and recorded. Finding and starting Chromium is the diagram
extension's (sphinx_mermaid_svg.browser).
"""

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
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


def site_server(directory: Path, prefix: str = "/", port: int = 0) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(
        type("Handler", (_SiteHandler,), {"prefix": prefix}), directory=str(directory)
    )
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


@contextlib.contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port under `prefix`; yields the base URL ending in '/'."""
    running = site_server(directory, prefix)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{running.server_address[1]}{prefix}"
    finally:
        running.shutdown()
        running.server_close()


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("docs/_build/html"))
    parser.add_argument("--prefix", default="/", help="the path the site is published under")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with site_server(args.site, args.prefix, args.port) as running:
        print(f"Serving {args.site} on http://127.0.0.1:{args.port}{args.prefix} (Ctrl+C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            running.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
