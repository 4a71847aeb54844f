"""What a reader can take away from every page: the edition as a PDF and an EPUB, and the page's
citation. Furo's sidebar shows the links (docs/_templates/sidebar/downloads.html, placed by
``html_sidebars`` in conf.py), in the page's language (the "site" catalog).

- **Download**: the edition's PDF, where this build prints one (print_edition.py decides it
  before any page is written), and its EPUB, where editions.py builds one after the pages
  (``site_epub``). A page never links a file that is not there.
- **Cite this page**: ``_cite/PAGE.bib`` (BibTeX, biblatex's ``@online``) and
  ``_cite/PAGE.json`` (CSL-JSON, what Zotero and citeproc read), written with the page: its
  title, the site's maintainers (``author``) as authors, the site as the container, the
  page's published address (``html_baseurl``; a local build has none, and its citations say
  so), the date of its last commit (sphinx-last-updated-by-git), and an empty ``urldate``
  for the day the reader read it. The page that lists every source (the one with a full
  ``{bibliography}``) also offers docs/sources.bib itself, at the edition's root.

The files are written for the ``html`` builder only: a book has no sidebar.
"""

import datetime
import json
import re
import shutil
from pathlib import Path

from sphinx.locale import get_translation

from editions import hreflang

_ = get_translation("site")
CITE = "_cite"
KEY = re.compile(r"[^A-Za-z0-9_-]+")


def last_updated(app, pagename: str) -> datetime.datetime | None:
    """When the page was last changed, as its footer says it (sphinx-last-updated-by-git)."""
    data = getattr(app.env, "git_last_updated", {}).get(pagename)
    if not data or data[0] is None:
        return None
    utc = datetime.datetime.fromtimestamp(int(data[0]), datetime.UTC)
    return utc.astimezone(app.config.git_last_updated_timezone)


def page_address(app, pagename: str) -> str:
    """The page's published address, or "" for a build that has none."""
    base = app.config.html_baseurl
    return f"{base}{pagename}.html" if base else ""


def bibtex_text(value: str) -> str:
    """A value for a braced BibTeX field: braces kept balanced, LaTeX's specials escaped."""
    return re.sub(r"([{}%&#$_])", r"\\\1", value)


def citation(app, pagename: str) -> dict:
    """The page's citation, in CSL-JSON's terms (also the source of the BibTeX)."""
    config = app.config
    language = hreflang(config.language)
    item: dict = {
        "id": KEY.sub("-", f"{config.site_download_name}-{language}-{pagename}"),
        "type": "webpage",
        "title": app.env.titles[pagename].astext(),
        "author": [{"literal": config.author}],
        "container-title": config.project,
        "language": language,
    }
    address = page_address(app, pagename)
    if address:
        item["URL"] = address
    else:
        item["note"] = str(_("Built locally: this copy has not been published"))
    updated = last_updated(app, pagename)
    if updated:
        item["issued"] = {"date-parts": [[updated.year, updated.month, updated.day]]}
    return item


def bibtex(item: dict) -> str:
    fields = [
        ("title", bibtex_text(item["title"])),
        ("author", "{" + bibtex_text(item["author"][0]["literal"]) + "}"),  # a body, not a person
        ("organization", bibtex_text(item["container-title"])),
        ("langid", item["language"]),
    ]
    if "issued" in item:
        year, month, day = item["issued"]["date-parts"][0]
        fields += [("date", f"{year:04d}-{month:02d}-{day:02d}"), ("year", str(year)), ("month", str(month))]
    if "URL" in item:
        fields.append(("url", item["URL"]))
    else:
        fields.append(("note", bibtex_text(item["note"])))
    fields.append(("urldate", ""))
    lines = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return (
        "% The citation of one page of the site (docs/_ext/downloads.py).\n"
        "% urldate: the day you read the page, as YYYY-MM-DD.\n"
        f"@online{{{item['id']},\n{lines}\n}}\n"
    )


def lists_every_source(app, pagename: str) -> bool:
    """Whether the page holds a full bibliography (sphinxcontrib-bibtex's {bibliography})."""
    domain = app.env.get_domain("cite")
    return any(key.docname == pagename for key in domain.bibliographies)


def write_citation(app, pagename: str) -> list[dict]:
    """Write the page's citation files; the sidebar's links to them."""
    item = citation(app, pagename)
    folder = Path(app.outdir) / CITE
    folder.mkdir(exist_ok=True)
    name = KEY.sub("-", pagename)
    (folder / f"{name}.json").write_text(
        json.dumps([item], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / f"{name}.bib").write_text(bibtex(item), encoding="utf-8")
    links = [
        {"path": f"{CITE}/{name}.bib", "text": "BibTeX", "type": "application/x-bibtex", "download": True},
        {
            "path": f"{CITE}/{name}.json",
            "text": "CSL-JSON",
            "type": "application/vnd.citationstyles.csl+json",
            "download": True,
        },
    ]
    if lists_every_source(app, pagename):  # the registry itself, at the edition's root
        for bibfile in app.config.bibtex_bibfiles:
            shutil.copyfile(Path(app.srcdir) / bibfile, Path(app.outdir) / Path(bibfile).name)
            links.append(
                {
                    "path": Path(bibfile).name,
                    "text": str(_("All sources (BibTeX)")),
                    "type": "application/x-bibtex",
                    "download": True,
                }
            )
    return links


def add_downloads(app, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "html":
        return
    config = app.config
    book = []
    job = getattr(app, "print_edition", None)
    if job is not None:
        book.append({"path": job.file_name, "text": str(_("PDF, every page")), "type": "application/pdf"})
    if config.site_epub:
        name = f"{config.site_download_name}-{hreflang(config.language)}.epub"
        book.append(
            {"path": name, "text": str(_("EPUB e-book")), "type": "application/epub+zip", "download": True}
        )
    groups = []
    if book:
        groups.append({"id": "downloads-edition", "title": str(_("Download")), "links": book})
    if pagename in app.env.found_docs:
        groups.append(
            {
                "id": "downloads-citation",
                "title": str(_("Cite this page")),
                "links": write_citation(app, pagename),
            }
        )
    context["site_downloads"] = groups


def setup(app):
    app.connect("html-page-context", add_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
