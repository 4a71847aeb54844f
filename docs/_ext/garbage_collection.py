"""Keep Python's garbage collector off the objects that last as long as the build.

Python's cyclic collector, every so often, walks every object it tracks, looking for
groups that only refer to each other. Most of what a Sphinx build holds lives until the
process ends: the modules, the settings, a rebuild's saved environment and, at the end,
everything the build made. The collector walked all of it again and again, and once more
on the way out, when the operating system is about to take the memory back anyway: about
a fifth of this site's build time on the project's 2-core machines: 0.27 s of a 1.37 s
full build, 0.13 s of a 0.77 s rebuild after a one-page edit.

``gc.freeze()`` moves every object alive at that moment to a generation the collector
skips. Frozen objects are still freed as soon as nothing refers to them; only groups of
objects that refer to each other wait. So the build freezes what exists once its
extensions and saved environment are loaded, and again when it has finished, just before
the process ends. A process that builds a second time (the tests do) first gives the
earlier build's objects back to the collector; a fork of it (each rebuild of ``nox -s
serve``) does not: it ends as soon as it has built.
"""

import gc
import os

_frozen_in = None  # the process that last froze objects here


def freeze() -> None:
    global _frozen_in
    gc.freeze()
    _frozen_in = os.getpid()


def freeze_what_lasts(app) -> None:
    # An earlier build in this process: let its leftovers go. (A fork of a process that
    # built, as `nox -s serve` runs each rebuild, leaves that to the process it came from.)
    if _frozen_in == os.getpid():
        gc.unfreeze()
        gc.collect()
    freeze()


def freeze_for_exit(app, exception) -> None:
    freeze()


def setup(app):
    app.connect("builder-inited", freeze_what_lasts, priority=900)  # after the others have loaded
    app.connect("build-finished", freeze_for_exit, priority=900)  # after the others have written
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
