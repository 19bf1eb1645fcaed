"""A report as its reader may see it (issue 10), enforced in the core: only the owner sees
cost and profit; a supervisor sees any day's report without them; a clerk sees today's
sales only, without them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk_pos.core.errors import PermissionDenied
from kiosk_pos.core.records import CartLine, Payment, Role


@pytest.fixture
def sold(kiosk, clerk):
    kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, "081234567890")], Payment())
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
    return kiosk.users.authenticate("9999")


def _costs(report) -> list[int]:
    rows = [*report.by_operator, *report.by_kind, *report.by_clerk, *report.by_payment,
            *report.by_hour]
    return [report.cost, report.profit, report.refunded_cost] + [
        x for b in rows for x in (b.cost, b.profit)]


def test_the_owner_sees_cost_and_profit(kiosk, sold):
    report = kiosk.reports.daily_for(sold, kiosk.today())
    assert report.with_cost and report.gross == 34_000 and report.profit == 5_800
    assert report == kiosk.reports.daily(kiosk.today())


def test_a_clerk_sees_todays_sales_without_cost_or_profit(kiosk, sold, clerk):
    report = kiosk.reports.daily_for(clerk, kiosk.today())
    assert report.count == 2 and report.gross == 34_000  # the sales, yes
    assert not report.with_cost and set(_costs(report)) == {0}
    with pytest.raises(PermissionDenied, match="supervisor"):
        kiosk.reports.daily_for(clerk, kiosk.today() - timedelta(days=1))


def test_a_supervisor_sees_any_day_without_cost_or_profit(kiosk, sold):
    supervisor = kiosk.staff.add(sold, "Sari", Role.SUPERVISOR, "2580")
    report = kiosk.reports.daily_for(supervisor, kiosk.today())
    assert report.gross == 34_000 and set(_costs(report)) == {0}
    assert kiosk.reports.daily_for(supervisor, kiosk.today() - timedelta(days=1)).count == 0


def test_nobody_logged_in_gets_no_report(kiosk, sold):
    with pytest.raises(PermissionDenied):
        kiosk.reports.daily_for(None, kiosk.today())

