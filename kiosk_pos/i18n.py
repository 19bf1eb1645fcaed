"""User-facing text in Indonesian (default) and English.

Catalogues are JSON data: ``resources/locale/<lang>.json`` plus one file per area,
``resources/locale/<area>.<lang>.json`` (ui, printing, sync, ...), merged. A key
missing from the chosen language falls back to Indonesian, then to the key itself.
"""

from __future__ import annotations

import json
import os
import string
from functools import cache
from typing import Any

from kiosk_pos.resources import resource_path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_current = DEFAULT_LANGUAGE


@cache
def _catalogue(lang: str) -> dict[str, str]:
    folder = resource_path("locale")
    areas = sorted(name for name in os.listdir(folder) if name.endswith(f".{lang}.json"))
    merged: dict[str, str] = {}
    for name in [f"{lang}.json", *areas]:  # listed, not globbed: no pattern to compile
        with open(folder / name, encoding="utf-8") as fh:
            merged.update(json.load(fh))
    return merged


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang


def language() -> str:
    return _current


class _Formatter(string.Formatter):
    """``{amount:rp}`` in a catalogue formats int rupiah as ``Rp10.000``."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "rp":
            from pulsa_protocol.money import format_rupiah

            return format_rupiah(int(value))
        return super().format_field(value, format_spec)


_formatter = _Formatter()


def tr(key: str, /, **params: Any) -> str:
    """Translate ``key`` into the current language and fill in ``params``."""
    text = _catalogue(_current).get(key) or _catalogue(DEFAULT_LANGUAGE).get(key) or key
    return _formatter.format(text, **params) if params else text
