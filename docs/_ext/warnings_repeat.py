"""A build that warned saves no environment, so that the next build reads every page again
and repeats the warning until its cause is fixed.

Sphinx saves what it has read even when a page warned, and the next build reads only pages
that changed since. With -W a refused page (raw HTML, an empty diagram) then failed the first
build and passed the second, published, at exit 0. Forgetting the environment costs one full
read, and only after a warning."""

import logging
from pathlib import Path

from sphinx.application import ENV_PICKLE_FILENAME
from sphinx.util.logging import NAMESPACE, is_suppressed_warning


class Warnings(logging.Handler):
    """Counts the warnings and errors that Sphinx shows (suppress_warnings left out)."""

    def __init__(self, suppressed: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.suppressed, self.count = suppressed, 0

    def emit(self, record: logging.LogRecord) -> None:
        kind, subkind = getattr(record, "type", None) or "", getattr(record, "subtype", None) or ""
        if not is_suppressed_warning(kind, subkind, self.suppressed):
            self.count += 1


def count_warnings(app) -> None:
    app.site_warnings = Warnings(app.config.suppress_warnings)
    logging.getLogger(NAMESPACE).addHandler(app.site_warnings)


def forget_what_was_read(app, exception) -> None:
    logging.getLogger(NAMESPACE).removeHandler(app.site_warnings)
    if exception is not None or app.site_warnings.count:
        (Path(app.doctreedir) / ENV_PICKLE_FILENAME).unlink(missing_ok=True)


def setup(app):
    app.connect("builder-inited", count_warnings)
    app.connect("build-finished", forget_what_was_read, priority=900)  # after the others
    return {"parallel_read_safe": True, "parallel_write_safe": True}
