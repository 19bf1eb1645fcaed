from datetime import date

from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, TopUpStatus
from kiosk_pos.core.topups import apply_status
from tests.aids.cart import cash, pulsa


def test_daily_report_totals_and_splits(kiosk, clerk):
    owner = kiosk.users.authenticate("9999")
    kiosk.sales.sell(clerk, [pulsa()], cash())                                  # 12.000
    kiosk.sales.sell(clerk, [CartLine("ACC-CBL", 2)], Payment(PaymentMethod.QRIS))  # 40.000
    kiosk.sales.sell(owner, [pulsa("XL10", "081712345678")], cash())            # 12.000
    r = kiosk.reports.daily(kiosk.today())
    c = kiosk.catalog.catalog
    cost = c.get("TSEL10").cost + 2 * c.get("ACC-CBL").cost + c.get("XL10").cost
    assert (r.count, r.gross, r.cost, r.profit) == (3, 64_000, cost, 64_000 - cost)
    assert {b.key: b.gross for b in r.by_operator} == {
        "telkomsel": 12_000, "xl": 12_000, "-": 40_000}
    assert {b.key: b.count for b in r.by_kind} == {"pulsa": 2, "physical": 1}
    assert {b.label: b.count for b in r.by_clerk} == {"kasir": 2, "Pemilik": 1}
    assert {b.key: b.gross for b in r.by_payment} == {"cash": 24_000, "qris": 40_000}
    assert len(r.by_hour) == 24 and sum(b.gross for b in r.by_hour) == 64_000
    assert r.pending_count == 2


def test_failed_top_ups_are_refunds_not_revenue(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    with kiosk.db.write() as conn:
        apply_status(conn, sale.lines[0].topup.ref_id, TopUpStatus.FAILED)
    r = kiosk.reports.daily(kiosk.today())
    assert (r.count, r.gross, r.failed_count, r.failed_amount) == (0, 0, 1, 12_000)


def test_other_days_are_not_counted(kiosk, clerk):
    kiosk.sales.sell(clerk, [pulsa()], cash())
    assert kiosk.reports.daily(date(2020, 1, 1)).count == 0
