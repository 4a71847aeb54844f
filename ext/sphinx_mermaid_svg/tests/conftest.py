"""Fixtures: Sphinx's own test fixtures, the test roots in roots/, and the drawing tools.

The tests draw with the Mermaid and fonts installed by npm: $MERMAID_SVG_NODE_MODULES, or
the first node_modules above this folder (the project this package lives in).
"""

import os
from pathlib import Path

import pytest

from sphinx_mermaid_svg.service import ENV_VAR, running

pytest_plugins = ("sphinx.testing.fixtures",)

HERE = Path(__file__).resolve().parent


def _node_modules() -> Path:
    named = os.environ.get("MERMAID_SVG_NODE_MODULES")
    if named:
        return Path(named)
    found = next(
        (folder / "node_modules" for folder in HERE.parents if (folder / "node_modules").is_dir()), None
    )
    if found is None:
        pytest.exit("No node_modules with Mermaid found: run `npm ci` or set MERMAID_SVG_NODE_MODULES.", 1)
    return found


os.environ["MERMAID_SVG_NODE_MODULES"] = str(_node_modules())


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return HERE / "roots"


@pytest.fixture(scope="session", autouse=True)
def renderer():
    """One renderer kept running for every build of the run (the live preview's, service.py):
    each build that draws would otherwise start a browser of its own."""
    with running(warm=Path(os.environ["MERMAID_SVG_NODE_MODULES"])) as address:
        os.environ[ENV_VAR] = address
        yield address
        del os.environ[ENV_VAR]
