"""Data files both ends read: the operator prefix table and the demo price list."""

from __future__ import annotations

import json
from typing import Any

OPERATORS = "operators.json"
DEMO_CATALOG = "demo_catalog.json"


def load_json(name: str) -> Any:
    """One of this package's JSON files, parsed (importlib.resources only when read: it is
    ~1 ms of the desktop app's start, which reads no file from here before its first paint)."""
    from importlib import resources

    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
