"""A drawing as an EPUB 3 page may carry it inline (Sphinx's ``epub`` builder).

E-readers follow no dark theme and run no container query, so a book gets one drawing per
diagram: the wide layout in the light theme (``mermaid_svg_epub_theme``). Mermaid's SVG is
valid in a web page but not under EPUB 3's XHTML and SVG schemas, which epubcheck applies;
for_epub() changes only what they refuse:

- the ARIA role ``graphics-document document``, which EPUB's schema does not know (the
  drawing keeps its title and description, named by aria-labelledby and aria-describedby);
- a label's ``<p>`` inside a ``<span>`` (a block in an inline element): the span becomes a
  ``<div>``, which lays the label out the same, inside its table-cell box;
- the empty ``<rect/>`` Mermaid leaves behind labels: SVG wants a width and a height;
- links between pages: ``page.html#part`` becomes the book's ``page.xhtml#part``, and each
  link gets a ``<title>`` (its label's words), which EPUB's accessibility checks want.
"""

import html
import re

LABEL = re.compile(r'<span class="(nodeLabel|edgeLabel)"([^>]*)><p>(.*?)</p></span>', re.DOTALL)
LINK = re.compile(r"(<a\b[^>]*>)(.*?)(?=</a>)", re.DOTALL)
PAGE_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:)([^"#?]+)\.html(#[^"]*)?"')
TAG = re.compile(r"<[^>]+>")
ROOT_ROLES = re.compile(r'\s(?:role|aria-roledescription)="[^"]*"')
EMPTY_RECT = re.compile(r"<rect(?![^>]*\swidth=)(?=[\s/>])")


def for_epub(svg: str, out_suffix: str = ".xhtml") -> str:
    """The drawing `svg` (one drawing, ids already made unique) as EPUB 3 accepts it inline."""
    end = svg.index(">") + 1  # the root <svg>'s attributes
    svg = ROOT_ROLES.sub("", svg[:end]) + svg[end:]
    svg = LABEL.sub(r'<div class="\1"\2><p>\3</p></div>', svg)
    svg = EMPTY_RECT.sub('<rect width="0" height="0"', svg)
    svg = PAGE_LINK.sub(lambda m: f'href="{m[1]}{out_suffix}{m[2] or ""}"', svg)

    def titled(match: re.Match) -> str:
        words = " ".join(html.unescape(TAG.sub(" ", match[2])).split())
        return f"{match[1]}<title>{html.escape(words, quote=False)}</title>{match[2]}" if words else match[0]

    return LINK.sub(titled, svg)
