"""Sphinx settings for the Alibaba–FAW alliance site.

Build it with ``nox -s docs`` (see README.md). Every setting lives here; the
Mermaid version lives in package.json and the dependency versions in
pyproject.toml.
"""

import json
import os
import sys
from pathlib import Path

DOCS = Path(__file__).parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

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
    "site_assets",  # docs/_ext: serves Mermaid from _static, checks it is installed
]
exclude_patterns = ["_build"]
nitpicky = True
root_doc = "index"

# -- MyST ---------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
myst_heading_anchors = 3

# -- Sources: one registry, cited as footnotes on each page ---------------------
bibtex_bibfiles = ["sources.bib"]
bibtex_default_style = "unsrt"
bibtex_reference_style = "label"

# -- Mermaid: self-hosted, drawn in the browser, following Furo's theme --------
mermaid_version = json.loads((ROOT / "package.json").read_text())["dependencies"]["mermaid"]
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"  # copied into _static by site_assets
mermaid_output_format = "raw"
mermaid_light_theme = "default"
mermaid_dark_theme = "dark"
mermaid_height = "auto"  # size each diagram to its content, not a fixed 500 px box
mermaid_fullscreen = True
mermaid_fullscreen_button = ""  # the icon comes from custom.css: "⛶" has no glyph in common fonts
mermaid_fullscreen_button_opacity = "100"

# -- HTML ---------------------------------------------------------------------
html_theme = "furo"
html_title = "The Alibaba–FAW alliance"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_favicon = "_static/favicon.svg"
# The public address, set by the publishing workflow (or Read the Docs); empty for local builds.
html_baseurl = os.environ.get("SITE_BASE_URL") or os.environ.get("READTHEDOCS_CANONICAL_URL", "")
html_last_updated_fmt = None
html_theme_options = {
    "navigation_with_keys": True,
}

# -- Link check (nox -s linkcheck) ----------------------------------------------
linkcheck_timeout = 20
linkcheck_retries = 3
linkcheck_workers = 5
linkcheck_report_timeouts_as_broken = True
