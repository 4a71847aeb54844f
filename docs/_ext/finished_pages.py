"""The one pass over the pages a build writes (at build-finished), in this order:

1. **Furo's markup, finished.** Furo writes two unnamed ``<aside>`` landmarks, which screen
   readers both announce as "complementary", puts its page buttons outside any landmark, and
   writes its buttons' labels and the footer's possessive into its templates in English. Each
   change below must find the markup it expects, or the build fails saying so: a new Furo
   changed it, and FURO needs updating.
2. **A fixed Content-Security-Policy**, as the first ``<meta>`` of ``<head>``: scripts only
   from the site itself, and the inline scripts listed by their hashes in conf.py
   (``content_security_policy_scripts``), never hashes computed from the output.
3. **What no page of this site may carry**, whoever wrote it (a page, a catalog, a drawing, a
   template), found by parsing the page with lxml: an inline script that is not listed, an
   event-handler attribute, a ``javascript:``, ``data:`` or ``vbscript:`` URL, a ``<meta
   http-equiv="refresh">``, an ``<iframe>``, ``<object>``, ``<embed>``, ``<frame>`` or ``<base>``,
   and any resource or resource hint loaded from another host. Each is an error naming the
   page and the source it came from, and is taken out of the written page.
4. **Static files no page uses**, which Sphinx and Furo copy into every site's ``_static``
   (stemmers, ``basic.css``, Furo's ``debug.css`` ...), are removed. A page the build did not
   rewrite is read for this only.
"""

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from sphinx.locale import get_translation
from sphinx.util import logging

_ = get_translation("site")
logger = logging.getLogger(__name__)

# 1. Furo's markup: what Furo writes, and what this site makes of it ({site} ... are
# translated names). Every key must be found on every page.
FURO = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="{site}">',
    '<aside class="toc-drawer': '<aside aria-label="{page}" class="toc-drawer',
    '<div class="content-icon-container">': (
        '<div class="content-icon-container" role="region" aria-label="{tools}">'
    ),
    "@pradyunsg</a>'s": "@pradyunsg</a>{possessive}",  # the footer's "@pradyunsg's Furo"
}
FURO_LABELS = (  # written in English into Furo's templates
    "Toggle Light / Dark / Auto color theme",
    "Toggle site navigation sidebar",
    "Toggle table of contents sidebar",
)

# 2. The policy. Styles may be inline: the drawings carry their own <style>.
HEAD = re.compile(r'<head>(\s*<meta charset="[^"]*">)?')
POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)

# 3. What a page may not carry.
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "background", "cite", "xlink:href"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
LOADED_BY = {  # element -> the attributes whose URL the browser fetches as the page loads
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}
RESOURCE_LINKS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload",
                  "prerender", "manifest", "apple-touch-icon"}  # fmt: skip
STYLE_LOADS = re.compile(r"@import|url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)

# 4. Files that name the static files they use.
NAMED_IN = {".html", ".css", ".js", ".xml", ".svg", ".txt"}


def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def is_local(url: str) -> bool:
    """A URL on this site: relative, or a path on the same host."""
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc


def problems(page: Any, allowed_scripts: set[str]) -> list[tuple[Any, str]]:
    """(element, what is wrong with it) for everything in a parsed page no page may carry."""
    found: list[tuple[Any, str]] = []
    element: Any
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = element.tag.lower().rpartition(":")[2]
        if tag in FORBIDDEN_ELEMENTS:
            found.append((element, f"a <{tag}> element"))
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append((element, "a <meta http-equiv=refresh> (it sends the reader elsewhere)"))
        if tag == "script" and element.get("src") is None:
            body = element.text or ""
            if element.get("type") == "application/ld+json":
                try:
                    json.loads(body)
                except ValueError:
                    found.append((element, "a JSON-LD block that is not JSON"))
            elif script_hash(body) not in allowed_scripts:
                found.append(
                    (
                        element,
                        f"an inline script not listed in content_security_policy_scripts: {body[:60]!r}",
                    )
                )
        if tag == "style" and STYLE_LOADS.search(element.text or ""):
            found.append((element, "a stylesheet that loads from elsewhere"))
        for key, value in element.attrib.items():
            name = str(key).lower()
            if name.startswith("on"):
                found.append((element, f"an event handler ({name}) on <{tag}>"))
            elif name in URL_ATTRIBUTES and value.strip().lower().startswith(BAD_SCHEMES):
                found.append((element, f"a {value.strip()[:20]}... URL in <{tag} {name}>"))
            elif name == "style" and STYLE_LOADS.search(value):
                found.append((element, f"a style on <{tag}> that loads from elsewhere"))
        loaded = list(LOADED_BY.get(tag, ()))
        if tag == "link" and RESOURCE_LINKS & set(element.get("rel", "").lower().split()):
            loaded.append("href")
        for name in loaded:
            for url in re.split(r",\s*", element.get(name) or ""):
                url = url.strip().split(" ")[0]
                if url and not is_local(url):
                    found.append((element, f"<{tag} {name}> loads {url[:60]} from another host"))
    return found


class Pages:
    """The edition's written pages, and what the pass needs to know about the build."""

    def __init__(self, app) -> None:
        self.app = app
        self.written: dict[str, Path] = {}  # page -> its file, for the pages written by this build
        self.allowed_scripts = set(app.config.content_security_policy_scripts)

    def source_of(self, pagename: str) -> str:
        """The file a page's content comes from: the page, and its catalog in a translation."""
        env, project = self.app.env, Path(self.app.srcdir).parent
        if pagename not in env.found_docs:
            return "Sphinx's or Furo's templates (docs/_templates overrides them)"
        page = Path(env.doc2path(pagename)).relative_to(project)
        if self.app.config.language == "en":
            return str(page)
        catalog = f"docs/locales/{self.app.config.language}/LC_MESSAGES/{pagename}.po"
        return f"{page} or its translation, {catalog}"

    def finish(self, pagename: str, path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        names = {
            "site": _("Site navigation"),
            "page": _("On this page"),
            "tools": _("Page tools"),
            "possessive": _("’s"),
        }
        for furo, ours in FURO.items():
            if furo not in text:
                logger.error(
                    f"{path.name}: Furo's markup changed ({furo!r} not found): update FURO in {__file__}"
                )
            text = text.replace(furo, ours.format(**names), 1)
        for label in FURO_LABELS:
            if f'aria-label="{label}"' not in text:
                logger.error(f"{path.name}: Furo no longer labels a button {label!r}: update FURO_LABELS")
            text = text.replace(f'aria-label="{label}"', f'aria-label="{_(label)}"')
        if self.app.config.content_security_policy:
            hashes = " ".join(sorted(self.allowed_scripts))
            meta = f'\n  <meta http-equiv="Content-Security-Policy" content="{POLICY.format(hashes=hashes)}">'
            head = HEAD.search(text)
            if head:
                text = text[: head.end()] + meta + text[head.end() :]
            else:
                logger.error(f"{path.name}: no <head> to put the Content-Security-Policy in")
        page = lxml.html.document_fromstring(text)
        found = problems(page, self.allowed_scripts)
        for element, what in found:
            logger.error(f"{path.name}: {what}; it came from {self.source_of(pagename)}, and was taken out")
            if element.getparent() is not None:
                element.drop_tree()
        # Only a page in error is written as lxml writes it; any other keeps Furo's bytes.
        return "<!DOCTYPE html>\n" + lxml.html.tostring(page, encoding="unicode") if found else text


def note_page(app, pagename, templatename, context, doctree) -> None:
    if app.builder.name == "html":  # Furo's pages only: the epub builder's format is "html" too
        app.finished_pages.written[pagename] = Path(app.builder.get_outfilename(pagename))


def start(app) -> None:
    app.finished_pages = Pages(app)


def finish_pages(app, exception) -> None:
    if exception or app.builder.name != "html":
        return
    pages: Pages = app.finished_pages
    out = Path(app.outdir)
    names = []
    for pagename, path in pages.written.items():
        text = pages.finish(pagename, path)
        path.write_text(text, encoding="utf-8")
        names.append(text)
    # 4. This edition's files only: another edition (zh-cn/) has its own _static.
    static = out / "_static"
    written = set(pages.written.values())
    for path in [*out.glob("*"), *static.rglob("*"), *(out / "_diagrams").glob("*")]:
        if path.suffix in NAMED_IN and path.is_file() and path not in written:
            names.append(path.read_text(encoding="utf-8", errors="ignore"))
    named = "\n".join(names)
    for path in [path for path in static.rglob("*") if path.is_file()]:
        if path.name not in named:
            path.unlink()


def setup(app):
    # Off only for `nox -s serve`: sphinx-autobuild injects an inline live-reload script.
    app.add_config_value("content_security_policy", True, "html", types=[bool])
    app.add_config_value("content_security_policy_scripts", [], "html", types=[list])
    app.connect("builder-inited", start)
    app.connect("html-page-context", note_page)
    app.connect("build-finished", finish_pages, priority=900)  # after the other extensions' writing
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": False}
