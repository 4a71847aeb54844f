"""Serve Mermaid from the site's own ``_static`` folder, and name Furo's landmarks.

npm installs the pinned Mermaid (package.json, package-lock.json) into
node_modules/; this extension checks it is there at the pinned version and
copies the ES-module build (``mermaid.esm.min.mjs`` and its ``chunks/``) into
``_static/mermaid/`` of every HTML build. Mermaid itself is never committed.
"""

import functools
import json
import os
import re
import shutil
from pathlib import Path

from sphinx.errors import ConfigError, ExtensionError
from sphinxcontrib.mermaid import mermaid as MermaidNode

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "node_modules" / "mermaid" / "dist"
HOW_TO_FIX = "Run `npm ci` in {root} (or build with `nox -s docs`, which does it for you)."


def installed_version() -> str | None:
    manifest = DIST.parent / "package.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text())["version"]


def check_mermaid_installed(app, config) -> None:
    found = installed_version()
    if found != config.mermaid_version:
        what = f"Mermaid {found} is" if found else "Mermaid is not"
        raise ConfigError(
            f"{what} installed in {DIST.parent}, but package.json pins "
            f"{config.mermaid_version}. " + HOW_TO_FIX.format(root=ROOT)
        )


def copy_mermaid(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mermaid"
    shutil.rmtree(target, ignore_errors=True)
    (target / "chunks").mkdir(parents=True)
    shutil.copy2(DIST / "mermaid.esm.min.mjs", target)
    shutil.copy2(DIST.parent / "LICENSE", target / "LICENSE.txt")
    shutil.copytree(
        DIST / "chunks" / "mermaid.esm.min",
        target / "chunks" / "mermaid.esm.min",
        ignore=shutil.ignore_patterns("*.map"),
    )


def skip_mermaid_without_diagrams(app, pagename, templatename, context, doctree) -> None:
    """sphinxcontrib-mermaid loads Mermaid on every page that has no doctree (search,
    genindex, 404): about 200 KiB a reader does not need there."""
    if doctree is None:
        context["script_files"][:] = [
            js for js in context["script_files"] if "import mermaid" not in js.attributes.get("body", "")
        ]


# Mermaid is an ES module that imports ~20 chunks, then the chunk for each kind of diagram
# on the page, and that chunk imports more: a waterfall of requests before anything is
# drawn. <link rel="modulepreload"> for the whole graph lets the browser fetch it at once.
STATIC_IMPORT = re.compile(r'(?:^|;)\s*(?:import|export)\s*(?:[^"\';]*?from\s*)?"(\./[^"]+\.mjs)"')
DIAGRAM_CHUNKS = {  # first word of a diagram -> file name prefixes of the chunks that draw it
    "flowchart": ("flowDiagram-", "dagre-"),
    "graph": ("flowDiagram-", "dagre-"),
    "timeline": ("timeline-definition-",),
}


@functools.cache
def module_graph(*entries: Path) -> list[Path]:
    seen, todo = [], list(entries)
    while todo:
        module = todo.pop(0)
        if module in seen:
            continue
        seen.append(module)
        imports = STATIC_IMPORT.findall(module.read_text(encoding="utf-8"))
        todo += [Path(os.path.normpath(module.parent / name)) for name in imports]
    return seen


def preload_mermaid(app, pagename, templatename, context, doctree) -> None:
    if doctree is None:
        return
    kinds = {
        node["code"].split(maxsplit=1)[0] for node in doctree.findall(MermaidNode) if node["code"].strip()
    }
    if not kinds:
        return
    chunks = DIST / "chunks" / "mermaid.esm.min"
    entries = [DIST / "mermaid.esm.min.mjs"] + sorted(
        path
        for kind in kinds
        for prefix in DIAGRAM_CHUNKS.get(kind, ())
        for path in chunks.glob(prefix + "*.mjs")
    )
    links = [
        '<link rel="modulepreload" href="{}">'.format(
            context["pathto"]("_static/mermaid/" + module.relative_to(DIST).as_posix(), resource=True)
        )
        for module in module_graph(*entries)
    ]
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links)


# Furo's page template has two unnamed <aside> landmarks and puts the page's icon
# buttons outside any landmark; screen readers list them as "complementary" twice.
LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="Site navigation">',
    '<aside class="toc-drawer': '<aside aria-label="On this page" class="toc-drawer',
    '<div class="content-icon-container">': '<div class="content-icon-container" role="region" '
    'aria-label="Page tools">',
}


def label_landmarks(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if 'class="sidebar-drawer"' not in html or 'aria-label="Site navigation"' in html:
            continue
        for furo, named in LANDMARKS.items():
            if furo not in html:
                raise ExtensionError(f"{page}: Furo's markup changed, {furo!r} not found: update LANDMARKS")
            html = html.replace(furo, named, 1)
        page.write_text(html, encoding="utf-8")


def setup(app):
    app.connect("config-inited", check_mermaid_installed)
    app.connect("html-page-context", skip_mermaid_without_diagrams, priority=900)
    app.connect("html-page-context", preload_mermaid)
    app.connect("build-finished", copy_mermaid)
    app.connect("build-finished", label_landmarks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
