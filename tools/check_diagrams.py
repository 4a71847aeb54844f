"""Check every Mermaid source in diagrams/ before it reaches a reader: `nox -s diagrams`.

    python -m tools.check_diagrams [DIAGRAMS_DIR]

Draws each .mmd file as the site's build does (tools/render_mermaid.py): in both
themes and in each of its layouts, with the pinned Mermaid in headless Chromium.
It also checks files no page includes yet. A problem is reported as
`FILE:LINE: Mermaid's message`, or `FILE: message` where Mermaid names no line.
"""

import sys
from pathlib import Path

from tools.render_mermaid import THEMES, DiagramError, Renderer, layouts

ROOT = Path(__file__).resolve().parents[1]


def problems_in(path: Path, renderer: Renderer) -> list[str]:
    code = path.read_text(encoding="utf-8")
    try:
        for variant in layouts(code).values():
            for theme in THEMES:
                renderer.render(variant, theme)
    except DiagramError as error:
        return [f"{path}:{error.line}: {error}" if error.line else f"{path}: {error}"]
    return []


def check(directory: Path, browser=None) -> list[str]:
    """One line per problem in `directory`'s .mmd files, each starting with the file's path."""
    paths = sorted(directory.glob("*.mmd"))
    if not paths:
        return [f"{directory}: no .mmd files found"]
    with Renderer(browser) as renderer:
        return [problem for path in paths for problem in problems_in(path, renderer)]


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else ROOT / "diagrams"
    try:
        problems = check(directory)
    except DiagramError as error:  # Mermaid or a font missing: nothing could be drawn
        print(error)
        return 1
    for problem in problems:
        print(problem)
    count = len(list(directory.glob("*.mmd")))
    print(f"{count} diagrams checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
