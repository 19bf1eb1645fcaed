"""The stock ledger: receiving updates the average cost, stock opname records the
difference, nothing takes the stock below zero, the low-stock list suggests what to order,
and after any sequence of operations the stock is the sum of its movements."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_pos.core.errors import InsufficientStock, KioskError, PermissionDenied
from kiosk_pos.core.goods import NewGoods
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.core.stock import DELIVERY_DAYS, StockReason, average_cost, suggested_order


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


@pytest.fixture
def mie(kiosk, owner):
    return kiosk.goods.add(owner, NewGoods("MIE-1", "Indomie Goreng", 3500, 2800, min_stock=10))


def test_receiving_adds_stock_and_averages_the_cost(kiosk, owner, mie):
    kiosk.stock.receive(owner, "MIE-1", 10, 3000, "Grosir Jaya")
    kiosk.stock.receive(owner, "MIE-1", 30, 2600)
    item = kiosk.goods.get("MIE-1")
    assert item.stock == 40 and item.cost == (10 * 3000 + 30 * 2600) // 40  # 2700
    first = kiosk.stock.movements("MIE-1")[-1]
    assert (first.reason, first.delta, first.unit_cost, first.supplier) == (
        "receive", 10, 3000, "Grosir Jaya")
    assert kiosk.catalog.catalog.get("MIE-1").cost == 2700  # the next sale's cost


def test_average_cost_rounds_half_up_and_ignores_a_shelf_below_zero():
    assert average_cost(1, 1000, 1, 1001) == 1001  # 1000.5 -> 1001
    assert average_cost(0, 5000, 3, 2000) == 2000
    assert average_cost(-2, 5000, 3, 2000) == 2000


def test_stock_opname_records_the_difference_in_one_transaction(kiosk, owner, mie):
    kiosk.stock.receive(owner, "MIE-1", 20)
    kiosk.stock.receive(owner, "SP-XL", 0 + 1)
    preview = kiosk.stock.preview_count([("MIE-1", 17), ("SP-XL", 21)])
    assert [(p.difference, p.value) for p in preview] == [(-3, -3 * 2800), (0, 0)]
    moves = kiosk.stock.adjust(owner, [("MIE-1", 17), ("SP-XL", 21)], "stock opname")
    assert [(m.sku, m.delta, m.stock_after, m.note) for m in moves] == [
        ("MIE-1", -3, 17, "stock opname")]  # an item counted as recorded moves nothing
    with pytest.raises(KioskError):  # one bad count: none of the counts is saved
        kiosk.stock.adjust(owner, [("MIE-1", 5), ("SP-XL", -1)], "opname")
    with pytest.raises(KioskError):
        kiosk.stock.adjust(owner, [("MIE-1", 5), ("NOPE", 1)], "opname")
    assert kiosk.goods.get("MIE-1").stock == 17
    with pytest.raises(KioskError):
        kiosk.stock.adjust(owner, [("MIE-1", 5)], "  ")  # a reason is required


def test_nothing_takes_the_stock_below_zero(kiosk, owner, mie, clerk):
    kiosk.stock.receive(owner, "MIE-1", 2)
    with pytest.raises(KioskError) as refused:
        kiosk.stock.remove(owner, "MIE-1", 3, StockReason.DAMAGE)
    assert "Indomie Goreng" in refused.value.message
    with pytest.raises(InsufficientStock):
        kiosk.sales.sell(clerk, [CartLine("MIE-1", 3)], Payment())
    kiosk.stock.remove(owner, "MIE-1", 2, StockReason.RETURN, supplier="Grosir Jaya")
    assert kiosk.goods.get("MIE-1").stock == 0 and kiosk.stock.check() == []


@pytest.mark.parametrize("qty", [0, -1])
def test_a_zero_or_negative_quantity_is_refused(kiosk, owner, mie, qty):
    with pytest.raises(KioskError):
        kiosk.stock.receive(owner, "MIE-1", qty)
    assert kiosk.stock.movements("MIE-1") == []


def test_a_clerk_may_not_change_the_stock(kiosk, clerk, mie):
    with pytest.raises(PermissionDenied):
        kiosk.stock.receive(clerk, "MIE-1", 5)
    with pytest.raises(PermissionDenied):
        kiosk.stock.adjust(clerk, [("MIE-1", 5)], "opname")


def test_low_stock_suggests_an_order_from_the_last_28_days(tmp_path, fixed_clock):
    kiosk = init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True)
    kiosk.close()
    kiosk = Kiosk.open(tmp_path / "data", clock=fixed_clock)
    try:
        owner, clerk = kiosk.users.authenticate("9999"), kiosk.users.authenticate("1111")
        kiosk.goods.add(owner, NewGoods("MIE-1", "Indomie", 3500, 2800, min_stock=10))
        start = fixed_clock.moment
        fixed_clock.moment = start - timedelta(days=40)
        kiosk.stock.receive(owner, "MIE-1", 100)
        kiosk.sales.sell(clerk, [CartLine("MIE-1", 50)], Payment())  # too old to count
        fixed_clock.moment = start - timedelta(days=10)
        kiosk.sales.sell(clerk, [CartLine("MIE-1", 42)], Payment())  # 1.5 a day over 28
        fixed_clock.moment = start
        kiosk.settings.set(DELIVERY_DAYS, 6)
        low = kiosk.stock.low_stock()
        assert [(i.sku, i.stock, i.min_stock, i.sold_28d) for i in low] == [
            ("MIE-1", 8, 10, 42)]
        assert low[0].suggested_order == 9 + 10 - 8  # 1.5 x 6 days, back to the minimum
        assert kiosk.stock.low_stock_count() == 1
        kiosk.stock.receive(owner, "MIE-1", 20)
        assert kiosk.stock.low_stock() == []
    finally:
        kiosk.close()


def test_suggested_order_is_never_negative():
    assert suggested_order(stock=100, min_stock=5, sold=28, days=7) == 0
    assert suggested_order(stock=0, min_stock=0, sold=0, days=7) == 0
    assert suggested_order(stock=-3, min_stock=2, sold=1, days=7) == 1 + 2


def test_movements_are_paged_newest_first(kiosk, owner, mie):
    for qty in range(1, 8):
        kiosk.stock.receive(owner, "MIE-1", qty)
    first = kiosk.stock.movements("MIE-1", limit=3)
    assert [m.delta for m in first] == [7, 6, 5]
    more = kiosk.stock.movements("MIE-1", before_id=first[-1].id, limit=3)
    assert [m.delta for m in more] == [4, 3, 2]


_OPS = st.lists(st.tuples(st.sampled_from(["receive", "adjust", "damage", "return", "sell"]),
                          st.integers(min_value=-3, max_value=30),
                          st.integers(min_value=0, max_value=9000)), max_size=12)
_skus = itertools.count()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_stock_is_the_sum_of_its_movements_after_any_sequence(kiosk, ops):
    owner, clerk = kiosk.users.authenticate("9999"), kiosk.users.authenticate("1111")
    sku = f"H-{next(_skus)}"
    kiosk.goods.add(owner, NewGoods(sku, "Barang Uji", 10_000, 1000))
    expected = 0
    for op, qty, cost in ops:
        try:
            if op == "receive":
                kiosk.stock.receive(owner, sku, qty, cost)
                expected += qty
            elif op == "adjust":
                kiosk.stock.adjust(owner, [(sku, qty)], "opname")
                expected = qty
            elif op in ("damage", "return"):
                kiosk.stock.remove(owner, sku, qty, StockReason(op))
                expected -= qty
            else:
                kiosk.sales.sell(clerk, [CartLine(sku, qty)], Payment())
                expected -= qty
        except KioskError:
            pass  # refused: nothing changes
        assert kiosk.goods.get(sku).stock == expected >= 0
    assert kiosk.stock.check() == []
    conn = sqlite3.connect(kiosk.db.path)
    total = conn.execute("SELECT coalesce(sum(m.delta), 0) FROM stock_movements m "
                         "JOIN products p ON p.id = m.product_id WHERE p.sku = ?",
                         (sku,)).fetchone()[0]
    conn.close()
    assert total == expected


def test_the_check_finds_a_stock_that_is_not_its_movements(kiosk, owner, mie):
    kiosk.stock.receive(owner, "MIE-1", 5)
    conn = sqlite3.connect(kiosk.db.path)
    conn.execute("UPDATE products SET stock = 6 WHERE sku = 'MIE-1'")
    conn.commit()
    conn.close()
    assert kiosk.stock.check() == [("MIE-1", 6, 5)]


def test_selling_the_last_unit_says_it_is_sold_out(kiosk, owner, mie, clerk):
    from kiosk_pos.core.events import NOTICE

    heard: list[str] = []
    kiosk.events.register(NOTICE, heard.append)
    kiosk.stock.receive(owner, "MIE-1", 2)
    kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], Payment())
    assert heard == []
    kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], Payment())
    assert heard == ["Stok Indomie Goreng habis: tadi itu yang terakhir. Catat barang datang "
                     "di menu Stok."]


def test_a_sale_that_leaves_goods_at_their_minimum_names_them(kiosk, owner, mie, clerk):
    kiosk.stock.receive(owner, "MIE-1", 12)  # minimum 10
    kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], Payment())
    assert kiosk.stock.running_low(["MIE-1", "NOPE"]) == []  # 11 left
    kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], Payment())
    low = kiosk.stock.running_low(["MIE-1"])
    assert [(i.sku, i.stock, i.min_stock) for i in low] == [("MIE-1", 10, 10)]
    kiosk.sales.sell(clerk, [CartLine("MIE-1", 10)], Payment())
    assert kiosk.stock.running_low(["MIE-1"]) == []  # gone: the sale said "habis" itself
