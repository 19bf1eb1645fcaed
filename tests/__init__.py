"""The test suite is a package so that ``tests.aids`` imports the same way from pytest,
from ``tools/`` and from ``bench/`` (run from the repository root)."""
