"""The base of every refusal the kiosk shows a person, below every layer that raises one.

A :class:`KioskError` names its sentence by a key in the locale catalogue and fills it in
when shown, in the language of the moment. The store raises :class:`StoreError`; the core
adds the domain's own kinds (``kiosk_pos/core/errors.py``).
"""

from __future__ import annotations

from typing import Any

from kiosk_pos.i18n import tr


class KioskError(Exception):
    """A refusal the user can act on. ``key`` names the message in the locale catalogue."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    @property
    def message(self) -> str:
        return tr(self.key, **self.params)

    def __str__(self) -> str:
        return self.message


class StoreError(KioskError):
    """The database file cannot be used (corrupt, foreign, or newer than this app)."""
