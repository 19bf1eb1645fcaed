"""Small builders for sales: a cash payment, a pulsa line, one quick sale, a clock that
stands still."""

from __future__ import annotations

from datetime import datetime

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, SaleRecord


class FixedClock:
    """A kiosk clock that says ``moment`` until a test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def cash(amount: int | None = None) -> Payment:
    return Payment(PaymentMethod.CASH, amount)


def pulsa(sku: str = "TSEL10", to: str = "081234567890") -> CartLine:
    return CartLine(sku, 1, to)


def sell(kiosk: Kiosk, sku: str = "TSEL10", to: str = "081234567890") -> SaleRecord:
    """One sale by the demo clerk (PIN 1111), paid exactly."""
    clerk = kiosk.users.authenticate("1111")
    return kiosk.sales.sell(clerk, [CartLine(sku, 1, to)], Payment())
