"""Leave out of the published site the files in ``_static`` that nothing uses.

Sphinx's basic theme and Furo copy the same files into every site's ``_static``
whether its pages need them or not: JavaScript stemmers, ``basic.css``, Furo's
``debug.css`` and ``skeleton.css``, an empty script. After each HTML build, every
file there that no page, stylesheet, script, sitemap or drawing names is removed.
(The browser tests fail on any request that finds nothing, so a file still needed
cannot go unnoticed.)
"""

from pathlib import Path

NAMED_IN = {".html", ".css", ".js", ".xml", ".svg", ".txt"}


def remove_unused(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    files = [path for path in static.rglob("*") if path.is_file()]
    # This edition's files only: another edition (zh-cn/) has its own _static.
    own = [*out.glob("*"), *static.rglob("*"), *(out / "_diagrams").glob("*")]
    texts = [path.read_text(encoding="utf-8", errors="ignore") for path in own if path.suffix in NAMED_IN]
    names = "\n".join(texts)
    for path in files:
        if path.name not in names:
            path.unlink()


def setup(app):
    app.connect("build-finished", remove_unused, priority=950)  # after the pages' last changes
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
