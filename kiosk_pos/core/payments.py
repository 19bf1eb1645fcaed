"""Cash given and change for a sale's total: shared by the payment panel (as the clerk
types) and the saved sale, so the two always agree. No store, no SQLAlchemy."""

from __future__ import annotations

from kiosk_pos.core.errors import PaymentError
from kiosk_pos.core.records import Payment, PaymentMethod


def settle(total: int, payment: Payment) -> tuple[int | None, int]:
    """Cash given and change; refuses cash short of the total."""
    if payment.method is not PaymentMethod.CASH:
        return None, 0
    given = total if payment.cash_given is None else payment.cash_given
    if given < total:
        raise PaymentError("error.cash_short", total=total, given=given,
                           missing=total - given)
    return given, given - total
