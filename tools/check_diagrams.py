"""Check every Mermaid source in diagrams/ before it reaches a reader.

    python -m tools.check_diagrams [DIAGRAMS_DIR]

Each .mmd file must have an accessible title and description (accTitle,
accDescr) and must parse and render with the pinned Mermaid, in headless
Chromium. A problem is reported with the file's name and Mermaid's message.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.browser import launch, require_chromium, serve

ROOT = Path(__file__).resolve().parents[1]
MERMAID_DIST = ROOT / "node_modules" / "mermaid" / "dist"

RENDER = """async ([name, text]) => {
  const { default: mermaid } = await import("./mermaid.esm.min.mjs");
  mermaid.initialize({ startOnLoad: false });
  try {
    await mermaid.parse(text);
    const { svg } = await mermaid.render("check-" + name.replace(/\\W/g, "-"), text);
    return svg.includes('aria-roledescription="error"') ? "Mermaid drew its error diagram" : "";
  } catch (error) {
    return String(error.message || error);
  }
}"""


def source_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [
        f"{path}: no `{keyword}:` line (the diagram's accessible {what})"
        for keyword, what in (("accTitle", "title"), ("accDescr", "description"))
        if f"{keyword}:" not in text
    ]


def render_problems(paths: list[Path], browser) -> list[str]:
    if not (MERMAID_DIST / "mermaid.esm.min.mjs").is_file():
        raise SystemExit(f"Mermaid is not installed in {MERMAID_DIST.parent}: run `npm ci` first.")
    problems = []
    with serve(MERMAID_DIST) as base:
        page = browser.new_page()
        page.goto(base)
        for path in paths:
            message = page.evaluate(RENDER, [path.stem, path.read_text(encoding="utf-8")])
            if message:
                problems.append(f"{path}: {' '.join(message.split())}")
        page.close()
    return problems


def check(directory: Path, browser) -> list[str]:
    """One line per problem in `directory`'s .mmd files, each starting with the file's path."""
    paths = sorted(directory.glob("*.mmd"))
    if not paths:
        return [f"{directory}: no .mmd files found"]
    return [problem for path in paths for problem in source_problems(path)] + render_problems(paths, browser)


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else ROOT / "diagrams"
    with sync_playwright() as p:
        browser = launch(p, require_chromium())
        problems = check(directory, browser)
        browser.close()
    for problem in problems:
        print(problem)
    count = len(list(directory.glob("*.mmd")))
    print(f"{count} diagrams checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
