"""The rules every diagram keeps, checked on its drawings in seconds: `nox -s diagrams` runs it.

    python -m tools.diagram_rules [BUILT_SITE]

The browser tests (tests/test_diagrams.py) measure the same on the pages; this reads the
drawings in diagrams/drawings/ and says which rule a diagram breaks and how to fix it:

- on a 1280 px desktop screen, where the article column is 736 px wide, a diagram is at most
  860 px tall and its labels, shrunk to the column, stay at 12 px or more;
- on a 390 px phone (a 358 px column) its labels stay at 11 px or more: a diagram too wide for
  that gets a second layout with the directive's `:narrow: TB` (or LR), which phones get;
- every link in it leads to a page and an anchor that exist (with BUILT_SITE, a built site);
- a translated diagram (NAME.zh_CN.mmd) has the same nodes, edges, groups, links and settings
  as its English one, only in other words.
"""

import re
import sys
from pathlib import Path

from sphinx_mermaid_svg.store import Drawing, Store
from tools.sitecheck import internal_problems

ROOT = Path(__file__).resolve().parents[1]
DIAGRAMS = ROOT / "diagrams"
DESKTOP_COLUMN, DESKTOP_HEIGHT, DESKTOP_LABEL = 736, 860, 12
PHONE_COLUMN, PHONE_LABEL = 358, 11
NARROW_SWITCH = 0.75  # mermaid_svg_smallest_scale: the narrow layout below this share of the wide
FONT_SIZE = re.compile(r"#[\w-]+\{[^}]*font-size:\s*([\d.]+)px")


def label_size(drawing: Drawing) -> float:
    """The size Mermaid gives the drawing's labels (its root rule's font-size)."""
    found = FONT_SIZE.search(drawing.svg)
    return float(found[1]) if found else 16.0


def shown_scale(width: float, column: float) -> float:
    return min(1.0, column / width)


def size_problems(name: str, wide: Drawing, narrow: Drawing | None) -> list[str]:
    """What breaks the desktop and phone rules, for one diagram in one theme."""
    found, size = [], label_size(wide)
    scale = shown_scale(wide.width, DESKTOP_COLUMN)
    if wide.height * scale > DESKTOP_HEIGHT:
        found.append(
            f"{name}: {wide.height * scale:.0f} px tall on a desktop screen, more than {DESKTOP_HEIGHT}: "
            "fewer rows, or groups side by side"
        )
    if size * scale < DESKTOP_LABEL:
        found.append(
            f"{name}: its labels shrink to {size * scale:.1f} px on a desktop screen "
            f"(at least {DESKTOP_LABEL}): shorter labels, or fewer boxes side by side"
        )
    phone_scale = shown_scale(wide.width, PHONE_COLUMN)
    if narrow is not None and phone_scale < NARROW_SWITCH:
        drawing, phone_scale, layout = narrow, shown_scale(narrow.width, PHONE_COLUMN), "narrow layout"
    else:
        drawing, layout = wide, "diagram"
    if label_size(drawing) * phone_scale < PHONE_LABEL:
        fix = (
            "shorten its labels"
            if narrow is not None
            else "add `:narrow: TB` (or LR) to its {mermaid} directive, for phones"
        )
        found.append(
            f"{name}: on a phone its {layout}'s labels shrink to {label_size(drawing) * phone_scale:.1f} px "
            f"(at least {PHONE_LABEL}): {fix}"
        )
    return found


# -- A translated diagram keeps the English one's structure -------------------------------------

ARROW = re.compile(r"\s*(<-->|-->|---|~~~|-\.->|==>)\s*")


def structure(text: str) -> dict:
    """Everything of a diagram but its words: nodes, edges, groups, links, layout, settings."""
    nodes: set[str] = set()
    edges: set[tuple[str, str, str]] = set()
    groups: dict[str, set[str]] = {}
    links: set[tuple[str, ...]] = set()
    other: list[str] = []
    group = None
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    settings = text.split("\n---\n", 1)[0] if text.startswith("---\n") else ""
    for line in body.splitlines():
        line = re.sub(r'\|"[^"]*"\|', " ", line.strip())  # edge labels
        line = re.sub(r'\s*\["[^"]*"\]', "", line)  # node and group labels
        if not line or line.startswith(("accTitle:", "accDescr:", "%%")):
            continue
        if line.startswith("subgraph "):
            group = line.split()[1]
            groups[group] = set()
        elif line == "end":
            group = None
        elif line.startswith("click "):
            links.add(tuple(line.split()[1:4]))
        elif ARROW.search(line):
            parts = ARROW.split(line)
            edges.update(zip(parts[0:-2:2], parts[1:-1:2], parts[2::2], strict=True))
        elif re.fullmatch(r"\w+", line):
            nodes.add(line)
            if group:
                groups[group].add(line)
        else:
            other.append(line)  # the diagram type, directions
    return {
        "settings": settings,
        "nodes": nodes,
        "edges": edges,
        "groups": groups,
        "links": links,
        "other": other,
    }


def twin_problems(diagrams: Path = DIAGRAMS) -> list[str]:
    found = []
    for twin in sorted(diagrams.glob("*.*.mmd")):
        original, name = diagrams / f"{twin.name.split('.')[0]}.mmd", f"diagrams/{twin.name}"
        if not original.is_file():
            found.append(f"{name}: a translation of no diagram ({original.name} is missing)")
            continue
        mine, theirs = (
            structure(twin.read_text(encoding="utf-8")),
            structure(original.read_text(encoding="utf-8")),
        )
        for part in mine:
            if mine[part] != theirs[part]:
                found.append(f"{name}: its {part} differ from {original.name}'s: translate only the words")
    return found


def problems(drawings: Path = DIAGRAMS / "drawings", site: Path | None = None) -> list[str]:
    found = []
    by_name: dict[tuple[str, str, str], Drawing] = {}
    for path, variant in Store(drawings).files().items():
        if variant is not None:
            by_name[(variant.stem, variant.layout, variant.theme)] = Drawing(path.read_text(encoding="utf-8"))
    for (stem, layout, theme), wide in sorted(by_name.items()):
        if layout == "wide":
            found += size_problems(
                f"diagrams/{stem}.mmd ({theme})", wide, by_name.get((stem, "narrow", theme))
            )
    found += twin_problems(drawings.parent)
    if site is not None:
        found += [
            f"a link in a diagram: {problem}"
            for problem in internal_problems(site)
            if "_diagrams/" in problem
        ]
    return found


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else None
    found = problems(site=site)
    print("\n".join(found))
    count = len({path.name.split(".")[0] for path in DIAGRAMS.glob("*.mmd")})
    print(f"{count} diagrams checked, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
