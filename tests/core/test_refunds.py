"""Refunds (issue 10): goods come back through a stock movement, the original sale is never
changed, a clerk needs an approver, top-ups cannot be voided."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.records import CartLine, Payment, Role
from kiosk_pos.store.schema import sales, stock_movements


def _sale(kiosk, clerk):
    return kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 2), CartLine("SP-XL", 1),
                                    CartLine("TSEL10", 1, "081234567890")], Payment())


def _stock(kiosk, sku):
    return next(p.stock for p in kiosk.catalog.all_products() if p.sku == sku)


def test_a_line_refund_returns_stock_and_leaves_the_sale_as_it_was(kiosk, clerk):
    sale = _sale(kiosk, clerk)
    with kiosk.db.read() as conn:
        before = conn.execute(select(sales).where(sales.c.id == sale.id)).one()
    stock = _stock(kiosk, "SP-TSEL")
    owner = kiosk.users.authenticate("9999")
    refund = kiosk.refunds.refund(owner, sale.id, [1], "kartu rusak")
    assert refund.amount == 30_000 and refund.sale_id == sale.id
    assert [(line.name, line.qty) for line in refund.lines] == [("Kartu Perdana Telkomsel", 2)]
    assert _stock(kiosk, "SP-TSEL") == stock + 2
    with kiosk.db.read() as conn:
        assert conn.execute(select(sales).where(sales.c.id == sale.id)).one() == before
        move = conn.execute(select(stock_movements).order_by(stock_movements.c.id.desc())
                            ).first()
    assert (move.delta, move.reason, move.sale_id) == (2, "refund", sale.id)
    assert kiosk.sales.get(sale.id) == sale
    with pytest.raises(KioskError):  # once
        kiosk.refunds.refund(owner, sale.id, [1], "lagi")


def test_a_clerk_needs_a_supervisors_pin(kiosk, clerk):
    sale = _sale(kiosk, clerk)
    owner = kiosk.users.authenticate("9999")
    with pytest.raises(PermissionDenied) as err:
        kiosk.refunds.refund(clerk, sale.id, [2], "salah ambil")
    assert "persetujuan" in err.value.message
    other_clerk = kiosk.staff.add(owner, "Budi", Role.CLERK, "2580")
    with pytest.raises(PermissionDenied):
        kiosk.refunds.refund(clerk, sale.id, [2], "salah ambil", approver=other_clerk)
    sup = kiosk.staff.add(owner, "Sari", Role.SUPERVISOR, "3690")
    refund = kiosk.refunds.refund(clerk, sale.id, [2], "salah ambil", approver=sup)
    assert (refund.clerk_name, refund.approver_name) == ("kasir", "Sari")
    entry = [e for e in kiosk.audit.for_day(owner, kiosk.today())
             if e.action == "sale.refunded"][0]
    assert entry.approver_name == "Sari" and entry.detail["reason"] == "salah ambil"


def test_top_ups_cannot_be_voided_and_a_reason_is_needed(kiosk, clerk):
    sale = _sale(kiosk, clerk)
    owner = kiosk.users.authenticate("9999")
    with pytest.raises(KioskError) as err:
        kiosk.refunds.refund(owner, sale.id, [3], "salah nomor")
    assert "komplain" in err.value.message
    with pytest.raises(KioskError):  # the whole sale holds a top-up
        kiosk.refunds.refund(owner, sale.id, None, "batal")
    with pytest.raises(KioskError):
        kiosk.refunds.refund(owner, sale.id, [1], " ")
    with pytest.raises(KioskError):
        kiosk.refunds.refund(owner, sale.id, [9], "x")


def test_the_daily_report_takes_refunds_off_the_profit(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 2)], Payment())
    before = kiosk.reports.daily(kiosk.today())
    assert before.profit == 2 * (15_000 - 10_000)
    kiosk.refunds.refund(kiosk.users.authenticate("9999"), sale.id, None, "rusak")
    after = kiosk.reports.daily(kiosk.today())
    assert (after.refund_count, after.refunded, after.refunded_cost) == (1, 30_000, 20_000)
    assert after.gross == before.gross  # the sale still stands; the refund is its own row
    assert after.profit == 0
