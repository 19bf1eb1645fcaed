"""User-facing text in Indonesian (default) and English.

Catalogues are JSON data in ``resources/locale/<lang>.json``; a key missing from
the chosen language falls back to Indonesian, then to the key itself.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from kiosk_pos.resources import resource_path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_current = DEFAULT_LANGUAGE


@cache
def _catalogue(lang: str) -> dict[str, str]:
    with open(resource_path("locale", f"{lang}.json"), encoding="utf-8") as fh:
        return json.load(fh)


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang


def language() -> str:
    return _current


def tr(key: str, /, **params: Any) -> str:
    """Translate ``key`` into the current language and fill in ``params``."""
    text = _catalogue(_current).get(key) or _catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
