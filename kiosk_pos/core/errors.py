"""Errors a clerk can meet. Each carries a sentence in the UI language that says what to do."""

from __future__ import annotations

from typing import Any

from kiosk_pos.core.i18n import tr


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


class InvalidDestination(KioskError):
    pass


class WrongOperator(KioskError):
    pass


class UnknownProduct(KioskError):
    pass


class InsufficientStock(KioskError):
    pass


class InsufficientDeposit(KioskError):
    pass


class PaymentError(KioskError):
    pass


class AuthError(KioskError):
    pass


class PermissionDenied(KioskError):
    """The acting user's role may not do this; the sentence says who may."""

    @property
    def message(self) -> str:
        params = dict(self.params)
        if "action" in params:
            params["action"] = tr(params["action"])
        return tr(self.key, **params)


class StoreError(KioskError):
    """The database file cannot be used (corrupt, foreign, or newer than this app)."""
