"""Printing's own text catalogue (``resources/locale/printing.<lang>.json``).

Kept apart from the app catalogue so printing strings do not collide with other
people's edits. The language follows :func:`kiosk_pos.i18n.language`; a key
missing in English falls back to Indonesian, then to the key itself.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from kiosk_pos import i18n
from kiosk_pos.resources import resource_path

DEFAULT_LANGUAGE = "id"


@cache
def _catalogue(lang: str) -> dict[str, str]:
    path = resource_path("locale", f"printing.{lang}.json")
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {}


def pt(key: str, /, lang: str | None = None, **params: Any) -> str:
    """Translate a printing text ``key`` into ``lang`` (default: the app language)."""
    chosen = lang or i18n.language()
    text = _catalogue(chosen).get(key) or _catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
