"""The linkcheck session's verdict: a broken link fails the run and is named
with its page and line; a working link and a redirect do not."""

import http.server
import threading

import pytest

from tools.linkcheck import main


class _Links(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/good":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/good")
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def link_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_404_fails_the_run_and_is_reported_with_page_and_line(tmp_path, link_server, capsys):
    source = tmp_path / "docs"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["myst_parser"]\nlinkcheck_retries = 1\n')
    (source / "index.md").write_text(
        f"# Links\n\n[good]({link_server}/good)\n\n[gone]({link_server}/gone)\n\n"
        f"[moved]({link_server}/moved)\n"
    )
    status = main(["--source", str(source), "--out", str(tmp_path / "out")])
    report = capsys.readouterr().out
    assert status == 1
    assert f"docs/index.md:5  {link_server}/gone  [broken]" in report
    assert "1 broken links:" in report
    assert f"{link_server}/good  [broken]" not in report
    assert f"{link_server}/moved  [redirected]" in report


def test_without_network_one_line_says_external_links_were_not_checked(tmp_path, capsys):
    """Hosts under .invalid never resolve (RFC 6761): the run looks exactly like one offline."""
    source = tmp_path / "docs"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["myst_parser"]\nlinkcheck_retries = 1\n')
    links = "\n\n".join(f"[link {n}](https://host{n}.invalid/page)" for n in range(12))
    (source / "index.md").write_text(f"# Links\n\n{links}\n")
    status = main(["--source", str(source), "--out", str(tmp_path / "out")])
    report = capsys.readouterr().out.strip().splitlines()
    assert status == 1
    assert report[0].startswith("The network looks unreachable")
    assert "12 external links were NOT checked" in report[0]
    assert len(report) == 2, "one line for the network, one summary: not one line per link"


def test_offline_mode_passes_on_external_links_but_checks_local_files(tmp_path, capsys):
    source = tmp_path / "docs"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["myst_parser"]\n')
    (source / "index.md").write_text("# Links\n\n[far](https://host.invalid/)\n\n[here](conf.py)\n")
    assert main(["--offline", "--source", str(source), "--out", str(tmp_path / "out")]) == 0
    (source / "index.md").write_text("# Links\n\n[far](https://host.invalid/)\n\n[gone](gone.txt)\n")
    assert main(["--offline", "--source", str(source), "--out", str(tmp_path / "out2")]) == 1
    assert "gone.txt" in capsys.readouterr().out
