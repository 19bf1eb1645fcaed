"""Data files both ends read: the operator prefix table and the demo price list."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

OPERATORS = "operators.json"
DEMO_CATALOG = "demo_catalog.json"


def load_json(name: str) -> Any:
    """One of this package's JSON files, parsed."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
