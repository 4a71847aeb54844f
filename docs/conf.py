"""Sphinx settings for the Alibaba–FAW alliance site.

Build it with ``nox -s docs`` (see README.md). Every setting lives here; the
Mermaid version lives in package.json and the dependency versions in
pyproject.toml.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

DOCS = Path(__file__).parent
ROOT = DOCS.parent
sys.path[:0] = [str(DOCS / "_ext"), str(ROOT)]  # the site's extensions, and tools/ they share

# -- Project ------------------------------------------------------------------
project = "The Alibaba–FAW alliance"
author = "The Alibaba–FAW alliance site maintainers"
copyright = "2026, the site's maintainers"
language = "en"

# -- Build --------------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinxcontrib.mermaid",
    "sphinxcontrib.bibtex",
    "bibliography_speedups",  # docs/_ext: the same bibliography, without pybtex's repeated work
    "sphinxext.opengraph",
    "notfound.extension",
    "sphinx_last_updated_by_git",
    # docs/_ext, one concern each:
    "diagram_svg",  # draws the {mermaid} diagrams as inline SVG when the site is built
    "furo_landmarks",  # names the landmarks of Furo's page template
    "content_security_policy",  # a strict CSP <meta> on every page
    "unused_static",  # leaves out of _static what no page uses
]
exclude_patterns = ["_build"]
templates_path = ["_templates"]
nitpicky = True
root_doc = "index"
# A copy outside git (a downloaded archive) still builds, only without "last updated" dates.
suppress_warnings = ["git.subprocess_error"]

# -- MyST ---------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
myst_heading_anchors = 3

# -- Sources: one registry, cited as footnotes on each page ---------------------
bibtex_bibfiles = ["sources.bib"]
bibtex_default_style = "unsrt"
bibtex_reference_style = "label"

# -- Diagrams: drawn by the Mermaid in package.json when the site is built -------
# Drawings are cached here, by content, outside the published site: a build in which
# no diagram changed needs no browser. Delete the folder to draw everything again.
diagram_cache_dir = str(DOCS / "_build" / "diagram-cache")

# -- Where the site is published ------------------------------------------------
# Set by the publishing workflow (or Read the Docs); empty for a local build.
html_baseurl = os.environ.get("SITE_BASE_URL") or os.environ.get("READTHEDOCS_CANONICAL_URL", "")
# The repository behind the "edit this page" links: $SITE_REPOSITORY, else a GitHub origin.
_origin = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True)
SITE_REPOSITORY = os.environ.get("SITE_REPOSITORY") or (
    _origin.stdout.strip().removesuffix(".git") if _origin.stdout.startswith("https://github.com/") else ""
)

# -- HTML ---------------------------------------------------------------------
html_theme = "furo"
html_title = "The Alibaba–FAW alliance"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = "%Y-%m-%d"  # from each page's last git commit
html_theme_options = {
    "navigation_with_keys": True,
    "top_of_page_buttons": ["edit"] if SITE_REPOSITORY else [],
}
if SITE_REPOSITORY:
    html_theme_options |= {
        "source_repository": SITE_REPOSITORY + "/",
        "source_branch": "main",
        "source_directory": "docs/",
    }

# -- Findable and shareable -------------------------------------------------------
if html_baseurl:  # a sitemap needs absolute addresses
    extensions.append("sphinx_sitemap")
sitemap_url_scheme = "{link}"
ogp_site_url = html_baseurl
ogp_site_name = html_title
ogp_image = "_static/social-preview.png"
ogp_image_alt = "The Alibaba–FAW alliance: who agreed what, and when"
ogp_social_cards = {"enable": False}  # one fixed picture instead (tools/social_preview.py)
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image">']
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"  # 404 page works at any depth

# -- Link check (nox -s linkcheck) ----------------------------------------------
linkcheck_timeout = 20
linkcheck_retries = 3
linkcheck_workers = 5
linkcheck_report_timeouts_as_broken = True
