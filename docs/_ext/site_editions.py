"""The site's editions, English and its translations, published as one site.

Each edition is built on its own (``sphinx-build -D language=zh_CN``) into its folder
under the site's root (``site_editions`` in conf.py; docs/_ext/editions.py). This extension:

- applies the edition's own settings (``site_edition_settings``: title, date format,
  404 text ...) and derives its addresses from ``site_root_url``: canonical links
  (``html_baseurl``), link previews and the 404 page's links;
- gives every page a link to the same page in each other edition, first among Furo's
  page buttons (outside the article, so that search results do not quote it; the
  template docs/_templates/components/edit-this-page.html places it), and
  ``<link rel="alternate" hreflang>`` to every edition plus ``x-default``, and ``og:locale``;
- points a translated page's "edit this page" link at its catalog,
  docs/locales/LANGUAGE/LC_MESSAGES/PAGE.po;
- writes, from the build of the edition at the site's root, one sitemap listing each
  page of every edition with its alternates;
- translates the site's own interface words (the "site" catalog,
  docs/locales/LANGUAGE/LC_MESSAGES/site.po), which no page holds, and lets Sphinx's
  script translations run under the site's Content-Security-Policy;
- makes Chinese search work with Sphinx 9.0 (see chinese_search).
"""

import html
import logging
from pathlib import Path
from urllib.parse import urlsplit

import sphinx
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging as sphinx_logging
from sphinx.util.i18n import CatalogInfo

from editions import SOURCE_LANGUAGE, hreflang

_ = get_translation("site")
logger = sphinx_logging.getLogger(__name__)
NAMES = {"en": "English", "zh_CN": "简体中文"}  # each edition's name, in its own language
OPEN_GRAPH_LOCALES = {"en": "en_GB", "zh_CN": "zh_CN"}  # Open Graph wants language_TERRITORY
LOCALES = Path(__file__).resolve().parents[1] / "locales"


FIXED_CHINESE_STEMMER = (9, 1, 1)  # sphinx-doc/sphinx#14229, fixed by #14416 in Sphinx 9.1.1


def chinese_search():
    """Sphinx 9.0's Chinese search, with a stemmer the browser can find. Sphinx 9.0 writes
    ``window.Stemmer = ChineseStemmer``, naming the class after the language, but Chinese
    search ships the English stemmer's script, so every search failed. Until Sphinx 9.1.1
    this edition gives the script itself, ending as the fix does (tests/test_drawings.py
    fails once the Sphinx in use no longer needs it). Imported only for a Chinese edition:
    it loads jieba."""
    import sphinx.search
    from sphinx.search.zh import SearchChinese

    scripts = Path(sphinx.search.__file__).parent / "minified-js"

    class ChineseSearch(SearchChinese):
        js_stemmer_rawcode = ""  # no file to name the class after: the code below instead
        js_stemmer_code = "\n".join(
            [
                (scripts / "base-stemmer.js").read_text(encoding="utf-8"),
                (scripts / SearchChinese.js_stemmer_rawcode).read_text(encoding="utf-8"),
                "window.Stemmer = EnglishStemmer;",
            ]
        )

    return ChineseSearch


def apply_edition(app, config) -> None:
    language = config.language
    if language not in config.site_editions:
        raise ConfigError(
            f"No edition of the site is in {language!r}: the editions are {sorted(config.site_editions)}. "
            f"A translation needs its catalogs in docs/locales/{language}/LC_MESSAGES/ first."
        )
    for name, value in config.site_edition_settings.get(language, {}).items():
        setattr(config, name, value)
    folder = config.site_editions[language]
    config.html_baseurl = config.site_root_url + folder if config.site_root_url else ""
    config.ogp_site_url = config.html_baseurl
    config.ogp_site_name = config.html_title
    config.notfound_urls_prefix = (urlsplit(config.site_root_url).path or "/") + folder
    config.notfound_context = not_found_page(config)
    if language != SOURCE_LANGUAGE and config.html_theme_options.get("source_directory"):
        config.html_theme_options["source_directory"] = f"docs/locales/{language}/LC_MESSAGES/"


def not_found_page(config) -> dict[str, str]:
    """The 404 page of the edition being built: its title as heading, then its text. A host
    such as GitHub Pages serves the root edition's 404 page at every missing address, zh-cn/
    ones too, so that page also says it in the other editions' languages, with their links.
    The page is shown at any address: its links start from the site's root."""
    root, here = urlsplit(config.site_root_url).path or "/", config.language
    is_root = not config.site_editions[here]
    others = [lang for lang in config.site_editions if lang != here] if is_root else []
    sections = []
    for language in [here, *others]:
        settings = config.site_edition_settings.get(language, {})
        words = settings.get("notfound_context", config.notfound_context)
        prefix = root + config.site_editions[language]
        text = words["body"].format(home=prefix + "index.html", search=prefix + "search.html")
        heading, lang = ("h1", "") if language == here else ("h2", f' lang="{hreflang(language)}"')
        sections.append(f"<section{lang}><{heading}>{words['title']}</{heading}>\n<p>{text}</p></section>")
    return {**config.notfound_context, "body": "\n".join(sections)}


def load_interface_words(app) -> None:
    """Compile site.po (Sphinx compiles the pages' catalogs itself, but only later) and use it."""
    language = app.config.language
    if language != SOURCE_LANGUAGE:  # Sphinx's translations.js evaluates code the CSP forbids
        app.add_js_file("translations-without-eval.js", priority=400)  # after doctools, before it
    if language.startswith("zh"):  # jieba splits Chinese words for search (and chats on stderr)
        try:
            import jieba
        except ImportError:
            logger.warning("jieba is not installed: Chinese search will not find words. Run `nox -s docs`.")
        else:
            jieba.setLogLevel(logging.WARNING)
    catalog = CatalogInfo(str(LOCALES / language / "LC_MESSAGES"), "site", "utf-8")
    if Path(catalog.po_path).is_file():
        if catalog.is_outdated():
            catalog.write_mo(language)
        app.add_message_catalog("site", str(LOCALES))


def address(app, language: str, pagename: str, *, absolute: bool, from_page: str) -> str:
    """The URL of `pagename` in the edition in `language`, absolute or relative to `from_page`."""
    target = app.config.site_editions[language] + pagename + ".html"
    if absolute:
        return (app.config.site_root_url or "/") + target
    here = app.config.site_editions[app.config.language] + from_page
    return "../" * here.count("/") + target


def extract_theme_words(app) -> None:
    """The gettext builder takes interface words from templates_path only: add Furo's
    templates, so that its words that Sphinx's own catalogs lack ("Back to top", "Last
    updated on ...") reach sphinx.pot and can be translated in sphinx.po."""
    if app.builder.name == "gettext":
        import furo

        app.config.templates_path = [
            *app.config.templates_path,
            str(Path(furo.__file__).parent / "theme" / "furo"),
        ]


def link_editions(app, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "html":  # a book (the epub builder's format is "html" too) has no editions
        return
    config, here = app.config, app.config.language
    others = [language for language in config.site_editions if language != here]
    # The 404 page is shown at any address, so its links start from the site's root.
    not_found = pagename == "404"
    if not_found:
        root = urlsplit(config.site_root_url).path or "/"
        links = [root + config.site_editions[lang] + "index.html" for lang in others]
    else:
        links = [address(app, lang, pagename, absolute=False, from_page=pagename) for lang in others]
    switcher = "".join(
        f'<a href="{html.escape(href)}" hreflang="{hreflang(lang)}" lang="{hreflang(lang)}">'
        f"{NAMES.get(lang, lang)}</a>"
        for lang, href in zip(others, links, strict=True)
    )
    label = html.escape(str(_("This page in another language")))
    context["edition_switcher"] = f'<nav class="edition-switcher" aria-label="{label}">{switcher}</nav>'
    if here != SOURCE_LANGUAGE:
        context["page_source_suffix"] = ".po"  # "edit this page" opens the page's catalog

    tags = [
        f'<meta property="og:locale" content="{OPEN_GRAPH_LOCALES.get(here, here)}">',
        *(
            f'<meta property="og:locale:alternate" content="{OPEN_GRAPH_LOCALES.get(lang, lang)}">'
            for lang in others
        ),
    ]
    if not not_found:
        absolute = bool(config.site_root_url)
        alternates = {
            lang: address(app, lang, pagename, absolute=absolute, from_page=pagename)
            for lang in config.site_editions
        }
        alternates["x-default"] = alternates[SOURCE_LANGUAGE]
        tags += [
            f'<link rel="alternate" hreflang="{hreflang(lang)}" href="{html.escape(href)}">'
            for lang, href in alternates.items()
        ]
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
{urls}
</urlset>
"""


def write_sitemap(app, exception) -> None:
    """One sitemap for every edition, from the build of the edition at the site's root."""
    config = app.config
    if exception or app.builder.name != "html" or not config.site_root_url:
        return
    if config.site_editions[config.language] != "":
        return  # an edition in a folder: the root edition's sitemap lists it
    urls = []
    for pagename in sorted(app.env.found_docs):
        pages = {
            lang: address(app, lang, pagename, absolute=True, from_page="") for lang in config.site_editions
        }
        pages["x-default"] = pages[SOURCE_LANGUAGE]
        alternates = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang="{hreflang(lang)}" href="{html.escape(href)}"/>'
            for lang, href in pages.items()
        )
        urls += [
            f"  <url>\n    <loc>{html.escape(href)}</loc>{alternates}\n  </url>"
            for lang, href in pages.items()
            if lang != "x-default"
        ]
    (Path(app.outdir) / "sitemap.xml").write_text(SITEMAP.format(urls="\n".join(urls)), encoding="utf-8")


def setup(app):
    if app.config.language.startswith("zh") and sphinx.version_info < FIXED_CHINESE_STEMMER:
        app.add_search_language(chinese_search())
    app.add_config_value("site_root_url", "", "html", types=[str])
    app.add_config_value("site_editions", {SOURCE_LANGUAGE: ""}, "html", types=[dict])
    app.add_config_value("site_edition_settings", {}, "html", types=[dict])
    app.connect("config-inited", apply_edition, priority=100)  # before the extensions that read them
    app.connect("builder-inited", load_interface_words)
    app.connect("builder-inited", extract_theme_words)
    app.connect("html-page-context", link_editions)
    app.connect("build-finished", write_sitemap)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
