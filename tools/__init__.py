"""Maintainer tools used by the nox sessions and the tests (not part of the site)."""
