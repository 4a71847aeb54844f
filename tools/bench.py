"""Measure the build and the pages against the site's budgets: `nox -s bench`.

Prints medians over N runs (default 5) with min and max, the machine it ran
on, and "pass" or "OVER" against each budget. Goals, not tests: the byte
budgets, which do not depend on the machine, are also enforced by the tests.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.browser import launch, require_chromium, serve

ROOT = Path(__file__).resolve().parents[1]
KIB = 1024
# Budgets (issue "Readers' experience"); tests/test_reader.py uses the byte budgets too.
BUILD_SECONDS = 3.0
REBUILD_SECONDS = 1.5
PAGE_BYTES_PLAIN = 60 * KIB
PAGE_BYTES_DIAGRAMS = 100 * KIB
DRAWN_MS = 500

# Set on every page before it loads: the time at which every diagram is drawn.
DRAWN_AT = """(() => {
  const drawn = () => {
    const pres = [...document.querySelectorAll('pre.mermaid')];
    return pres.length > 0 && document.readyState !== 'loading' && pres.every(
      pre => pre.dataset.processed === 'true' && pre.querySelector('svg[aria-roledescription]'));
  };
  const note = () => { if (window.__drawnAt === undefined && document.body && drawn())
    window.__drawnAt = performance.now(); };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true});
})();"""
TRANSFER = """() => ['navigation', 'resource'].flatMap(t => performance.getEntriesByType(t))
    .reduce(([n, wire, raw], e) => [n + 1, wire + e.transferSize, raw + e.decodedBodySize], [0, 0, 0])"""


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def sphinx(source: Path, out: Path, *options: str) -> float:
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", *options, str(source), str(out)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def project_copy(into: Path) -> Path:
    """The working tree's docs in a scratch git repository, so edits never touch the real one."""
    copy = into / "project"
    for name in ("docs", "diagrams"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("_build"))
    shutil.copy2(ROOT / "package.json", copy)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    git = ["git", "-C", str(copy), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench"], check=True)
    return copy


def measure_builds(runs: int, scratch: Path) -> dict[str, list[float]]:
    copy = project_copy(scratch)
    full, rebuild = [], []
    for run in range(runs):
        out = scratch / f"full-{run}"
        full.append(sphinx(copy / "docs", out, "-E"))
    edited = copy / "docs" / "scope.md"
    for run in range(runs):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n<!-- edit {run} -->\n", encoding="utf-8")
        rebuild.append(sphinx(copy / "docs", scratch / "full-0"))
    return {"full build (s)": full, "rebuild after one page edit (s)": rebuild}


def measure_pages(site: Path, runs: int) -> dict[str, dict[str, list[float]]]:
    results = {}
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p, require_chromium())
        for page_path in sorted(site.glob("*.html")):
            if page_path.name in {"genindex.html", "404.html"}:
                continue
            rows = {"requests": [], "KiB transferred": [], "KiB uncompressed": [], "ms to diagrams drawn": []}
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(DRAWN_AT)
                page.goto(base + page_path.name, wait_until="load")
                has_diagrams = page.locator("pre.mermaid").count() > 0
                if has_diagrams:
                    page.wait_for_function("() => window.__drawnAt !== undefined", timeout=20_000)
                    rows["ms to diagrams drawn"].append(page.evaluate("window.__drawnAt"))
                page.wait_for_load_state("networkidle")
                requests, wire, raw = page.evaluate(TRANSFER)
                rows["requests"].append(requests)
                rows["KiB transferred"].append(wire / KIB)
                rows["KiB uncompressed"].append(raw / KIB)
                context.close()
            results[page_path.stem] = {name: values for name, values in rows.items() if values}
        browser.close()
    return results


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor() or "unknown CPU",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    import sphinx as sphinx_module

    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}, Sphinx {sphinx_module.__version__}"
    )


def verdict(value: float, budget: float | None) -> str:
    if budget is None:
        return ""
    return "pass" if value <= budget else "OVER"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    runs = max(args.runs, 1)

    print(f"Machine: {machine()}")
    print(f"Runs: {runs} of each; times are wall-clock, pages loaded with an empty cache.\n")
    lines = [("measure", "median", "min", "max", "budget", "")]
    with tempfile.TemporaryDirectory() as scratch:
        builds = measure_builds(runs, Path(scratch))
        for (name, values), budget in zip(builds.items(), (BUILD_SECONDS, REBUILD_SECONDS), strict=True):
            med, low, high = spread(values)
            lines.append(
                (name, f"{med:.2f}", f"{low:.2f}", f"{high:.2f}", f"{budget:g}", verdict(med, budget))
            )
        site = Path(scratch) / "full-0"
        for page, rows in measure_pages(site, runs).items():
            drawn = "ms to diagrams drawn" in rows
            budgets = {
                "KiB transferred": (PAGE_BYTES_DIAGRAMS if drawn else PAGE_BYTES_PLAIN) / KIB,
                "ms to diagrams drawn": DRAWN_MS,
            }
            for name, values in rows.items():
                med, low, high = spread(values)
                budget = budgets.get(name)
                lines.append((
                    f"{page}: {name}", f"{med:.0f}", f"{low:.0f}", f"{high:.0f}",
                    f"{budget:g}" if budget else "", verdict(med, budget),
                ))  # fmt: skip
    widths = [max(len(row[i]) for row in lines) for i in range(6)]
    for row in lines:
        print(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
