"""Fix Furo's page markup for screen readers, in the page's language.

Furo has two unnamed ``<aside>`` landmarks, which screen readers both list as
"complementary", and puts the page's icon buttons outside any landmark; its
buttons' labels are written into its templates in English. After the build, each
page gets named landmarks, and in a translated edition, translated labels
(the "site" catalog, docs/locales/LANGUAGE/LC_MESSAGES/site.po).
"""

from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.locale import get_translation

_ = get_translation("site")
LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="{site}">',
    '<aside class="toc-drawer': '<aside aria-label="{page}" class="toc-drawer',
    '<div class="content-icon-container">': (
        '<div class="content-icon-container" role="region" aria-label="{tools}">'
    ),
}


def fix_markup(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    names = {"site": _("Site navigation"), "page": _("On this page"), "tools": _("Page tools")}
    possessive = _("’s")
    labels = {
        "Toggle Light / Dark / Auto color theme": _("Toggle Light / Dark / Auto color theme"),
        "Toggle site navigation sidebar": _("Toggle site navigation sidebar"),
        "Toggle table of contents sidebar": _("Toggle table of contents sidebar"),
    }
    for page in Path(app.outdir).glob("*.html"):  # the site's pages are flat; zh-cn/ is another edition
        text = page.read_text(encoding="utf-8")
        if 'class="sidebar-drawer"' not in text or '<aside class="sidebar-drawer" aria-label=' in text:
            continue
        for furo, named in LANDMARKS.items():
            if furo not in text:
                raise ExtensionError(f"{page}: Furo's markup changed, {furo!r} not found: update LANDMARKS")
            text = text.replace(furo, named.format(**names), 1)
        for english, translated in labels.items():
            text = text.replace(f'aria-label="{english}"', f'aria-label="{translated}"')
        # The footer's "@pradyunsg's Furo": the possessive is written into Furo's template.
        text = text.replace("@pradyunsg</a>'s", "@pradyunsg</a>" + str(possessive))
        page.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("build-finished", fix_markup)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
