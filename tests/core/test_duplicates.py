"""The same product to the same number twice within a few minutes is found before payment
(with the earlier sale's time and status); anything else is not."""

from __future__ import annotations

from datetime import timedelta

from kiosk_pos.core.duplicates import DUPLICATE_WINDOW
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, TopUpStatus
from kiosk_pos.core.setup import init_kiosk
from tests.aids.cart import sell


def _kiosk(tmp_path, clock) -> Kiosk:
    init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True).close()
    return Kiosk.open(tmp_path / "data", clock=clock)


def test_a_repeat_within_the_window_is_found_with_time_and_status(tmp_path, fixed_clock):
    kiosk = _kiosk(tmp_path, fixed_clock)
    try:
        first = sell(kiosk, "TSEL10", "081234567890")
        fixed_clock.moment += timedelta(minutes=2)
        # typed differently: the number is normalised as the sale would be
        found = kiosk.sales.earlier_same([CartLine("TSEL10", 1, "0812-3456-7890")])
        assert [(e.sale_id, e.sku, e.destination, e.status) for e in found] == [
            (first.id, "TSEL10", "081234567890", TopUpStatus.QUEUED)]
        assert found[0].created_at == first.created_at
    finally:
        kiosk.close()


def test_other_products_numbers_and_old_sales_are_not_repeats(tmp_path, fixed_clock):
    kiosk = _kiosk(tmp_path, fixed_clock)
    try:
        sell(kiosk, "TSEL10", "081234567890")
        sell(kiosk, "TSEL20", "081234567891")
        assert kiosk.sales.earlier_same([CartLine("TSEL20", 1, "081234567890")]) == []
        assert kiosk.sales.earlier_same([CartLine("TSEL10", 1, "081234567891")]) == []
        assert kiosk.sales.earlier_same([CartLine("SP-XL", 1)]) == []  # goods: no number
        fixed_clock.moment += DUPLICATE_WINDOW + timedelta(seconds=1)
        assert kiosk.sales.earlier_same([CartLine("TSEL10", 1, "081234567890")]) == []
    finally:
        kiosk.close()


def test_the_newest_repeat_is_found_behind_other_products_to_that_number(tmp_path,
                                                                         fixed_clock):
    kiosk = _kiosk(tmp_path, fixed_clock)
    try:
        sell(kiosk, "TSEL10", "081234567890")
        fixed_clock.moment += timedelta(minutes=1)
        newest = sell(kiosk, "TSEL10", "081234567890")
        for sku in ("TSEL20", "TSEL25"):
            sell(kiosk, sku, "081234567890")
        found = kiosk.sales.earlier_same([CartLine("TSEL10", 1, "081234567890")])
        assert [e.sale_id for e in found] == [newest.id]
    finally:
        kiosk.close()
