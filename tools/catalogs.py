"""The translation catalogs (docs/locales/LANGUAGE/LC_MESSAGES/*.po): what is left, and updates.

    python -m tools.catalogs [LANGUAGE ...]           # what a reader would see in English, or lose
    python -m tools.catalogs --update [LANGUAGE ...]  # after an English edit (nox -s translations)

Both extract the English pages' messages first (`sphinx-build -b gettext`). The report lists,
for every catalog, what the build refuses (docs/_ext/input_check.py: a line gettext cannot
read, a message whose markup changed or that adds HTML) and the work left: messages new or
changed in English, untranslated or fuzzy ones (shown in English until translated), and
messages no longer on the page. It exits 1 if there is anything.

--update brings each catalog in step (a new language gets its catalogs): new messages come
empty, changed ones come back fuzzy with the previous English kept beside them
(`#| msgid "..."`), so a translator sees what changed.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from editions import DOCS, languages
from input_check import catalog_files, out_of_step, problems

WIDTH = 76  # as the catalogs are written


def extract(templates: Path) -> Path:
    """The English pages' messages, one .pot per page, as Sphinx's gettext builder writes them."""
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "gettext", str(DOCS), str(templates)]
    subprocess.run(command, check=True)
    return templates


def update(language: str, templates: Path) -> None:
    folder = DOCS / "locales" / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    for template_path in sorted(templates.glob("*.pot")):
        with template_path.open("rb") as file:
            template = read_po(file)
        target = folder / f"{template_path.stem}.po"
        if target.is_file():
            with target.open("rb") as file:
                catalog = read_po(file, locale=language)
            catalog.update(template)
            what = "updated"
        else:
            catalog, what = template, "created"
            catalog.locale = language
        with target.open("wb") as file:
            write_po(file, catalog, width=WIDTH, include_previous=True)
        print(f"{what}: {target.relative_to(DOCS.parent)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="bring the catalogs in step with the English")
    parser.add_argument("languages", nargs="*", help="default: every translation")
    args = parser.parse_args(argv)
    wanted = args.languages or languages()[1:]
    with tempfile.TemporaryDirectory() as folder:
        templates = extract(Path(folder))
        if args.update:
            for language in wanted:
                update(language, templates)
        found = [
            problem
            for language in wanted
            for problem in [
                *(problem for path in catalog_files(language) for problem in problems(path)),
                *out_of_step(language, templates),
            ]
        ]
    for problem in found:
        print(("refused: " if problem.unsafe else "to do:   ") + str(problem))
    unsafe = sum(problem.unsafe for problem in found)
    print(f"{len(found)} problems in the catalogs of {', '.join(wanted)} ({unsafe} that the build refuses)")
    if args.update and found:
        print("Translate the messages listed (fuzzy ones show the previous English), then run `nox -s docs`.")
        return 0
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
