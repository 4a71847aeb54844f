"""Check every link of the site and print a short verdict.

    python -m tools.linkcheck            # every link, external ones over the network
    python -m tools.linkcheck --offline  # local files and the site's internal links only

Runs Sphinx's linkcheck builder, reads its output.json and prints one line per
problem (page:line, URL, reason). When no external link could be reached
because there is no network, it says so in one line instead of listing every
failure, and fails: the external links were not checked.
"""

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import editions
from tools.sitecheck import internal_problems

ROOT = Path(__file__).resolve().parents[1]
NO_NETWORK = re.compile(
    r"NameResolution|Failed to resolve|name resolution|Name or service not known|"
    r"nodename nor servname|getaddrinfo|Network is unreachable|No route to host",
    re.IGNORECASE,
)
OFFLINE_HINT = "run `nox -s linkcheck -- --offline` to check local files and internal links only"


@dataclass
class Link:
    filename: str
    lineno: int
    status: str
    code: int
    uri: str
    info: str

    @property
    def external(self) -> bool:
        return self.uri.startswith(("http://", "https://"))

    def __str__(self) -> str:
        reason = self.info.splitlines()[0] if self.info else self.status
        if len(reason) > 160:
            reason = reason[:157] + "..."
        return f"  docs/{self.filename}:{self.lineno}  {self.uri}  [{self.status}] {reason}"


def run_sphinx(builder: str, source: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        builder,
        "-E",
        "-n",
        *options,
        str(source),
        str(out),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def read_results(out: Path) -> list[Link]:
    output = out / "output.json"
    if not output.is_file():
        return []
    return [Link(**json.loads(line)) for line in output.read_text().splitlines() if line.strip()]


def verdict(links: list[Link], offline: bool) -> tuple[int, list[str]]:
    """The exit status and the lines that explain it."""
    failed = [link for link in links if link.status in {"broken", "timeout"}]
    external = [link for link in links if link.external and link.status != "ignored"]
    cut_off = [link for link in external if link.status == "broken" and NO_NETWORK.search(link.info)]
    lines = []
    if external and len(cut_off) == len(external):
        example = cut_off[0]
        host = example.uri.split("/")[2]
        lines.append(
            f"The network looks unreachable (no host could be reached, e.g. {host}): "
            f"{len(external)} external links were NOT checked. Connect and run again, or {OFFLINE_HINT}."
        )
        failed = [link for link in failed if link not in cut_off]
    if failed:
        lines.append(f"{len(failed)} broken links:")
        lines.extend(str(link) for link in sorted(failed, key=lambda x: (x.filename, x.lineno)))
    redirected = [link for link in links if link.status == "redirected"]
    if redirected:
        lines.append(f"{len(redirected)} redirected links (they work; consider updating them):")
        lines.extend(str(link) for link in redirected)
    skipped = {"ignored", "unchecked"}
    checked = len([x for x in links if x.status not in skipped and x not in cut_off])
    ignored = len([link for link in links if link.status == "ignored"])
    summary = f"linkcheck: {checked} links checked, {len(failed)} broken"
    if offline:
        summary += f", {ignored} external links skipped (offline mode)"
    lines.append(summary)
    return (1 if failed or cut_off else 0), lines


def check_internal_links(source: Path, html: Path) -> tuple[int, list[str]]:
    """Build every edition (a missing cross-reference is a warning, so an error) and check the links."""
    for built in editions.build(html, "-q", "-W", "-E", source=source):
        if built.returncode:
            return 1, [
                built.output.strip(),
                f"The HTML build ({built.language}) failed: fix the warnings above.",
            ]
    problems = internal_problems(html)
    if problems:
        return 1, [f"{len(problems)} broken internal links:", *("  " + p for p in problems)]
    return 0, ["Internal links and anchors: all resolve."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true", help="skip external links")
    parser.add_argument("--source", type=Path, default=ROOT / "docs")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_build" / "linkcheck")
    args = parser.parse_args(argv)

    options = ["-D", r"linkcheck_ignore=https?://.*"] if args.offline else []
    result = run_sphinx("linkcheck", args.source, args.out, *options)
    links = read_results(args.out)
    if result.returncode and not any(link.status in {"broken", "timeout"} for link in links):
        print(result.stdout[-4000:] + result.stderr[-4000:])
        print("linkcheck: Sphinx failed before it could check the links (output above).")
        return result.returncode
    status, lines = verdict(links, args.offline)

    if args.offline:
        internal_status, internal_lines = check_internal_links(args.source, args.out / "html")
        lines[-1:-1] = internal_lines
        status = status or internal_status

    print("\n".join(lines))
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
