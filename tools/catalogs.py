"""Check the translation catalogs in docs/locales: `python -m tools.catalogs [LANGUAGE ...]`.

Lists, for every catalog, what a reader of the translation would lose (docs/_ext/
catalog_check.py: a line gettext cannot read, a message whose markup changed or that adds
HTML: the build refuses those) and the work left (untranslated and fuzzy messages, shown in
English until they are translated). Exits 1 if there is anything.
"""

import sys

from editions import languages
from input_check import catalog_files, problems


def main(argv: list[str]) -> int:
    wanted = argv or languages()[1:]
    found = [problem for language in wanted for path in catalog_files(language) for problem in problems(path)]
    for problem in found:
        print(("refused: " if problem.unsafe else "to do:   ") + str(problem))
    unsafe = sum(problem.unsafe for problem in found)
    print(f"{len(found)} problems in the catalogs of {', '.join(wanted)} ({unsafe} that the build refuses)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
