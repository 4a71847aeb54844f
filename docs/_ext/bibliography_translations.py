"""Show the sources in the edition's language, from the one registry (docs/sources.bib).

A source's title stays as it was published, but what the site itself says about a
source is translated: an entry may carry, beside its English fields, the same fields
for a translation, prefixed with the language (``zh_cn_note``, ``zh_cn_howpublished``,
``zh_cn_author`` for the outlet's own name, ``zh_cn_title`` only for a title the site
wrote itself in [brackets]). When that edition is built they take the place of the
English ones, and dates are written as its readers write them (2020年1月).
"""

import re

from pybtex.database import Person

from editions import SOURCE_LANGUAGE

FIELDS = ("author", "title", "howpublished", "note")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def prefix(language: str) -> str:
    return language.lower() + "_"  # zh_CN -> zh_cn_


def translated_fields(entry, language: str) -> dict[str, str]:
    return {
        name: entry.fields[prefix(language) + name]
        for name in FIELDS
        if prefix(language) + name in entry.fields
    }


def chinese_date(entry) -> None:
    month = entry.fields.pop("month", "")
    number = next((n for n, name in enumerate(MONTHS, 1) if month.lower().startswith(name)), None)
    if "year" in entry.fields and not entry.fields["year"].endswith(("年", "月")):
        entry.fields["year"] = f"{entry.fields['year']}年" + (f"{number}月" if number else "")


def use_edition_fields(app) -> None:
    language = app.config.language
    if language == SOURCE_LANGUAGE:
        return
    for entry in app.env.get_domain("cite").bibdata.data.entries.values():
        for name, value in translated_fields(entry, language).items():
            if name == "author":
                entry.persons["author"] = [Person(value)]
            else:
                entry.fields[name] = value
        if language.startswith("zh"):
            chinese_date(entry)


def bracketed(title: str) -> bool:
    """A title the site wrote itself, "[Report on ...]", rather than the source's own."""
    return bool(re.fullmatch(r"\{?\[.*\]\}?", title.strip()))


def setup(app):
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("builder-inited", use_edition_fields, priority=600)  # after the .bib is read
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
