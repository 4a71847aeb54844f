"""Check the translation catalogs in docs/locales: `python -m tools.catalogs [LANGUAGE ...]`.

A Chinese reader would see English where a message is untranslated or fuzzy, and
would lose a citation, a glossary link or a cross-reference where a translation
drops its markup. For every message of every page's catalog this reports:

- an empty or fuzzy translation;
- markup that differs from the English: each {footcite} with the same sources in the
  same order, the same {term} and {doc} targets (the words shown may change:
  ``{term}`智能座舱 <smart cockpit>``` keeps the target of ``{term}`smart cockpit```),
  the same ``{#anchor}`` ids and the same link addresses.
"""

import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po
from editions import DOCS, languages

ROLE = re.compile(r"\{(footcite|cite|term|doc|ref)\}`([^`]*)`")
TARGET = re.compile(r"<([^<>]+)>\s*$")
ANCHOR = re.compile(r"\{#([\w-]+)\}")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def markup(text: str) -> Counter:
    """What a translation must keep of a message: its roles' targets, anchors and links."""
    found: Counter = Counter()
    for role, content in ROLE.findall(text):
        target = TARGET.search(content)
        found[(role, (target[1] if target and role != "footcite" else content).strip())] += 1
    found.update(("anchor", anchor) for anchor in ANCHOR.findall(text))
    found.update(("link", url) for url in LINK.findall(text))
    return found


def catalog_files(language: str) -> list[Path]:
    """The page catalogs: one per page, plus Sphinx's for the templates (not site.po, kept by hand)."""
    folder = DOCS / "locales" / language / "LC_MESSAGES"
    return sorted(path for path in folder.glob("*.po") if path.stem != "site")


def problems(path: Path) -> list[str]:
    with path.open("rb") as file:
        catalog = read_po(file)
    found = []
    for message in catalog:
        if not message.id:
            continue
        english, translated = str(message.id), str(message.string)
        where = f"{path.relative_to(DOCS.parent)}: {english[:60]!r}"
        if not message.string:
            found.append(f"{where}: not translated")
        elif message.fuzzy:
            found.append(f"{where}: fuzzy (the English changed; check the translation, then drop the flag)")
        elif markup(english) != markup(translated):
            lost = markup(english) - markup(translated)
            added = markup(translated) - markup(english)
            found.append(f"{where}: markup differs: lost {sorted(lost)}, added {sorted(added)}")
    return found


def main(argv: list[str]) -> int:
    wanted = argv or languages()[1:]
    found = [problem for language in wanted for path in catalog_files(language) for problem in problems(path)]
    print("\n".join(found))
    print(f"{len(found)} problems in the catalogs of {', '.join(wanted)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
