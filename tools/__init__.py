"""Command-line tools for maintainers: `python -m tools.NAME` (each module's docstring says what).

They read the site's own modules in docs/_ext (the editions, above all); nothing in docs/
imports from here.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
