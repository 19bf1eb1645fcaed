"""Cash given and change for a sale's total: shared by the payment panel (as the clerk
types) and the saved sale, so the two always agree. No store, no SQLAlchemy."""

from __future__ import annotations

from kiosk_pos.core.errors import PaymentError
from kiosk_pos.core.records import Payment, PaymentMethod


def settle(total: int, payment: Payment) -> tuple[int | None, int]:
    """Cash given and change; refuses cash short of the total (of what is left to pay in
    cash when part of the sale goes on kasbon)."""
    if payment.method is not PaymentMethod.CASH:
        return None, 0
    due = total - (payment.kasbon_amount or 0)
    given = due if payment.cash_given is None else payment.cash_given
    if given < due:
        raise PaymentError("error.cash_short", total=due, given=given, missing=due - given)
    return given, given - due
