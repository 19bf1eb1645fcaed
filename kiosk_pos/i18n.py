"""User-facing text in Indonesian (default) and English.

Catalogues are JSON data: ``resources/locale/<lang>.json`` plus one file per area,
``resources/locale/<area>.<lang>.json`` (ui, printing, sync, ...), merged in that order
(``<lang>.json``, then the areas by name; a later file's key wins). A key missing from the
chosen language falls back to Indonesian, then to the key itself.

A key is looked up file by file from the one merged last, each file read when first
needed: the first file that has the key holds the merged value, and the PIN login's texts
are found in the first few files instead of all 21 being read before its first paint.
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
def _files(lang: str) -> tuple[str, ...]:
    """The catalogue files of ``lang``, the one merged last (whose keys win) first."""
    areas = sorted(name for name in os.listdir(resource_path("locale"))
                   if name.endswith(f".{lang}.json"))  # listed, not globbed: no pattern
    return (*reversed(areas), f"{lang}.json")


@cache
def _file(name: str) -> dict[str, str]:
    with open(resource_path("locale", name), encoding="utf-8") as fh:
        entries: dict[str, str] = json.load(fh)
    return entries


@cache
def _lookup(lang: str, key: str) -> str | None:
    """The merged catalogue's value of ``key`` in ``lang`` (None if no file has it)."""
    for name in _files(lang):
        entries = _file(name)
        if key in entries:
            return entries[key]
    return None


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
    text = _lookup(_current, key) or _lookup(DEFAULT_LANGUAGE, key) or key
    return _formatter.format(text, **params) if params else text
