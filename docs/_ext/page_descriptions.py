"""Each page's description for link previews and search results, without footnote numbers.

sphinxext-opengraph writes ``og:description`` and ``<meta name="description">`` from the
text of the page's first nodes, footnote references included ("…的汽车 1 2 。"), and puts
a space between any two pieces of text, which in Chinese splits words from their
punctuation ("双方的 战略合作 ，"). This extension gives opengraph the description
instead, through the per-page override that it documents (an ``og:description`` field
in the page's metadata), and writes the ``description`` meta tag itself, so that opengraph
leaves it alone:

- the page's paragraphs in order, leaving out admonitions, tables, footnotes and lists
  of sources, each without its footnote and citation references;
- joined by a space in English and directly in Chinese, cut to
  ``ogp_description_length`` characters.
"""

import html
import re

from docutils import nodes

SKIPPED = (nodes.Admonition, nodes.table, nodes.footnote, nodes.citation, nodes.system_message)
REFERENCES = (nodes.footnote_reference, nodes.citation_reference)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def paragraph_text(paragraph: nodes.paragraph) -> str:
    copy = paragraph.deepcopy()
    for reference in list(copy.findall(lambda node: isinstance(node, REFERENCES))):
        reference.parent.remove(reference)
    return " ".join(copy.astext().split())


def description(doctree, length: int, chinese: bool) -> str:
    text = ""
    for paragraph in doctree.findall(nodes.paragraph):
        ancestor, skipped = paragraph.parent, False
        while ancestor is not None and not skipped:
            skipped = isinstance(ancestor, SKIPPED) or "bibliography" in ancestor.get("classes", [])
            ancestor = ancestor.parent
        words = "" if skipped else paragraph_text(paragraph)
        if not words:
            continue
        joint = "" if not text or (chinese and CJK.match(words[0])) else " "
        text += joint + words
        if len(text) >= length:
            break
    if len(text) > length:
        ellipsis = "……" if chinese else "..."
        text = text[: length - len(ellipsis)].rstrip() + ellipsis
    return text


def describe_page(app, pagename, templatename, context, doctree) -> None:
    if doctree is None:
        return
    meta = context.get("meta")
    if meta is None:
        meta = context["meta"] = {}
    if "og:description" in meta:  # written on the page itself
        return
    chinese = app.config.language.lower().startswith("zh")
    said = description(doctree, app.config.ogp_description_length, chinese)
    if said:
        escaped = html.escape(said, quote=True)
        meta["og:description"] = escaped
        tag = f'<meta name="description" content="{escaped}" />'
        context["metatags"] = context.get("metatags", "") + "\n" + tag


def setup(app):
    app.setup_extension("sphinxext.opengraph")
    app.connect("html-page-context", describe_page, priority=400)  # before opengraph's (500)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
