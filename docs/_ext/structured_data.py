"""Facts machines can read: each page's schema.org description, as JSON-LD in its ``<head>``.

Every page of the site (not the search page, the index or the 404 page) carries one
``<script type="application/ld+json">`` data block: a browser does not run it, so the
Content-Security-Policy has nothing to refuse (finished_pages.py checks that it is JSON).
It says, in the page's language:

- the page as a ``TechArticle``: its headline, language, address, last change (the date of
  its last commit, sphinx-last-updated-by-git), the site it is part of, its author and
  publisher (the site's maintainers, ``author``), and what it is ``about``: the
  organisations of the alliance (``site_organisations`` in conf.py, named in each edition's
  language);
- the sources it cites (its ``{footcite}`` keys, and on the page that lists every source its
  ``{bibliography}``), each a ``CreativeWork`` with its title, author and address, from
  docs/sources.bib as the edition shows it;
- the events of a timeline: each table row whose first cell carries an ``event-DATE`` anchor
  (``[2019-12-27]{#event-2019-12-27}``) is an ``Event``, named by the row's bold words,
  described by the rest, with the anchor's date as its ``startDate``, to the year, the month
  or the day as the table gives it.
"""

import json
import re

from docutils import nodes
from docutils.nodes import make_id

from downloads import last_updated, page_address
from editions import hreflang

EVENT = re.compile(r"^event-(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:-.*)?$")
YEAR = re.compile(r"\d{4}")


def organisations(config) -> list[dict]:
    language = config.language
    found = []
    for names in config.site_organisations:
        name = names.get(language) or names.get("en") or next(iter(names.values()))
        others = [other for other in dict.fromkeys(names.values()) if other != name]
        found.append({"@type": "Organization", "name": name, **({"alternateName": others} if others else {})})
    return found


def cited_keys(app, pagename: str, doctree) -> list[str]:
    """The sources a page cites, in the order it first cites them."""
    domain = app.env.get_domain("cite")
    entries = domain.bibdata.data.entries
    by_name = {make_id(f"footcite-{key}"): key for key in entries}
    keys = [
        by_name[name]
        for footnote in doctree.findall(nodes.footnote)
        for name in footnote["names"]
        if name in by_name
    ]
    keys += [citation.key for citation in domain.citations if citation.bibliography_key.docname == pagename]
    return list(dict.fromkeys(key for key in keys if key in entries))


def work(entry) -> dict:
    """A source, as schema.org describes a creative work."""
    found: dict = {"@type": "CreativeWork", "name": entry.fields.get("title", "").strip("{}")}
    authors = [" ".join(str(person).split()).strip("{}") for person in entry.persons.get("author", [])]
    if authors:
        found["author"] = [{"@type": "Organization", "name": author} for author in authors]
    if entry.fields.get("url"):
        found["url"] = entry.fields["url"]
    year = YEAR.match(entry.fields.get("year", ""))
    if year:
        found["datePublished"] = year[0]
    return found


def without_references(node) -> str:
    """A cell's text without its footnote numbers."""
    copy = node.deepcopy()
    for reference in list(copy.findall(nodes.footnote_reference)):
        reference.parent.remove(reference)
    return " ".join(copy.astext().split())


def events(doctree, address: str) -> list[dict]:
    """Each row of a timeline table whose first cell holds an ``event-DATE`` anchor."""
    found = []
    for row in doctree.findall(nodes.row):
        cells = [cell for cell in row.children if isinstance(cell, nodes.entry)]
        if len(cells) < 2:
            continue
        anchor = next(
            (
                ident
                for node in cells[0].findall(nodes.Element)
                for ident in node["ids"]
                if EVENT.match(ident)
            ),
            None,
        )
        if anchor is None:
            continue
        what = cells[-1]
        name_node = next(iter(what.findall(nodes.strong)), None)
        text = without_references(what)
        name = name_node.astext() if name_node is not None else text
        description = text.removeprefix(name).lstrip(" —–-:：").strip()
        event: dict = {"@type": "Event", "name": name, "startDate": EVENT.sub(r"\1", anchor)}
        if description:
            event["description"] = description
        if address:
            event["@id"] = event["url"] = f"{address}#{anchor}"
        found.append(event)
    return found


def description(app, pagename: str, doctree) -> dict:
    config, env = app.config, app.env
    address = page_address(app, pagename)
    maintainers = {"@type": "Organization", "name": config.author}
    article: dict = {
        "@type": "TechArticle",
        "headline": env.titles[pagename].astext(),
        "inLanguage": hreflang(config.language),
        "author": maintainers,
        "publisher": maintainers,
        "isPartOf": {"@type": "WebSite", "name": config.project},
        "about": organisations(config),
    }
    if address:
        article["@id"] = f"{address}#article"
        article["url"] = article["mainEntityOfPage"] = address
        article["isPartOf"]["url"] = config.html_baseurl
    updated = last_updated(app, pagename)
    if updated:
        article["dateModified"] = updated.isoformat()
    entries = env.get_domain("cite").bibdata.data.entries
    cited = [work(entries[key]) for key in cited_keys(app, pagename, doctree)]
    if cited:
        article["citation"] = cited
    happened = events(doctree, address)
    if happened:
        article["mentions"] = happened
    return {"@context": "https://schema.org", **article}


def data_block(data: dict) -> str:
    # "<" as an escape: no text in the data can close the element or open a comment.
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def add_description(app, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "html" or doctree is None or pagename not in app.env.found_docs:
        return
    context["metatags"] = context.get("metatags", "") + "\n" + data_block(description(app, pagename, doctree))


def setup(app):
    app.add_config_value("site_organisations", [], "html", types=[list])
    app.connect("html-page-context", add_description)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
