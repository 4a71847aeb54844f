"""The site's editions: English, the source, at the root of the site, and each
translation in docs/locales/LANGUAGE/ in a folder of its own (zh_CN -> zh-cn/).

One home for how every edition is built, used by `nox -s docs` (through the command line
below), the tests, the link check and the benchmark:

    python docs/_ext/editions.py OUT [SPHINX OPTIONS ...]   # every edition, side by side
    python docs/_ext/editions.py OUT --only zh_CN --alone   # one edition at OUT's root

Each edition is built by a sphinx-build process of its own; where the machine has a core
for each, they run at the same time. Their output is printed in edition order, whichever
finishes first, and the command fails if any edition fails. Before any build starts, the
command checks the catalogs and the source registry (input_check.py) and stops on a file
the build would refuse, so that nothing of it is written. This module imports nothing but
the standard library: noxfile.py and conf.py read it too.
"""

import argparse
import contextlib
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
SOURCE_LANGUAGE = "en"
NOTICE = "translation behind:"  # the lines translation_status.py prints


def languages(docs: Path = DOCS) -> list[str]:
    """The source language first, then every language with a catalog folder."""
    locales = docs / "locales"
    found = sorted(path.name for path in locales.iterdir() if path.is_dir()) if locales.is_dir() else []
    return [SOURCE_LANGUAGE, *found]


def folder(language: str) -> str:
    """Where an edition lives under the site's root: "" for English, "zh-cn/" for zh_CN."""
    return "" if language == SOURCE_LANGUAGE else language.lower().replace("_", "-") + "/"


def hreflang(language: str) -> str:
    """The language as HTML and search engines write it: zh_CN -> zh-CN."""
    return language.replace("_", "-")


def sphinx_args(
    language: str,
    site: Path,
    *options: str,
    source: Path = DOCS,
    alone: bool = False,
    builder: str = "html",
    out: Path | None = None,
) -> list[str]:
    """sphinx-build's arguments for one edition of the site built into `site`: in its folder
    there, or at its root when the edition is published `alone` (Read the Docs), or into
    `out`. The doctrees go beside the site, never into what is published."""
    doctrees = site.parent / f"{site.name}-doctrees" / language
    out = out or (site if alone else site / folder(language))
    return ["-b", builder, "-D", f"language={language}", "-d", str(doctrees), *options, str(source), str(out)]


def language_of(name: str) -> str:
    """The edition for a language name as Read the Docs or a reader writes it ("zh-cn", "zh_CN")."""
    matches = [lang for lang in languages() if hreflang(lang).lower() == hreflang(name).lower()]
    if not matches:
        raise SystemExit(
            f"The site has no edition in {name!r} (editions: {', '.join(languages())}). "
            "On Read the Docs, set the project's language to one of them."
        )
    return matches[0]


def preview_command(
    out: Path, *options: str, port: int = 8000, source: Path = DOCS, python: str = sys.executable
) -> list[str]:
    """The live preview of the English edition (`nox -s serve`): sphinx-autobuild, rebuilding
    on every saved page or diagram, under a diagram renderer kept running, which draws a
    saved diagram into diagrams/drawings/ (sphinx_mermaid_svg.service)."""
    root = source.parent
    return [
        python, "-m", "sphinx_mermaid_svg.service", "--warm", str(root / "node_modules"), "--",
        python, "-m", "sphinx_autobuild", "--port", str(port),
        "--watch", str(root / "diagrams"), "--ignore", str(root / "diagrams" / "drawings" / "*"),
        str(source), str(out),
        # No Content-Security-Policy: sphinx-autobuild's live reload is an inline script. No
        # PDF: it would be printed again on every save.
        "-D", "mermaid_svg_draw=1", "-D", "content_security_policy=0", "-D", "print_edition_pdf=0", *options,
    ]  # fmt: skip


try:
    import fcntl
except ImportError:  # Windows: builds of the same folder are not kept apart
    fcntl = None  # type: ignore[assignment]


class BuildRunning(Exception):
    """Another build is writing into the same folder."""


@contextlib.contextmanager
def only_build_of(site: Path):
    """Hold the folder's lock for the build, or BuildRunning naming the build that holds it."""
    site.parent.mkdir(parents=True, exist_ok=True)
    with (site.parent / f".{site.name}.lock").open("a+", encoding="utf-8") as lock:
        if fcntl is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                raise BuildRunning(
                    f"Another build is writing into {site} ({lock.read().strip() or 'a process'}): "
                    "wait for it to finish, or stop it, and build again."
                ) from None
        lock.truncate(0)
        lock.write(f"process {os.getpid()}, started {datetime.datetime.now():%H:%M:%S}")
        lock.flush()
        yield


@dataclass
class Built:
    language: str
    returncode: int
    output: str  # what sphinx-build printed, stdout and stderr in order


def build(
    site: Path,
    *options: str,
    source: Path = DOCS,
    only: list[str] | None = None,
    alone: bool = False,
    env: dict | None = None,
    builder: str = "html",
    books: bool = False,
) -> list[Built]:
    """Build every edition (or `only` some) of the site in `source` into `site`. With
    `books`, each edition's EPUB too (book_step), after its HTML, in the same process chain."""
    parallel = (os.cpu_count() or 1) > 1
    with only_build_of(site), contextlib.ExitStack() as files:
        started = []
        for language in only or languages(source):
            current = None
            if books:  # the pages link the book that follows them
                html = sphinx_args(language, site, *options, "-D", "site_epub=1", source=source, alone=alone)
                epub = book_step(language, site, *options, source=source)
                steps, current = [html, epub], book_is_current(epub, source)
            else:
                steps = [sphinx_args(language, site, *options, source=source, alone=alone, builder=builder)]
            output = files.enter_context(
                tempfile.TemporaryFile("w+", encoding="utf-8")
            )  # a pipe could stall it
            commands = [[sys.executable, "-m", "sphinx", *step] for step in steps]
            chain = Chain(commands, output, env, source.parent, current)
            started.append((language, chain, output, steps[-1]))
            if not parallel:
                chain.wait()
        results = []
        for language, chain, output, last in started:
            returncode = chain.wait()
            if books and returncode == 0:
                (book_folder(site, language) / MADE_WITH).write_text("\n".join(last), encoding="utf-8")
                book = next(book_folder(site, language).glob("*.epub"))
                shutil.copy2(book, (site if alone else site / folder(language)) / book.name)
            output.seek(0)
            results.append(Built(language, returncode, output.read()))
    return results


def book_folder(site: Path, language: str) -> Path:
    return site.parent / f"{site.name}-epub" / language


def book_step(language: str, site: Path, *options: str, source: Path = DOCS) -> list[str]:
    """sphinx-build's arguments for an edition's EPUB, built beside the site with the HTML's
    doctrees, which the HTML build has just brought up to date (so no -E again), and with the
    HTML's settings (site_epub too), so that the two builds leave the environment as it was."""
    kept = [option for option in options if option not in {"-E", "--fresh-env", "-a", "--write-all"}]
    kept += ["-D", "site_epub=1"]
    return sphinx_args(language, site, *kept, source=source, builder="epub", out=book_folder(site, language))


MADE_WITH = ".made-with"  # beside an edition's EPUB: the sphinx-build arguments it was made with
UP_TO_DATE = "no targets are out of date."  # what sphinx-build says when it writes no page


def book_is_current(book: list[str], source: Path = DOCS):
    """Whether an edition's EPUB can stay as it is after its HTML build, given what that build
    printed: the HTML build wrote no page, the book was made with the same arguments, and no
    file it is made from (docs/, diagrams/, the extension, the locks) changed since. The
    EPUB's own build costs about as much as the HTML's, even with nothing to do."""
    folder = Path(book[-1])
    root = source.parent

    def current(printed: str) -> bool:
        made = folder / MADE_WITH
        books = list(folder.glob("*.epub"))
        if UP_TO_DATE not in printed or not books or not made.is_file():
            return False
        if made.read_text(encoding="utf-8") != "\n".join(book):
            return False
        inputs = [source, root / "diagrams", root / "ext", root / "locks"]
        newest = max(
            path.stat().st_mtime
            for top in inputs
            for path in top.rglob("*")
            if path.is_file() and "_build" not in path.parts and "__pycache__" not in path.parts
        )
        return newest < books[0].stat().st_mtime

    return current


class Chain:
    """sphinx-build processes run one after another, each once the one before succeeded; the
    last is left out where `current`, given what the ones before printed, says so."""

    def __init__(self, commands: list[list[str]], output, env: dict | None, cwd: Path, current=None) -> None:
        self.commands, self.output, self.env, self.cwd = list(commands), output, env, cwd
        self.current = current
        self.process = self.next()

    def next(self) -> subprocess.Popen:
        command = self.commands.pop(0)
        return subprocess.Popen(
            command, stdout=self.output, stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd
        )

    def wait(self) -> int:
        while True:
            returncode = self.process.wait()
            if returncode or not self.commands:
                return returncode
            self.output.flush()
            if len(self.commands) == 1 and self.current is not None:
                self.output.seek(0)
                if self.current(self.output.read()):
                    print(f"{UP_TO_DATE} (the EPUB, as it was)", file=self.output, flush=True)
                    return 0
            self.process = self.next()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build every edition of the site, side by side.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", action="append", type=language_of, help="this edition only")
    parser.add_argument("--alone", action="store_true", help="the edition at OUT's root (Read the Docs)")
    args, options = parser.parse_known_args(argv)
    from input_check import input_problems  # (Babel: in the docs environment, not nox's)

    refused = list(
        dict.fromkeys(
            problem for language in args.only or languages() for problem in input_problems(language)
        )
    )
    if refused:
        print("\n".join(refused))
        print(f"Nothing was built: fix the {len(refused)} problems above (each names its file and line).")
        return 1
    try:
        results = build(args.out, *options, only=args.only, alone=args.alone, books=True)
    except BuildRunning as running:
        print(running)
        return 1
    # Edition order, except that an edition that failed comes last, just above the line that
    # says so, where a maintainer (or the tail the bench shows) sees why.
    for result in sorted(results, key=lambda result: result.returncode != 0):
        print(f"-- {result.language} edition --\n{result.output.rstrip()}\n", flush=True)
    # Each edition's HTML and EPUB builds both name a page that is behind: say it once.
    lines = [line.strip() for result in results for line in result.output.splitlines()]
    behind = list(dict.fromkeys(line for line in lines if NOTICE in line))
    if behind:  # repeated last, where a maintainer looks
        print("Translations behind the English (their pages show English there):")
        print("\n".join("  " + line.split(NOTICE, 1)[1].strip() for line in behind))
    failed = [result.language for result in results if result.returncode]
    if failed:
        print(f"The build of the {', '.join(failed)} edition failed: the messages above say why.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
