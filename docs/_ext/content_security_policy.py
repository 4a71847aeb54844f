"""A strict Content-Security-Policy on every page, as a ``<meta http-equiv>``.

Scripts may come only from the site itself, plus the inline scripts the theme
writes into each page, allowed one by one by their SHA-256 hashes (so an injected
inline script is refused too). Styles may be inline: the diagrams' SVG carries
its own ``<style>``. The policy goes first in ``<head>`` (after the charset) so that it covers
everything after it.
"""

import base64
import hashlib
import re
from pathlib import Path

HEAD = re.compile(r'<head>(\s*<meta charset="[^"]*">)?')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def policy_for(html: str) -> str:
    digests = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            for body in INLINE_SCRIPT.findall(html)
        }
    )
    return POLICY.format(hashes=" ".join(digests)).replace("  ", " ")


def add_policy(app, exception) -> None:
    if exception or app.builder.format != "html" or not app.config.content_security_policy:
        return
    for page in Path(app.outdir).glob("*.html"):  # the site's pages are flat; zh-cn/ is another edition
        text = page.read_text(encoding="utf-8")
        head = HEAD.search(text)
        if "Content-Security-Policy" in text or not head:
            continue
        meta = f'\n  <meta http-equiv="Content-Security-Policy" content="{policy_for(text)}">'
        page.write_text(text[: head.end()] + meta + text[head.end() :], encoding="utf-8")


def setup(app):
    # Off only for `nox -s serve`: sphinx-autobuild injects an inline live-reload script.
    app.add_config_value("content_security_policy", True, "html", types=[bool])
    # After the other build-finished handlers, which may still change the pages.
    app.connect("build-finished", add_policy, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
