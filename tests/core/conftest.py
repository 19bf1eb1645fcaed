from datetime import UTC, datetime

import pytest

from kiosk_pos.core.i18n import set_language
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import init_kiosk


@pytest.fixture(autouse=True)
def indonesian():
    set_language("id")
    yield
    set_language("id")


@pytest.fixture
def kiosk(tmp_path) -> Kiosk:
    k = init_kiosk(tmp_path, "Konter Uji", "9999", demo=True)
    yield k
    k.close()


@pytest.fixture
def clerk(kiosk):
    return kiosk.users.authenticate("1111")


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def fixed_clock():
    return FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))  # 10:00 in Jakarta


def cash(amount=None):
    return Payment(PaymentMethod.CASH, amount)


def pulsa(sku="TSEL10", to="081234567890"):
    return CartLine(sku, 1, to)
