"""The domain's refusals a clerk can meet, each a :class:`KioskError` with a sentence in the
UI language that says what to do."""

from __future__ import annotations

from kiosk_pos.errors import KioskError
from kiosk_pos.i18n import tr


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
