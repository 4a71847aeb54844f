"""Python's garbage collector leaves alone what lasts the whole build (docs/_ext/garbage_collection.py).

The time it saves is measured by `nox -s bench`; these tests fail if the collector is
back to walking every module and the finished site, or if a process that builds twice
keeps the first build's objects forever.
"""

import gc
import weakref
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import DOCS

CONF = f"""
import gc, sys
sys.path.insert(0, {str(DOCS / "_ext")!r})
extensions = ["myst_parser", "garbage_collection"]

def count_alive(app, config):
    app.gc_probe["alive_at_start"] = len(gc.get_objects())

def count_frozen(app, env):
    app.gc_probe["frozen_while_reading"] = gc.get_freeze_count()

def setup(app):
    app.gc_probe = {{}}
    app.connect("config-inited", count_alive)
    app.connect("env-updated", count_frozen)
"""


@pytest.fixture
def small_site(tmp_path) -> Path:
    source = tmp_path / "site"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text("# A page\n\nSome text, with [a link](#a-page).\n", encoding="utf-8")
    return source


@pytest.fixture(autouse=True)
def unfreeze_afterwards():
    yield
    gc.unfreeze()  # the rest of the test run collects as usual


def build(source: Path, out: Path) -> Sphinx:
    warnings = StringIO()
    with docutils_namespace():
        app = Sphinx(source, source, out, out / ".doctrees", "html", status=None, warning=warnings)
        app.build()
    assert app.statuscode == 0, warnings.getvalue()
    return app


def test_the_collector_skips_what_was_loaded_before_reading_and_the_finished_site(small_site, tmp_path):
    app = build(small_site, tmp_path / "out")
    probe = app.gc_probe
    assert probe["alive_at_start"] > 10_000  # the modules Sphinx, MyST and pytest loaded
    # Everything alive once the extensions were loaded is out of the collector's way...
    assert probe["frozen_while_reading"] >= 0.9 * probe["alive_at_start"], probe
    # ... and, once the build has finished, so is everything it made: the process is about
    # to end, and nothing is walked on the way out.
    assert gc.get_freeze_count() > probe["frozen_while_reading"], probe
    assert len(gc.get_objects()) < 0.1 * gc.get_freeze_count()


def test_a_second_build_in_one_process_lets_the_first_builds_objects_go(small_site, tmp_path):
    first = weakref.ref(build(small_site, tmp_path / "first"))
    second = build(small_site, tmp_path / "second")
    assert first() is None, "the first build's application is still in memory after a second build"
    assert second.gc_probe["frozen_while_reading"] > 0
