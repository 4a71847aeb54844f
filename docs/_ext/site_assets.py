"""Serve Mermaid from the site's own ``_static`` folder.

npm installs the pinned Mermaid (package.json, package-lock.json) into
node_modules/; this extension checks it is there at the pinned version and
copies the ES-module build (``mermaid.esm.min.mjs`` and its ``chunks/``) into
``_static/mermaid/`` of every HTML build. Mermaid itself is never committed.
"""

import json
import shutil
from pathlib import Path

from sphinx.errors import ConfigError

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


def setup(app):
    app.connect("config-inited", check_mermaid_installed)
    app.connect("build-finished", copy_mermaid)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
