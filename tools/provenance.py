"""Tie the site to the shared research it was written from (maintainers only).

    python -m tools.provenance [--update]

Needs the reference folder `../shared` beside the checkout (or $SHARED_DIR).
It checks that every URL in docs/sources.bib appears in the research notes
(no invented addresses), and that tests/data/article-8grams.txt (fingerprints
of every run of eight words in the source article, used by the tests to catch
copied wording without shipping the article) matches the article. --update
rewrites the fingerprints.
"""

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
ARTICLE = SHARED / "sources" / "scmp-alibaba-faw-2020.txt"
RESEARCH = [
    SHARED / "research" / "facts.md",
    SHARED / "research" / "aftermath.md",
    SHARED / "sources" / "README.md",
]
FINGERPRINTS = ROOT / "tests" / "data" / "article-8grams.txt"
BIB_URL = re.compile(r"^\s*url\s*=\s*\{([^}]+)\}", re.MULTILINE | re.IGNORECASE)
N = 8


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def fingerprint(gram: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(gram).encode()).hexdigest()[:16]


def fingerprints(text: str) -> set[str]:
    w = words(text)
    return {fingerprint(tuple(w[i : i + N])) for i in range(len(w) - N + 1)}


def bib_urls() -> list[str]:
    return BIB_URL.findall((ROOT / "docs" / "sources.bib").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the article fingerprints")
    args = parser.parse_args(argv)
    missing = [path for path in [ARTICLE, *RESEARCH] if not path.is_file()]
    if missing:
        print(
            f"provenance: {missing[0]} not found. This check needs the shared research folder "
            "beside the checkout (../shared) or SHARED_DIR pointing at it; it is for maintainers "
            "who have it, and the site builds and tests without it."
        )
        return 1

    research = "\n".join(path.read_text(encoding="utf-8") for path in RESEARCH)
    invented = [url for url in bib_urls() if url not in research]
    expected = "\n".join(sorted(fingerprints(ARTICLE.read_text(encoding="utf-8")))) + "\n"
    if args.update:
        FINGERPRINTS.write_text(expected)
    stale = not FINGERPRINTS.is_file() or FINGERPRINTS.read_text() != expected

    for url in invented:
        print(f"docs/sources.bib: {url} is not in the research notes ({', '.join(p.name for p in RESEARCH)})")
    if stale:
        print(f"{FINGERPRINTS.relative_to(ROOT)} does not match the article: run with --update")
    print(
        f"provenance: {len(bib_urls())} source URLs, {len(invented)} not in the research; fingerprints "
        + ("stale" if stale else "current")
    )
    return 1 if invented or stale else 0


if __name__ == "__main__":
    sys.exit(main())
