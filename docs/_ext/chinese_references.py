"""Source lists as a Chinese reader writes them: full-width punctuation and Chinese labels.

pybtex's ``unsrt`` and ``plain`` styles, which sphinxcontrib-bibtex formats every entry
with, write English separators into their templates: ``sentence`` ends each block with
". ", joins fields with ", " and puts "URL:" before an address. In the Chinese edition
these read "总部位于长春. URL: …". This extension registers two pybtex formatting styles
that write the same parts the Chinese way:

    作者：题名。出版方，日期。附注。网址：https://…

It is registered as ``zh_plain``: like pybtex's ``plain``, which the English edition uses,
it sorts a list of sources, here by the ``pinyin`` sorting style (docs/_ext/pinyin_order.py);
footnotes keep the order in which the page cites them. conf.py names it for the Chinese
edition (``bibtex_default_style`` in ``site_edition_settings``).
"""

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.formatting.unsrt import date
from pybtex.style.template import field, href, join, node, optional, optional_field

import pinyin_order  # noqa: F401  (registers the "pinyin" sorting style that zh_plain uses)
from bibliography_speedups import FormattedOnce

FULL_STOP, COMMA, COLON = "。", "，", "："
#: A block already ending with one of these needs no full stop of its own.
TERMINATED = ("。", "！", "？", "…", ".", "!", "?")
#: After these (full-width, or an English title's own "?"), the next block follows without a space.
OWN_END = ("。", "！", "？", "…", "：")


@node
def zh_sentence(children, data, sep=COMMA):
    """Fields joined by a full-width comma, ending with a full-width full stop."""
    text = join(sep=sep)[children].format_data(data)
    if text and not str(text).endswith(TERMINATED):
        text = text.append(FULL_STOP)
    return text


@node
def zh_blocks(children, data):
    """The entry's blocks side by side: no space after full-width punctuation, one otherwise
    (after an English title's own "?", say)."""
    parts = [join[child].format_data(data) for child in children]
    joined: list = []
    for part in filter(None, parts):
        if joined and not str(joined[-1]).endswith(OWN_END):
            joined.append(" ")
        joined.append(part)
    return Text(*joined)


class ChineseStyle(FormattedOnce, UnsrtStyle):
    """unsrt's templates for the entries this site has (@misc), with Chinese punctuation,
    sorted in pinyin order, each entry formatted once (bibliography_speedups.py)."""

    default_sorting_style = "pinyin"

    def get_misc_template(self, e):
        return zh_blocks[
            optional[join[self.format_names("author", as_sentence=False), COLON]],
            optional[zh_sentence[self.format_title(e, "title", as_sentence=False)]],
            zh_sentence[optional[field("howpublished")], optional[date]],
            zh_sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def format_web_refs(self, e):
        return optional[self.format_url(e)]

    def format_url(self, e):
        url = field("url", raw=True)
        return join["网址", COLON, href(url)[url]]


def setup(app):
    app.setup_extension("pinyin_order")
    pybtex.plugin.register_plugin("pybtex.style.formatting", "zh_plain", ChineseStyle, force=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
