"""Pinyin order for the Chinese edition: its glossary, its general index and its list of sources.

Sphinx sorts by code point and writes the glossary in the order of the English page, so a
Chinese reader met "5G, AliOS, AR导航, 自动驾驶, 区块链 …". In an edition whose language is
Chinese this extension orders, by ``sort_key`` (pinyin from the pypinyin library):

- the entries of every glossary, once the page is translated (``doctree-read``);
- the general index, regrouped under the initial letter of each entry's pinyin
  (``html-page-context`` of ``genindex``);
- the bibliography, through the pybtex sorting style ``pinyin`` that the Chinese
  formatting style uses (docs/_ext/chinese_references.py).

The English edition keeps its order. The tests check each list with the same ``sort_key``.
"""

import re
from typing import Any

import pybtex.plugin
from docutils import nodes
from pybtex.style.sorting import BaseSortingStyle
from sphinx import addnodes
from sphinx.locale import _ as sphinx_word  # Sphinx's own catalog, which has "Symbols"

LATIN = re.compile(r"[0-9a-z]+")
NOT_HAN = "\0"  # marks what pypinyin hands back untouched: Latin words, digits, punctuation


def syllables(text: str) -> tuple[tuple[str, int], ...]:
    """Each Han character as (pinyin, tone), each Latin word or number as (word, 0), lower case.
    Punctuation and brackets count for nothing. pypinyin reads characters in context, so
    长春 is chang2 chun1 and 重组 chong2 zu3."""
    from pypinyin import Style, lazy_pinyin  # here: the English edition never loads its dictionaries

    found = []
    # pypinyin takes a list back from `errors` (its type hints say only str): one item for the run.
    untouched: Any = lambda chars: [NOT_HAN + chars]  # noqa: E731
    for item in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=untouched):
        if item.startswith(NOT_HAN):
            found += [(word, 0) for word in LATIN.findall(item[1:].lower())]
        elif item[-1:].isdigit():
            found.append((item[:-1], int(item[-1])))
        else:
            found.append((item, 0))
    return tuple(found)


def sort_key(text: str) -> tuple:
    """The key a Chinese dictionary would sort `text` by: character by character, by pinyin and
    then tone; Latin words and numbers by their letters, numbers first. A gloss in full-width
    brackets, as in 国务院（State Council）, does not count before the headword it follows."""
    text = text.strip()
    headword = text.split("（", 1)[0]
    return (syllables(headword), syllables(text), text)


def initial(text: str) -> str:
    """The index letter of an entry: its pinyin's first letter, or Sphinx's "Symbols"."""
    found = syllables(text)
    first = found[0][0][:1].upper() if found else ""
    return first if "A" <= first <= "Z" else sphinx_word("Symbols")


def is_chinese(app) -> bool:
    return app.config.language.lower().startswith("zh")


# -- The glossary -----------------------------------------------------------------------


def order_glossaries(app, doctree) -> None:
    """After translation, each glossary's entries in the pinyin order of their first term."""
    if not is_chinese(app):
        return
    for glossary in doctree.findall(addnodes.glossary):
        for terms in glossary.findall(nodes.definition_list):
            items = list(terms.children)
            items.sort(key=lambda item: sort_key(item.next_node(nodes.term).astext()))
            terms.children = items


# -- The general index ------------------------------------------------------------------


def order_index(app, pagename, templatename, context, doctree) -> None:
    if pagename != "genindex" or not is_chinese(app) or "genindexentries" not in context:
        return
    entries = [entry for _letter, group in context["genindexentries"] for entry in group]
    entries.sort(key=lambda entry: sort_key(entry[0]))
    groups: dict[str, list] = {}
    for entry in entries:
        groups.setdefault(initial(entry[0]), []).append(entry)
    context["genindexentries"] = list(groups.items())


# -- The bibliography -------------------------------------------------------------------


class PinyinSortingStyle(BaseSortingStyle):
    """pybtex's author, year, title order, with names and titles compared by ``sort_key``."""

    def sorting_key(self, entry):
        authors = " ".join(str(person) for person in entry.persons.get("author", []))
        return (sort_key(authors), entry.fields.get("year", ""), sort_key(entry.fields.get("title", "")))


def setup(app):
    pybtex.plugin.register_plugin("pybtex.style.sorting", "pinyin", PinyinSortingStyle, force=True)
    app.connect("doctree-read", order_glossaries)
    app.connect("html-page-context", order_index)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
