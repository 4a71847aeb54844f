"""The site's editions: English, the source, at the root of the site, and each
translation in docs/locales/LANGUAGE/ in a folder of its own (zh_CN -> zh-cn/).

`nox -s docs`, the tests and the benchmark build every edition with sphinx_args();
docs/conf.py takes the folders from here too.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SOURCE_LANGUAGE = "en"


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
    language: str, site: Path, *options: str, source: Path = DOCS, alone: bool = False
) -> list[str]:
    """sphinx-build's arguments for one edition of the site built into `site`: in its folder
    there, or at its root when the edition is published `alone` (Read the Docs). The
    doctrees go beside the site, never into what is published."""
    doctrees = site.parent / f"{site.name}-doctrees" / language
    out = site if alone else site / folder(language)
    return ["-b", "html", "-D", f"language={language}", "-d", str(doctrees), *options, str(source), str(out)]


def language_of(readthedocs_language: str) -> str:
    """The edition a Read the Docs project serves (READTHEDOCS_LANGUAGE, e.g. "zh-cn")."""
    matches = [lang for lang in languages() if hreflang(lang).lower() == readthedocs_language.lower()]
    if not matches:
        raise SystemExit(
            f"Read the Docs builds this project in {readthedocs_language!r}, but the site has no such "
            f"edition (editions: {', '.join(languages())}). Set the project's language to one of them."
        )
    return matches[0]
