"""A day's sales a page at a time, newest first, with the day's count and total."""

from __future__ import annotations

from datetime import timedelta

from tests.aids.cart import cash, pulsa


def test_pages_walk_the_day_newest_first_and_the_totals_cover_the_whole_day(kiosk, clerk):
    sold = [kiosk.sales.sell(clerk, [pulsa()], cash()) for _ in range(5)]
    day = sold[0].business_date
    first = kiosk.sales.day_page(day, limit=2)
    assert [s.id for s in first.sales] == [sold[4].id, sold[3].id] and first.more
    assert (first.count, first.total) == (5, sum(s.total for s in sold))
    second = kiosk.sales.day_page(day, first.sales[-1].id, 2, with_totals=False)
    assert [s.id for s in second.sales] == [sold[2].id, sold[1].id] and second.more
    last = kiosk.sales.day_page(day, second.sales[-1].id, 2)
    assert [s.id for s in last.sales] == [sold[0].id] and not last.more
    assert last.sales[0] == kiosk.sales.get(sold[0].id)  # lines and top-ups included


def test_an_empty_day_is_an_empty_page_with_zero_totals(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    page = kiosk.sales.day_page(sale.business_date - timedelta(days=1))
    assert (page.sales, page.count, page.total, page.more) == ([], 0, 0, False)
