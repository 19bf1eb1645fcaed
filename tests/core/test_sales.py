import json
import uuid

import pytest
from sqlalchemy import func, select

from kiosk_pos.core.errors import (
    InsufficientDeposit,
    InsufficientStock,
    PaymentError,
    UnknownProduct,
    WrongOperator,
)
from kiosk_pos.core.events import DEPOSIT_CHANGED, SALE_SAVED
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, TopUpStatus
from kiosk_pos.store.schema import deposit_ledger, outbox, sales, stock_movements, topups
from tests.aids.cart import cash, pulsa


def count(kiosk, table):
    with kiosk.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_cash_sale_computes_change(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash(50_000))
    assert (sale.total, sale.cash_given, sale.change) == (12_000, 50_000, 38_000)


def test_exact_money_when_no_cash_amount_given(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    assert (sale.cash_given, sale.change) == (12_000, 0)


def test_cash_short_is_refused_and_nothing_recorded(kiosk, clerk):
    with pytest.raises(PaymentError) as err:
        kiosk.sales.sell(clerk, [pulsa()], cash(10_000))
    assert "Rp2.000" in err.value.message
    assert count(kiosk, sales) == 0


def test_non_cash_payment_is_recorded(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], Payment(PaymentMethod.QRIS))
    assert kiosk.sales.get(sale.id).payment_method is PaymentMethod.QRIS
    assert sale.change == 0 and sale.cash_given is None


def test_electronic_line_is_queued_with_ref_id_outbox_and_ledger_in_one_go(kiosk, clerk):
    before = kiosk.deposit.balance()
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    topup = sale.lines[0].topup
    assert topup.status is TopUpStatus.QUEUED
    uuid.UUID(topup.ref_id)
    with kiosk.db.read() as conn:
        box = conn.execute(select(outbox)).one()
        ledger = conn.execute(select(deposit_ledger).order_by(deposit_ledger.c.id.desc())).first()
    payload = json.loads(box.payload)
    assert payload["ref_id"] == topup.ref_id and payload["destination"] == "081234567890"
    assert box.sent_at is None
    cost = kiosk.catalog.catalog.get("TSEL10").cost
    assert ledger.amount == -cost and ledger.reference == topup.ref_id
    assert kiosk.deposit.balance() == before - cost
    assert kiosk.sales.queue_length() == 1


def test_every_top_up_gets_its_own_ref_id(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa(), pulsa("ISAT10", "085612345678")], cash())
    refs = {line.topup.ref_id for line in sale.lines}
    assert len(refs) == 2


def test_insufficient_deposit_states_the_shortfall(kiosk, clerk):
    balance = kiosk.deposit.balance()
    kiosk.deposit.credit(-(balance - 5_000), reason="adjust")
    with pytest.raises(InsufficientDeposit) as err:
        kiosk.sales.sell(clerk, [pulsa()], cash())
    cost = kiosk.catalog.catalog.get("TSEL10").cost
    assert f"Rp{cost - 5_000:,}".replace(",", ".") in err.value.message
    assert count(kiosk, sales) == 0 and count(kiosk, topups) == 0


def test_demo_goods_start_with_the_catalogue_stock(kiosk):
    from kiosk_pos.core.setup import demo_products

    expected = {p.sku: p.stock for p in demo_products() if p.stock is not None}
    assert {p.sku: p.stock for p in kiosk.catalog.all_products() if p.stock is not None} \
        == expected


def test_goods_decrement_stock_with_a_movement(kiosk, clerk):
    start = kiosk.catalog.catalog.get("ACC-CBL").stock
    kiosk.sales.sell(clerk, [CartLine("ACC-CBL", 3)], cash())
    assert kiosk.catalog.load().get("ACC-CBL").stock == start - 3
    assert kiosk.catalog.catalog.get("ACC-CBL").stock == start - 3
    with kiosk.db.read() as conn:
        move = conn.execute(select(stock_movements).order_by(stock_movements.c.id.desc())).first()
    assert (move.delta, move.stock_after, move.reason) == (-3, start - 3, "sale")


def test_selling_more_than_in_stock_is_refused(kiosk, clerk):
    stock = kiosk.catalog.catalog.get("ACC-EAR").stock
    with pytest.raises(InsufficientStock) as err:
        kiosk.sales.sell(clerk, [CartLine("ACC-EAR", stock + 1)], cash())
    assert str(stock) in err.value.message
    assert kiosk.catalog.load().get("ACC-EAR").stock == stock
    assert count(kiosk, sales) == 0


def test_mixed_cart_is_one_sale(kiosk, clerk):
    sale = kiosk.sales.sell(
        clerk, [pulsa(), CartLine("SP-TSEL", 1), CartLine("PLN20", 1, "12345678901")],
        cash(100_000))
    assert len(sale.lines) == 3 and sale.total == 12_000 + 15_000 + 22_500
    assert [line.topup is not None for line in sale.lines] == [True, False, True]
    assert kiosk.sales.get(sale.id) == sale


def test_one_bad_line_refuses_the_whole_cart(kiosk, clerk):
    with pytest.raises(WrongOperator):
        kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1), pulsa("XL10", "081234567890")], cash())
    assert count(kiosk, sales) == 0 and count(kiosk, stock_movements) == len(
        [p for p in kiosk.catalog.all_products() if p.stock])


def test_unknown_product(kiosk, clerk):
    with pytest.raises(UnknownProduct) as err:
        kiosk.sales.sell(clerk, [CartLine("NOPE", 1)], cash())
    assert "NOPE" in err.value.message


def test_events_tell_listeners(kiosk, clerk):
    seen = []
    kiosk.events.register(SALE_SAVED, lambda s: seen.append(("sale", s.id)))
    kiosk.events.register(DEPOSIT_CHANGED, lambda b: seen.append(("deposit", b)))
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    assert seen == [("sale", sale.id), ("deposit", kiosk.deposit.balance())]


def test_a_broken_listener_does_not_lose_the_sale(kiosk, clerk):
    kiosk.events.register(SALE_SAVED, lambda s: 1 / 0)
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    assert kiosk.sales.get(sale.id).id == sale.id


def test_recent_shows_today_newest_first(kiosk, clerk):
    a = kiosk.sales.sell(clerk, [pulsa()], cash())
    b = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], cash())
    assert [s.id for s in kiosk.sales.recent()] == [b.id, a.id]


def test_business_day_is_the_local_day(tmp_path, fixed_clock):
    from datetime import UTC, date, datetime

    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.setup import init_kiosk

    init_kiosk(tmp_path, "K", "9999", demo=True).close()
    fixed_clock.moment = datetime(2026, 11, 22, 18, 30, tzinfo=UTC)  # 01:30 on the 23rd, WIB
    kiosk = Kiosk.open(tmp_path, clock=fixed_clock)
    sale = kiosk.sales.sell(kiosk.users.authenticate("1111"), [pulsa()], cash())
    assert sale.business_date == date(2026, 11, 23)
    assert [s.id for s in kiosk.sales.for_day(date(2026, 11, 23))] == [sale.id]
