"""Measure the build and the pages as ratios, side by side in one run: `nox -s bench`.

Absolute seconds move by 2-3x from one of this project's machines to another; the
ratio of two builds timed in turn on the same machine does not. So the benchmark
builds a bare copy of the site, the same pages and catalogs with Sphinx, MyST and Furo
alone (citations dropped, diagrams left as plain text), and times the real build against
it. Each of N rounds runs the bare builds and then every kind of site build, and each
ratio pairs a build with the bare build of its own round: a machine that slows down
halfway through a run slows both. `nox -s docs` is timed end to end, as a maintainer
runs it (pages, PDF and EPUB), against the bare build of both editions one after the other;
the other builds are the pages' alone, and `--only downloads` times what the PDF and the
EPUB add to each edition's pages, as ratios within each round. In the browser it
times each page's diagrams against the same load's first contentful paint, by the page's
own clock.

Prints medians with min and max over N rounds (`-- --runs N`, default 5), the
machine, and "pass" or "OVER" against each goal. Goals, not tests: the byte
budgets, which do not depend on the machine, are also enforced by the tests.
"""

import argparse
import contextlib
import os
import platform
import re
import runpy
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from playwright.sync_api import sync_playwright

from editions import book_step, languages, preview_command, sphinx_args
from sphinx_mermaid_svg.browser import find_chromium, launch
from tools.host import free_port, serve

ROOT = Path(__file__).resolve().parents[1]
KIB = 1024
# Goals (issues "Diagrams drawn when the site is built", "The build as fast as Sphinx
# itself" and "A fresh clone builds the site with Python alone"); tests/test_reader.py
# enforces the byte budgets.
NOX_DOCS_RATIO = 0.6  # `nox -s docs`, environment ready / bare build of both editions in turn
FULL_BUILD_RATIO = 1.3  # full build / bare full build
REBUILD_RATIO = 0.8  # rebuild after touching one page / bare full build
VISIBLE_RATIO = 1.1  # diagrams visible / first contentful paint
PAGE_BYTES_PLAIN = 60 * KIB  # sent by a compressing host, first load
PAGE_BYTES_DIAGRAMS = 100 * KIB
EDITED_PAGE = "scope.md"

# Set on every page before it loads: when the first contentful paint happened, and the
# first frame in which every diagram on the page shows a drawing.
TIMING = """(() => {
  window.__paint = { fcp: undefined, diagrams: undefined };
  new PerformanceObserver(list => {
    for (const entry of list.getEntries())
      if (entry.name === 'first-contentful-paint') window.__paint.fcp = entry.startTime;
  }).observe({ type: 'paint', buffered: true });
  const shown = () => {
    const diagrams = [...document.querySelectorAll('.diagram')];
    return diagrams.length > 0 && diagrams.every(diagram => [...diagram.querySelectorAll('svg')]
      .some(svg => svg.getBoundingClientRect().height > 0));
  };
  const frame = time => {
    if (window.__paint.diagrams === undefined && document.body && shown()) window.__paint.diagrams = time;
    if (window.__paint.diagrams === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();"""
TRANSFER = """() => ['navigation', 'resource'].flatMap(t => performance.getEntriesByType(t))
    .reduce(([n, wire, raw], e) => [n + 1, wire + e.transferSize, raw + e.decodedBodySize], [0, 0, 0])"""


def ratios(values: list[float], bases: list[float]) -> list[float]:
    """Each build's time over the bare build of its own round."""
    return [value / base for value, base in zip(values, bases, strict=True)]


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


# The builds the goals are about are the pages' (the PDF's and the EPUB's time is measured on
# its own, `--only downloads`).
PAGES_ONLY = {"SITE_PDF": "0"}


def sphinx(*args: str | Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", *map(str, args)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | (env if env is not None else PAGES_ONLY),
    )
    return time.perf_counter() - start


def site_build(source: Path, out: Path, *options: str, editions: list[str] | None = None) -> float:
    """The real site, edition after edition: the English edition, or several."""
    return sum(
        sphinx(*sphinx_args(language, out, *options, source=source)) for language in editions or ["en"]
    )


def measure_downloads(runs: int, scratch: Path) -> dict[str, dict[str, list[float]]]:
    """What the PDF and the EPUB add to each edition's build, as `nox -s docs` makes them:
    in each round the edition's pages alone, then its pages with the PDF (where a browser
    is found), then its EPUB from the same doctrees; all full builds."""
    site = project_copy(scratch, "downloads") / "docs"
    times: dict[str, dict[str, list[float]]] = {}
    for language in languages():
        kinds = times[language] = {"pages": [], "pages and PDF": [], "EPUB": []}
        for run in range(runs):
            out = scratch / f"downloads-{run}"
            kinds["pages"].append(sphinx(*sphinx_args(language, scratch / f"pages-{run}", "-E", source=site)))
            with_pdf = sphinx_args(language, out, "-E", "-D", "site_epub=1", source=site)
            kinds["pages and PDF"].append(sphinx(*with_pdf, env={"SITE_PDF": "1"}))
            kinds["EPUB"].append(sphinx(*book_step(language, out, source=site), env={"SITE_PDF": "1"}))
        pairs = zip(kinds["pages and PDF"], kinds["pages"], strict=True)
        kinds["PDF"] = [both - pages for both, pages in pairs]
    return times


def git_repository(folder: Path) -> None:
    git = ["git", "-C", str(folder), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench"], check=True)


# What a clone holds that `nox -s docs` reads (and the live preview).
PROJECT = ["docs", "diagrams", "tools", "ext", "locks", "noxfile.py", "pyproject.toml", ".python-version",
           "package.json", "package-lock.json", ".npmrc", ".gitignore"]  # fmt: skip


def project_copy(into: Path, name: str = "project") -> Path:
    """The working tree's project in a scratch git repository, so edits never touch the real one."""
    copy = into / name
    copy.mkdir()
    for entry in PROJECT:
        path = ROOT / entry
        if path.is_dir():
            shutil.copytree(path, copy / entry, ignore=shutil.ignore_patterns("_build", "__pycache__"))
        else:
            shutil.copy2(path, copy)
    git_repository(copy)
    # Linked after the commit: a clone of the copy gets a node_modules of its own from `npm
    # ci`, as a fresh clone does, and never reinstalls the real checkout's through the link.
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


# What the bare copy leaves out: citations and reference lists, and diagram drawing.
CITATION = re.compile(r"\s*\{foot(?:cite|bibliography)\}`[^`]*`")
REFERENCE_LIST = re.compile(r"```\{(?:foot)?bibliography\}.*?```\n?", re.DOTALL)
DIAGRAM = re.compile(r"```\{mermaid\} (\S+)\n(?::\w+: \w+\n)*```")


def bare_copy(into: Path) -> Path:
    """The same pages and catalogs for Sphinx, MyST and Furo alone, with the site's MyST settings."""
    bare = into / "bare" / "docs"
    bare.mkdir(parents=True)
    settings = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for found in DIAGRAM.finditer(text):
            text = text.replace(
                found[0], "```text\n" + (page.parent / found[1]).read_text(encoding="utf-8") + "```"
            )
        text = CITATION.sub("", REFERENCE_LIST.sub("", text))
        (bare / page.name).write_text(text, encoding="utf-8")
    for po in (ROOT / "docs" / "locales").rglob("*.po"):  # the same translations, citations dropped
        with po.open("rb") as file:
            catalog = read_po(file)
        for message in catalog:
            if message.id and isinstance(message.id, str):
                message.id, message.string = (
                    CITATION.sub("", message.id),
                    CITATION.sub("", str(message.string)),
                )
        target = bare / po.relative_to(ROOT / "docs")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as file:
            write_po(file, catalog)
    conf = {
        "project": settings["project"],
        "extensions": ["myst_parser"],
        "html_theme": "furo",
        "myst_enable_extensions": settings["myst_enable_extensions"],
        "myst_heading_anchors": settings["myst_heading_anchors"],
        "locale_dirs": ["locales"],
        "gettext_compact": False,
    }
    (bare / "conf.py").write_text("".join(f"{key} = {value!r}\n" for key, value in conf.items()))
    return bare


def bare_pair(bare: Path, out: Path) -> float:
    """The bare site, every edition from the same catalogs, one after the other."""
    return sum(sphinx(*sphinx_args(language, out, "-E", source=bare)) for language in languages())


def touch(page: Path, run: int) -> None:
    """An author's edit: a sentence more (an HTML comment would be raw HTML, which the site refuses)."""
    with page.open("a", encoding="utf-8") as file:
        file.write(f"\n\nA sentence added in round {run}.\n")


def timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return time.perf_counter() - start


def measure_nox_docs(runs: int, scratch: Path, bare: Path) -> dict[str, list[float]]:
    """`nox -s docs` as a maintainer runs it, in a copy of the project: its environment ready
    and nothing changed; ready and asked to build afresh; and in a fresh clone, no environment."""
    nox = [sys.executable, "-m", "nox", "-s", "docs"]
    times: dict[str, list[float]] = {
        kind: [] for kind in ("bare pair", "ready", "fresh build", "fresh clone")
    }
    warm = project_copy(scratch, "nox-warm")
    timed(nox, warm)  # its environment, and a first build
    for run in range(runs):
        times["bare pair"].append(bare_pair(bare, scratch / f"bare-pair-{run}"))
        times["ready"].append(timed(nox, warm))
        times["fresh build"].append(timed([*nox, "--", "--fresh"], warm))
        clone = scratch / f"clone-{run}"
        subprocess.run(["git", "clone", "-q", str(warm), str(clone)], check=True)
        times["fresh clone"].append(timed(nox, clone))
        shutil.rmtree(clone)
    return times


def measure_builds(runs: int, scratch: Path, bare: Path) -> tuple[dict[str, list[float]], Path, Path]:
    """Build times in seconds, and a site's output. In each round every kind of build runs
    once, beside a bare full build: the ratios pair each build with its round's."""
    site = project_copy(scratch) / "docs"
    kinds = ("bare", "full", "drawn afresh", "all editions", "rebuild", "bare rebuild")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    site_build(site, scratch / "rebuilt", "-E")  # the outputs the one-page rebuilds update
    sphinx("-b", "html", "-E", bare, scratch / "bare-rebuilt")
    for run in range(runs):
        times["bare"].append(sphinx("-b", "html", "-E", bare, scratch / f"bare-{run}"))
        times["full"].append(site_build(site, scratch / f"full-{run}", "-E"))
        # What a new Mermaid or new fonts cost: every drawing of the edition drawn again.
        empty = ("-D", "mermaid_svg_draw=1", "-D", f"mermaid_svg_drawings={scratch / f'drawn-{run}'}")
        times["drawn afresh"].append(site_build(site, scratch / f"drawn-out-{run}", "-E", *empty))
        times["all editions"].append(site_build(site, scratch / f"all-{run}", "-E", editions=languages()))
        touch(site / EDITED_PAGE, run)
        times["rebuild"].append(site_build(site, scratch / "rebuilt"))
        touch(bare / EDITED_PAGE, run)
        times["bare rebuild"].append(sphinx("-b", "html", bare, scratch / "bare-rebuilt"))
    return times, scratch / "all-0", site


def measure_serve(runs: int, scratch: Path, site: Path, bare: Path) -> dict[str, list[float]]:
    """`nox -s serve` on the copy: seconds from saving a page, or a diagram, to the browser
    showing the change; each round beside a bare full build."""
    port, diagram = free_port(), site.parent / "diagrams" / "scope.mmd"
    command = preview_command(scratch / "served", "-q", port=port, source=site)
    times: dict[str, list[float]] = {"bare": [], "page": [], "diagram": []}
    log = scratch / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=site.parent, stdout=output, stderr=subprocess.STDOUT)
    try:
        with sync_playwright() as p:
            browser = launch(p, find_chromium(), machine_fonts=True)
            page = browser.new_page()
            for _ in range(600):  # the first build, then the server
                with contextlib.suppress(Exception):
                    page.goto(f"http://127.0.0.1:{port}/{Path(EDITED_PAGE).stem}.html")
                    break
                if server.poll() is not None:
                    break
                time.sleep(0.1)
            else:  # a minute and still nothing
                server.kill()
                server.wait()
            if server.poll() is not None:
                raise SystemExit(f"The live preview did not start; it printed:\n{log.read_text()}")
            for run in range(runs):
                times["bare"].append(sphinx("-b", "html", "-E", bare, scratch / f"bare-serve-{run}"))
                for kind, path, text in (
                    ("page", site / EDITED_PAGE, f"\n\nA page saved in round {run}\n"),
                    ("diagram", diagram, f"\n  accTitle: A diagram saved in round {run}\n"),
                ):
                    marker = text.strip().removeprefix("accTitle: ")
                    time.sleep(1)  # the watcher has settled after the last change
                    start = time.perf_counter()
                    with path.open("a", encoding="utf-8") as file:
                        file.write(text)
                    page.wait_for_function(
                        f"() => document.body && document.body.innerHTML.includes({marker!r})",
                        polling=10, timeout=60_000,
                    )  # fmt: skip
                    times[kind].append(time.perf_counter() - start)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait()
    return times


def measure_pages(site: Path, runs: int) -> dict[str, dict[str, list[float]]]:
    results = {}
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p, find_chromium(), machine_fonts=True)
        for page_path in sorted(site.rglob("*.html")):
            if page_path.name in {"genindex.html", "404.html"}:
                continue
            name = page_path.relative_to(site).with_suffix("").as_posix()
            rows: dict[str, list[float]] = {
                "requests": [],
                "KiB sent": [],
                "KiB uncompressed": [],
                "diagrams / FCP": [],
                "FCP ms": [],
            }
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(TIMING)
                page.goto(base + page_path.relative_to(site).as_posix(), wait_until="load")
                if page.locator(".diagram").count():
                    page.wait_for_function(
                        "() => window.__paint.diagrams !== undefined && window.__paint.fcp"
                    )
                    fcp, diagrams = page.evaluate("[window.__paint.fcp, window.__paint.diagrams]")
                    # Nothing is visible before the first paint: a diagram laid out earlier
                    # shows at the first contentful paint (a ratio of 1.0), one drawn by a
                    # script after it shows when that frame comes.
                    rows["diagrams / FCP"].append(max(diagrams, fcp) / fcp)
                    rows["FCP ms"].append(fcp)
                page.wait_for_load_state("networkidle")
                requests, wire, raw = page.evaluate(TRANSFER)
                rows["requests"].append(requests)
                rows["KiB sent"].append(wire / KIB)
                rows["KiB uncompressed"].append(raw / KIB)
                context.close()
            results[name] = {key: values for key, values in rows.items() if values}
        browser.close()
    return results


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    if Path("/proc/cpuinfo").exists():
        models = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")]  # fmt: skip
        cpu = models[0] if models else cpu
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    import sphinx as sphinx_module

    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}, Sphinx {sphinx_module.__version__}"
    )


def row(name: str, values: list[float], goal: float | None = None, digits: int = 2) -> tuple[str, ...]:
    med, low, high = spread(values)
    verdict = "" if goal is None else ("pass" if med <= goal else "OVER")
    goal_text = "" if goal is None else f"{goal:g}"
    return (name, f"{med:.{digits}f}", f"{low:.{digits}f}", f"{high:.{digits}f}", goal_text, verdict)


def print_table(lines: list[tuple[str, ...]]) -> None:
    widths = [max(len(line[i]) for line in lines) for i in range(6)]
    for line in lines:
        cells = [
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only",
        choices=["nox", "builds", "pages", "serve", "downloads"],
        action="append",
        help="only these parts",
    )
    args = parser.parse_args(argv)
    runs, parts = max(args.runs, 1), set(args.only or ["nox", "builds", "pages", "serve", "downloads"])

    print(f"Machine: {machine()}")
    print(f"Rounds: {runs}, each the bare builds and every kind of site build; ratios within a round.")
    print("Pages: loaded with an empty cache, once per round.\n")
    header = ("build", "median", "min", "max", "goal", "")
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        bare = bare_copy(scratch)
        if "nox" in parts:
            nox = measure_nox_docs(runs, scratch, bare)
            base = nox["bare pair"]
            print_table([
                ("nox -s docs, end to end: pages, PDF, EPUB", "median", "min", "max", "goal", ""),
                row(f"bare Sphinx + MyST + Furo, {len(languages())} editions in turn (s)", base),
                row("nox -s docs, environment ready, nothing changed (s)", nox["ready"]),
                row("nox -s docs -- --fresh, environment ready (s)", nox["fresh build"]),
                row("nox -s docs in a fresh clone, no environment (s)", nox["fresh clone"]),
                row("ready / bare pair", ratios(nox["ready"], base), NOX_DOCS_RATIO),
                row("--fresh / bare pair", ratios(nox["fresh build"], base)),
                row("fresh clone / bare pair", ratios(nox["fresh clone"], base)),
            ])  # fmt: skip
            print()
        if parts & {"builds", "pages", "serve"}:
            times, site, project = measure_builds(runs, scratch, bare)
        if "builds" in parts:
            print_table([
                header,
                row("bare Sphinx + MyST + Furo, full (s)", times["bare"]),
                row("site, full (s)", times["full"]),
                row("site, full, every diagram drawn afresh (s)", times["drawn afresh"]),
                row(f"site, all {len(languages())} editions in turn, full (s)", times["all editions"]),
                row("site, rebuild after one page edit (s)", times["rebuild"]),
                row("bare, rebuild after one page edit (s)", times["bare rebuild"]),
                row("full / bare full", ratios(times["full"], times["bare"]), FULL_BUILD_RATIO),
                row("drawn afresh / bare full", ratios(times["drawn afresh"], times["bare"])),
                row("all editions / bare full", ratios(times["all editions"], times["bare"])),
                row("rebuild / bare full", ratios(times["rebuild"], times["bare"]), REBUILD_RATIO),
                row("bare rebuild / bare full", ratios(times["bare rebuild"], times["bare"])),
                row("rebuild / bare rebuild", ratios(times["rebuild"], times["bare rebuild"])),
            ])  # fmt: skip
            print()
        if "pages" in parts:
            lines: list[tuple[str, ...]] = [("page (first load)", "median", "min", "max", "goal", "")]
            for page, rows in measure_pages(site, runs).items():
                has_diagrams = "diagrams / FCP" in rows
                goals = {
                    "KiB sent": (PAGE_BYTES_DIAGRAMS if has_diagrams else PAGE_BYTES_PLAIN) / KIB,
                    "diagrams / FCP": VISIBLE_RATIO,
                }
                for name, values in rows.items():
                    lines.append(row(f"{page}: {name}", values, goals.get(name), 2 if "/" in name else 0))
            print_table(lines)
            print()
        if "downloads" in parts:
            lines = [("downloads, per edition (full builds)", "median", "min", "max", "goal", "")]
            for language, kinds in measure_downloads(runs, scratch).items():
                pages = kinds["pages"]
                everything = [a + b for a, b in zip(kinds["pages and PDF"], kinds["EPUB"], strict=True)]
                lines += [
                    row(f"{language}: pages alone (s)", pages),
                    row(f"{language}: PDF (s)", kinds["PDF"]),
                    row(f"{language}: EPUB, after the pages (s)", kinds["EPUB"]),
                    row(f"{language}: PDF / pages", ratios(kinds["PDF"], pages)),
                    row(f"{language}: EPUB / pages", ratios(kinds["EPUB"], pages)),
                    row(f"{language}: pages, PDF and EPUB / pages", ratios(everything, pages)),
                ]
            print_table(lines)
            print()
        if "serve" in parts:
            served = measure_serve(runs, scratch, project, bare)
            print_table([
                ("nox -s serve: saved -> shown", "median", "min", "max", "goal", ""),
                row("bare Sphinx + MyST + Furo, full (s)", served["bare"]),
                row("page edit shown (s)", served["page"]),
                row("diagram edit shown (s)", served["diagram"]),
                row("page edit shown / bare full", ratios(served["page"], served["bare"]), REBUILD_RATIO),
                row("diagram edit shown / bare full", ratios(served["diagram"], served["bare"]),
                    REBUILD_RATIO),
            ])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
