"""Name the landmarks of Furo's page template, for screen readers.

Furo has two unnamed ``<aside>`` landmarks, which screen readers both list as
"complementary", and puts the page's icon buttons outside any landmark.
"""

from pathlib import Path

from sphinx.errors import ExtensionError

LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="{site}">',
    '<aside class="toc-drawer': '<aside aria-label="{page}" class="toc-drawer',
    '<div class="content-icon-container">': (
        '<div class="content-icon-container" role="region" aria-label="{tools}">'
    ),
}


def label_landmarks(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    from sphinx.locale import get_translation

    _ = get_translation("site")
    names = {"site": _("Site navigation"), "page": _("On this page"), "tools": _("Page tools")}
    for page in Path(app.outdir).glob("**/*.html"):
        text = page.read_text(encoding="utf-8")
        if 'class="sidebar-drawer"' not in text or '<aside class="sidebar-drawer" aria-label=' in text:
            continue
        for furo, named in LANDMARKS.items():
            if furo not in text:
                raise ExtensionError(f"{page}: Furo's markup changed, {furo!r} not found: update LANDMARKS")
            text = text.replace(furo, named.format(**names), 1)
        page.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("build-finished", label_landmarks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
