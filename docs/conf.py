"""Sphinx settings for the Alibaba–FAW alliance site.

Build it with ``nox -s docs`` (see README.md). Every setting lives here; the
versions of Mermaid and of the fonts diagrams are drawn with live in package.json,
and the Python dependencies' in pyproject.toml.
"""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))  # the site's own extensions

import editions  # noqa: E402  (docs/_ext/editions.py: the editions and their folders)

# sphinxext-opengraph 0.13 prints "matplotlib is not installed, social cards will not be
# generated" when imported: this site turns social cards off (ogp_social_cards below).
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: E402, F401

# -- Project ------------------------------------------------------------------
project = "The Alibaba–FAW alliance"
author = "The Alibaba–FAW alliance site maintainers"
copyright = "2026, the site's maintainers"

# -- Build --------------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinxcontrib.mermaid",
    "sphinxcontrib.bibtex",
    "bibliography_speedups",  # docs/_ext: the same bibliography, without pybtex's repeated work
    "bibliography_translations",  # docs/_ext: what the site says of each source, in the edition's language
    "chinese_references",  # docs/_ext: source lists with Chinese punctuation (the zh_plain style)
    "pinyin_order",  # docs/_ext: the Chinese glossary, index and sources in pinyin order
    "sphinxext.opengraph",
    "page_descriptions",  # docs/_ext: link-preview descriptions without footnote numbers
    "notfound.extension",
    "sphinx_last_updated_by_git",
    "sphinx_mermaid_svg",  # ext/sphinx_mermaid_svg: the {mermaid} diagrams as inline SVG
    # docs/_ext, one concern each:
    "untrusted_input",  # no raw HTML or file inclusion; catalogs and sources.bib checked first
    "translation_status",  # names the pages whose translation shows English, and the fix
    "finished_pages",  # one pass over each written page: Furo's markup, the CSP, a check
    "site_editions",  # the English and Chinese editions: switcher, alternates, sitemap
    "epub_edition",  # the EPUB of each edition (sphinx-build -b epub), as epubcheck wants it
    "print_edition",  # the PDF of each edition, printed by Chromium where one is found
    "downloads",  # the sidebar's downloads: the PDF, the EPUB, this page's citation files
    "structured_data",  # each page's schema.org JSON-LD: article, sources cited, timeline events
    "warnings_repeat",  # a build that warned keeps nothing it read: the next one warns again
    "garbage_collection",  # Python's collector spared the objects that last the whole build
]
exclude_patterns = ["_build"]
templates_path = ["_templates"]
nitpicky = True
root_doc = "index"
# A copy outside git (a downloaded archive) still builds, only without "last updated" dates.
suppress_warnings = ["git.subprocess_error"]
# A page not yet committed has no date (rather than the date of a file it includes).
git_untracked_check_dependencies = False

# Curly quotes and ellipses, but no dashes from "--": the pages write their own dashes, and
# a source's address shown as text (tellerreport.com's "...20--of...") must stay as it is.
smartquotes_action = "qe"

# -- MyST ---------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
myst_heading_anchors = 3

# -- Sources: one registry, cited as footnotes on each page ---------------------
bibtex_bibfiles = ["sources.bib"]
# pybtex's plain, each entry formatted once (docs/_ext/bibliography_speedups.py): footnotes in
# the order cited, the list of all sources sorted by author. The Chinese edition uses
# zh_plain (docs/_ext/chinese_references.py), in pinyin order.
bibtex_default_style = "site-plain"
bibtex_reference_style = "label"

# -- Diagrams: drawn once by the Mermaid in package.json, kept in diagrams/drawings/ ---
# The build reads the committed drawings and needs no browser. `nox -s diagrams` draws
# what a new or changed diagram lacks (and `nox -s serve` as you edit): commit the files.
mermaid_svg_drawings = "../diagrams/drawings"
mermaid_svg_node_modules = "../node_modules"
mermaid_svg_draw = False  # on with -D mermaid_svg_draw=1, as those two sessions do
mermaid_svg_draw_command = "`nox -s diagrams`"
mermaid_svg_stylesheet = ""  # _static/custom.css styles the diagrams for Furo

# -- Editions: English, the source, and the translations in docs/locales ---------
# `nox -s docs` builds every edition into one site: English at its root, Simplified
# Chinese in zh-cn/ (docs/_ext/editions.py). `nox -s translations` brings the catalogs
# (docs/locales/zh_CN/LC_MESSAGES/*.po) in step after an English edit.
language = "en"  # the edition being built: sphinx-build -D language=zh_CN for Chinese
locale_dirs = ["locales"]
gettext_compact = False  # one catalog per page
gettext_location = False  # no "file:line" comments: they would change with every edit
# What differs from one edition to another besides the pages' text (docs/_ext/site_editions.py).
site_edition_settings = {
    "en": {
        "html_title": "The Alibaba–FAW alliance",
        "html_last_updated_fmt": "%Y-%m-%d",  # from each page's last git commit
        "ogp_image_alt": "The Alibaba–FAW alliance: who agreed what, and when",
        "epub_description": "Who agreed what, and when: the alliance of Alibaba Group and China FAW Group.",
        "mermaid_svg_zoom_text": "Open this diagram on its own, to zoom in",
        # The 404 page's heading is its title; the root edition's also carries the others' text.
        "notfound_context": {
            "title": "Page not found",
            "body": 'There is no page at this address. Start again from <a href="{home}">the home page</a>, '
            'or <a href="{search}">search the site</a>.',
        },
    },
    "zh_CN": {
        "project": "阿里巴巴与中国一汽的战略合作",
        "author": "本站维护者",  # in the PDF's, the EPUB's and the citations' metadata
        "copyright": "2026，本站维护者",
        "html_title": "阿里巴巴与中国一汽的战略合作",
        "html_last_updated_fmt": "%Y年%-m月%-d日",
        # The site's names and terms, so that search finds 斑马网络 as well as 斑马 (jieba
        # keeps its own dictionary; Sphinx's default loads it a second time, for 3 s a build).
        "html_search_options": {"dict": str(DOCS / "locales" / "zh_CN" / "search-words.txt")},
        "bibtex_default_style": "zh_plain",
        "ogp_image": "_static/social-preview-zh-cn.png",  # tools/social_preview.py draws both
        "ogp_image_alt": "阿里巴巴与中国一汽的战略合作：谁在何时达成了什么协议",
        "epub_description": "谁在何时达成了什么协议：阿里巴巴集团与中国一汽的战略合作。",
        "mermaid_svg_zoom_text": "在新页面中打开此图（可放大）",
        "notfound_context": {
            "title": "未找到页面",
            "body": '您访问的页面不存在。请返回<a href="{home}">首页</a>，'
            '或<a href="{search}">在本站搜索</a>。',
        },
    },
}

# -- Where the site is published ------------------------------------------------
# The site's root address: canonical links, the sitemap, link previews and the 404 page
# derive from it. Set by the publishing workflow; empty for a local build.
site_root_url = os.environ.get("SITE_BASE_URL", "")
site_editions = {lang: editions.folder(lang) for lang in editions.languages()}  # folder under the root
if os.environ.get("READTHEDOCS"):  # one project per language, at /en/latest/, /zh-cn/latest/ ...
    _version = os.environ.get("READTHEDOCS_VERSION", "latest")
    site_editions = {lang: f"{editions.hreflang(lang).lower()}/{_version}/" for lang in site_editions}
    _here = f"{os.environ.get('READTHEDOCS_LANGUAGE', 'en')}/{_version}/"
    site_root_url = os.environ.get("READTHEDOCS_CANONICAL_URL", "").removesuffix(_here)
# The repository behind the "edit this page" links: $SITE_REPOSITORY, else a GitHub origin.
_origin = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True)
SITE_REPOSITORY = os.environ.get("SITE_REPOSITORY") or (
    _origin.stdout.strip().removesuffix(".git") if _origin.stdout.startswith("https://github.com/") else ""
)

# -- HTML ---------------------------------------------------------------------
html_theme = "furo"
html_static_path = ["_static"]
html_css_files = [
    ("custom.css", {"priority": 800})
]  # as Sphinx stores it: else every build says the settings changed
html_favicon = "_static/favicon.svg"
html_copy_source = False  # no page links _sources/, and a refused page's text stayed there
# The Content-Security-Policy (docs/_ext/finished_pages.py) runs these inline scripts and no
# other: a new Furo whose theme script differs fails the build, naming the page.
content_security_policy_scripts = [
    "'sha256-ySvT2PEZeueHGC1y2crNuNTfphBynFPP7i+U21fEgX0='",  # Furo 2025.12.19: the theme, before paint
]
# Furo's sidebar, with the downloads (_templates/sidebar/downloads.html) after the pages.
html_sidebars = {
    "**": [
        "sidebar/brand.html", "sidebar/search.html", "sidebar/scroll-start.html", "sidebar/navigation.html",
        "sidebar/downloads.html", "sidebar/ethical-ads.html", "sidebar/scroll-end.html",
    ]
}  # fmt: skip
html_theme_options = {
    "navigation_with_keys": True,
    # The edit button's template carries the language switcher too (_templates/components/).
    "top_of_page_buttons": ["edit"],
}
if SITE_REPOSITORY:
    html_theme_options |= {
        "source_repository": SITE_REPOSITORY + "/",
        "source_branch": "main",
        "source_directory": "docs/",  # Chinese pages: their catalog in docs/locales (site_editions)
    }

# -- Findable and shareable -------------------------------------------------------
# html_baseurl, ogp_site_url and notfound_urls_prefix are set for each edition from
# site_root_url and site_editions; the sitemap of every edition is written by site_editions.
ogp_image = "_static/social-preview.png"
ogp_social_cards = {"enable": False}  # one fixed picture instead (tools/social_preview.py)
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image">']
# What every page is about, in its JSON-LD (docs/_ext/structured_data.py), named per edition.
site_organisations = [
    {"en": "Alibaba Group", "zh_CN": "阿里巴巴集团"},
    {"en": "China FAW Group", "zh_CN": "中国第一汽车集团有限公司"},
]

# -- Link check (nox -s linkcheck) ----------------------------------------------
linkcheck_timeout = 20
linkcheck_retries = 3
linkcheck_workers = 5
linkcheck_report_timeouts_as_broken = True

# -- Downloads: the PDF and the EPUB of each edition, beside its pages -------------
# NAME-LANGUAGE.pdf and .epub (alibaba-faw-alliance-zh-CN.epub); editions.py builds the EPUB.
site_download_name = "alibaba-faw-alliance"
version = release = "2026.11"  # the book's version (ibooks:version); pyproject.toml's
# The PDF needs Playwright, a Chromium and the pinned fonts; without them the build says so in
# one line and leaves it out. SITE_PDF=0 leaves it out on purpose (the tests that do not read it).
print_edition_pdf = os.environ.get("SITE_PDF") != "0"
epub_theme = "epub"  # Sphinx's own: Furo is for the web
epub_css_files = ["epub-book.css"]  # instead of html_css_files (custom.css is Furo's companion)
epub_show_urls = "no"  # the citations show their sources already
epub_use_index = False
epub_tocdepth = 2
epub_tocscope = "includehidden"  # the pages are in index.md's hidden toctree
