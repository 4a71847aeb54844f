"""The drawings: one SVG file per diagram, layout and theme, named by what went into it.

A drawing's file name is ``STEM.LAYOUT.THEME.KEY.svg``: the diagram's file name without
``.mmd`` (``partners.zh_CN``), ``wide`` or ``narrow``, the theme, and a hash of everything
that decides what Mermaid draws (the diagram's text, Mermaid's settings for the theme, the
pinned Mermaid and fonts, and the drawing script). A build finds its drawings by name and
needs no browser; a changed diagram has a new key, and no drawing until it is drawn.

Every drawing is checked when it is read (check_svg): a file that is not a well-formed
SVG, or that carries a script, an event handler or a reference outside the site, is
refused whoever made it.
"""

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

PLACEHOLDER_ID = "mmdsvg"  # the id Mermaid draws with; every id in a drawing starts with it
FORMAT = 1  # of the files; part of every key
FILE_NAME = re.compile(r"^(?P<stem>.+)\.(?P<layout>[a-z]+)\.(?P<theme>[a-z]+)\.(?P<key>[0-9a-f]{16})\.svg$")


@dataclass(frozen=True)
class Drawing:
    svg: str  # XML; every id in it starts with PLACEHOLDER_ID

    @cached_property
    def size(self) -> tuple[float, float]:
        """Natural width and height in CSS pixels, from the viewBox."""
        view_box = re.search(r'<svg\b[^>]*\sviewBox="([^"]+)"', self.svg)
        if view_box is None:
            raise InvalidDrawing("it has no viewBox")
        _, _, width, height = (float(n) for n in view_box[1].replace(",", " ").split())
        return width, height

    @property
    def width(self) -> float:
        return self.size[0]

    @property
    def height(self) -> float:
        return self.size[1]


def key(code: str, settings: dict, tools: list[str], script: str) -> str:
    recipe = [FORMAT, tools, settings, hashlib.sha256(script.encode()).hexdigest(), code]
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Variant:
    """One drawing a build needs: a diagram in one layout and one theme."""

    stem: str
    layout: str
    theme: str
    key: str

    @property
    def file_name(self) -> str:
        return f"{self.stem}.{self.layout}.{self.theme}.{self.key}.svg"


def variant_of(path: Path) -> Variant | None:
    match = FILE_NAME.match(path.name)
    return Variant(**match.groupdict()) if match else None


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def same_drawing(a: str, b: str, tolerance: float = 0.5) -> bool:
    """Whether two drawings show the same: the same elements, attributes, text and links,
    and every coordinate and size within `tolerance` CSS pixels. Two Chromium versions may
    lay the same text out a fraction of a pixel apart; nothing a reader sees differs then."""
    numbers_a, numbers_b = NUMBER.findall(a), NUMBER.findall(b)
    return (
        NUMBER.split(a) == NUMBER.split(b)
        and len(numbers_a) == len(numbers_b)
        and all(abs(float(x) - float(y)) <= tolerance for x, y in zip(numbers_a, numbers_b, strict=True))
    )


class InvalidDrawing(Exception):
    """A drawing file that must not reach a page."""


class Store:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, variant: Variant) -> Path:
        return self.folder / variant.file_name

    def files(self) -> dict[Path, Variant | None]:
        """Every file in the folder, and the variant its name says it is (None: a stray file)."""
        if not self.folder.is_dir():
            return {}
        return {path: variant_of(path) for path in sorted(self.folder.iterdir()) if path.is_file()}

    def read(self, variant: Variant) -> Drawing | None:
        """The drawing, None if there is none, or InvalidDrawing naming what is wrong."""
        path = self.path(variant)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidDrawing(f"it cannot be read ({error})") from None
        problems = check_svg(text)
        if problems:
            raise InvalidDrawing("; ".join(problems[:3]))
        return Drawing(text)

    def write(self, variant: Variant, drawing: Drawing) -> Path:
        """Save a drawing (atomically: a build beside this one never reads half a file), and
        remove the drawings it replaces: the same diagram, layout and theme, drawn before."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(variant)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_text(drawing.svg, encoding="utf-8")
        temporary.replace(target)
        place = (variant.stem, variant.layout, variant.theme)
        for path, other in self.files().items():
            if other is not None and (other.stem, other.layout, other.theme) == place and other != variant:
                path.unlink()
        return target


# -- What a drawing may contain --------------------------------------------------------------

SVG, XHTML = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xhtml}"
ELEMENTS = {
    SVG: {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
        "title", "desc", "style", "defs", "marker", "foreignObject", "a", "clipPath", "linearGradient",
        "stop", "pattern", "mask", "symbol",
    },
    XHTML: {"div", "span", "p", "br", "b", "i", "em", "strong", "code", "small", "sub", "sup"},
}  # fmt: skip
URL_ATTRIBUTES = {"href", "{http://www.w3.org/1999/xlink}href", "src"}
SAFE_LINK = re.compile(r"^(?![a-z][a-z0-9+.-]*:|//)[^\s\\]*$", re.IGNORECASE)  # relative, no scheme
STYLE_DANGER = re.compile(r"@import|expression\s*\(|javascript:|url\(\s*(?![\"']?#)", re.IGNORECASE)


def check_svg(text: str) -> list[str]:
    """Why `text` must not go into a page: not well-formed SVG, or anything beyond what
    Mermaid draws (shapes, labels, styles, links within the site). Empty if it may."""
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        return ["it declares a DOCTYPE or entities"]
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return [f"it is not well-formed XML ({error})"]
    if root.tag != SVG + "svg":
        return [f"its root element is {root.tag}, not an SVG"]
    problems = []
    for element in root.iter():
        namespace, _, name = element.tag.rpartition("}")
        if name not in ELEMENTS.get(namespace + "}", ()):
            problems.append(f"it contains a <{name}> element")
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2]
            if local.lower().startswith("on"):
                problems.append(f"<{name}> has an event handler ({local})")
            elif attribute in URL_ATTRIBUTES and not SAFE_LINK.match(value.strip()):
                problems.append(f"<{name}> links outside the site ({value[:60]})")
            elif local == "style" and STYLE_DANGER.search(value):
                problems.append(f"<{name}> has a style that loads or runs something")
        if name == "style" and STYLE_DANGER.search(element.text or ""):
            problems.append("its stylesheet loads or runs something")
    return problems
