"""Cek status: a sale of any day found by the number topped up (as the customer says it),
the Ref printed on the receipt (whole or its first characters) or the SN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, SaleRecord, TopUpStatus
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.core.topups import apply_status
from kiosk_pos.errors import KioskError
from tests.aids.cart import FixedClock

BUDI = "081234567890"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))


@pytest.fixture
def shop(tmp_path: Path, clock: FixedClock):
    init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True).close()
    k = Kiosk.open(tmp_path / "data", clock=clock)
    yield k
    k.close()


def sell(k: Kiosk, to: str = BUDI, sku: str = "TSEL10") -> SaleRecord:
    clerk = k.users.authenticate("1111")
    return k.sales.sell(clerk, [CartLine(sku, 1, to)], Payment(PaymentMethod.CASH))


def ref_of(sale: SaleRecord) -> str:
    return sale.lines[0].topup.ref_id


def test_a_number_finds_its_sales_of_every_day_newest_first_however_typed(shop, clock):
    monday = sell(shop)
    sell(shop, to="081298765432")  # someone else
    clock.moment += timedelta(days=1)
    tuesday = sell(shop)
    for typed in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "81234567890",
                  " 081234567890 "):
        page = shop.sales.search(typed)
        assert [s.id for s in page.sales] == [tuesday.id, monday.id], typed
        assert not page.more
    assert {s.business_date for s in shop.sales.search(BUDI).sales} == {
        monday.business_date, tuesday.business_date}
    assert monday.business_date != tuesday.business_date


def test_a_ref_finds_its_sale_whole_or_by_its_first_eight_characters(shop, clock):
    wanted = sell(shop)
    clock.moment += timedelta(days=3)
    sell(shop)
    ref = ref_of(wanted)
    assert [s.id for s in shop.sales.search(ref).sales] == [wanted.id]
    assert [s.id for s in shop.sales.search(ref[:8]).sales] == [wanted.id]
    assert [s.id for s in shop.sales.search(ref[:8].upper()).sales] == [wanted.id]


def test_an_sn_finds_its_sale_whole_or_by_its_start(shop, clock):
    wanted = sell(shop)
    clock.moment += timedelta(days=1)
    other = sell(shop)
    with shop.db.write() as conn:
        apply_status(conn, ref_of(wanted), TopUpStatus.SUCCESS, sn="0144123987654321")
        apply_status(conn, ref_of(other), TopUpStatus.SUCCESS, sn="0144999000111222")
    assert [s.id for s in shop.sales.search("0144123987654321").sales] == [wanted.id]
    assert [s.id for s in shop.sales.search("01441239").sales] == [wanted.id]
    assert [s.id for s in shop.sales.search("01441").sales] == []  # too short: no match


def test_nothing_found_is_an_empty_page_and_a_too_short_text_is_refused(shop):
    sell(shop)
    page = shop.sales.search("085799998888")
    assert (page.sales, page.more) == ([], False)
    assert shop.sales.search("deadbeef").sales == []
    with pytest.raises(KioskError) as refused:
        shop.sales.search("abc")
    assert refused.value.key == "error.search_too_short"


def test_results_come_a_page_at_a_time_with_more(shop, clock):
    sold = []
    for _ in range(5):
        sold.append(sell(shop))
        clock.moment += timedelta(hours=20)
    first = shop.sales.search(BUDI, limit=2)
    assert [s.id for s in first.sales] == [sold[4].id, sold[3].id] and first.more
    second = shop.sales.search(BUDI, first.sales[-1].id, limit=2)
    assert [s.id for s in second.sales] == [sold[2].id, sold[1].id] and second.more
    last = shop.sales.search(BUDI, second.sales[-1].id, limit=2)
    assert [s.id for s in last.sales] == [sold[0].id] and not last.more
