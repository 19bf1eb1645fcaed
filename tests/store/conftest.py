"""A demo kiosk with a few sales, for the backup tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk_pos.core.i18n import set_language
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, SaleRecord
from kiosk_pos.core.setup import init_kiosk

HISTORY_SALES = 10_000


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


@pytest.fixture(scope="module")
def history_folder(tmp_path_factory: pytest.TempPathFactory):
    """A kiosk with months of generated history (bench/datagen.py), made once per module."""
    from bench.datagen import generate

    folder = tmp_path_factory.mktemp("history") / "kiosk"
    generate(folder, HISTORY_SALES)
    return folder


@pytest.fixture
def history_kiosk(history_folder) -> Iterator[Kiosk]:
    k = Kiosk.open(history_folder)
    yield k
    k.close()


@pytest.fixture
def kiosk(tmp_path) -> Iterator[Kiosk]:
    k = init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True)
    yield k
    k.close()


def sell(kiosk: Kiosk, sku: str = "TSEL10", to: str = "081234567890") -> SaleRecord:
    clerk = kiosk.users.authenticate("1111")
    return kiosk.sales.sell(clerk, [CartLine(sku, 1, to)], Payment())
