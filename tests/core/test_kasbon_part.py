"""Part of a sale on kasbon, the rest in cash: both written in the sale's own transaction,
the part checked against the customer's limit; the drawer and the daily report count only
the cash as cash. And the customer search the payment's picker and the customer list use,
and the total all customers owe."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


@pytest.fixture
def budi(kiosk, owner):
    return kiosk.customers.add(owner, "Budi Santoso", "0812-3456-7000", credit_limit=50_000)


def part(customer_id, amount, given=None, method=PaymentMethod.CASH):
    return Payment(method, given, customer_id=customer_id, kasbon_amount=amount)


def counts(kiosk):
    conn = sqlite3.connect(kiosk.db.path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("sales", "kasbon_entries", "stock_movements"))
    finally:
        conn.close()


def test_part_on_kasbon_the_rest_in_cash(kiosk, clerk, budi):
    # 3 x SP-XL = 36.000: 20.000 on kasbon, 16.000 due in cash, 20.000 given
    sale = kiosk.sales.sell(clerk, [CartLine("SP-XL", 3)], part(budi.id, 20_000, 20_000))
    assert (sale.payment_method, sale.total, sale.cash_given, sale.change) == (
        PaymentMethod.CASH, 36_000, 20_000, 4_000)
    assert kiosk.kasbon.balance(budi.id) == 20_000
    [entry] = kiosk.kasbon.statement(budi.id).entries
    assert (entry.kind.value, entry.amount, entry.sale_id) == ("sale", 20_000, sale.id)
    report = kiosk.reports.daily(kiosk.today())
    assert (report.cash_sales, report.kasbon_sales, report.kasbon_count) == (16_000, 20_000, 1)
    assert report.gross == 36_000


def test_the_daily_report_files_the_part_under_kasbon_and_the_rest_under_cash(
        kiosk, clerk, budi):
    # 3 x SP-XL = 36.000 (cost 3 x 8.000 = 24.000): 20.000 on kasbon, 16.000 in cash
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 3)], part(budi.id, 20_000))
    kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())  # 15.000 cash, cost 5.000
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)],                # 12.000 kasbon, cost 8.000
                     Payment(PaymentMethod.KASBON, customer_id=budi.id))
    r = kiosk.reports.daily(kiosk.today())
    rows = {b.key: (b.count, b.gross, b.cost) for b in r.by_payment}
    # the part's cost: 24.000 x 20.000 / 36.000 = 13.333 (floored); cash keeps 10.667
    assert rows == {"cash": (2, 16_000 + 15_000, 10_667 + 5_000),
                    "kasbon": (2, 20_000 + 12_000, 13_333 + 8_000)}
    assert sum(g for _, g, _ in rows.values()) == r.gross == 63_000
    assert sum(c for _, _, c in rows.values()) == r.cost == 37_000
    assert (r.cash_sales, r.kasbon_sales, r.kasbon_count) == (31_000, 32_000, 2)


def test_the_drawer_expects_only_the_cash_part(kiosk, clerk, owner, budi):
    kiosk.shifts.open(clerk, 100_000)
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 3)], part(budi.id, 20_000))  # uang pas 16.000
    closed = kiosk.shifts.close(clerk, 116_000)
    assert closed.shift.expected == 116_000 and closed.shift.difference == 0
    assert closed.figures.non_cash == (("kasbon", 1, 20_000),)  # listed, not drawer cash


def test_the_z_report_lists_kasbon_parts_with_the_kasbon_sales(kiosk, clerk, owner, budi):
    from kiosk_pos.printing.shift_report import shift_report_text

    kiosk.shifts.open(clerk, 100_000)
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 3)], part(budi.id, 20_000, 20_000))  # 16.000 cash
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)],                          # all on kasbon
                     Payment(PaymentMethod.KASBON, customer_id=budi.id))
    kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment(PaymentMethod.QRIS))  # 15.000
    closed = kiosk.shifts.close(clerk, 116_000)
    assert closed.shift.expected == 116_000  # 100.000 + 20.000 given - 4.000 change
    assert closed.figures.non_cash == (("kasbon", 2, 32_000), ("qris", 1, 15_000))
    text = shift_report_text(closed, kiosk.info, 58)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Kasbon (2) Rp32.000" in lines and "QRIS (1) Rp15.000" in lines


def test_a_part_as_large_as_the_total_is_a_kasbon_sale(kiosk, clerk, budi):
    sale = kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], part(budi.id, 12_000, 50_000))
    assert (sale.payment_method, sale.cash_given, sale.change) == (PaymentMethod.KASBON,
                                                                   None, 0)
    assert kiosk.kasbon.balance(budi.id) == 12_000


@pytest.mark.parametrize(("payment", "words"), [
    (lambda c: part(c, 31_000), "batas"),                       # 20.000 + 31.000 > 50.000
    (lambda c: part(c, 37_000), "36.000"),                      # more than the total
    (lambda c: part(c, 6_000, 10_000), "kurang"),               # cash short of the 30.000 due
    (lambda c: part(c, 6_000, None, PaymentMethod.QRIS), "tunai"),
    (lambda c: part(None, 6_000), "pelanggan"),
])
def test_a_refused_part_writes_nothing(kiosk, clerk, owner, budi, payment, words):
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 2)], part(budi.id, 20_000))  # owes 20.000
    before = counts(kiosk)
    with pytest.raises(KioskError) as refused:
        kiosk.sales.sell(clerk, [CartLine("SP-XL", 3)], payment(budi.id))
    assert words in refused.value.message.lower()
    assert counts(kiosk) == before and kiosk.kasbon.balance(budi.id) == 20_000


def test_a_customer_without_credit_gets_no_part(kiosk, clerk, owner):
    sari = kiosk.customers.add(owner, "Sari", None, None, 0)
    with pytest.raises(KioskError) as refused:
        kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], part(sari.id, 5_000))
    assert "belum diizinkan kasbon" in refused.value.message
    assert counts(kiosk)[1] == 0


def test_search_by_name_or_part_of_the_number_and_the_total_owed(kiosk, clerk, owner, budi):
    sari = kiosk.customers.add(owner, "Sari 100%", "0857-1111-2222", credit_limit=30_000)
    kiosk.customers.add(owner, "Citra", None)
    assert [c.name for c in kiosk.customers.search("budi")] == ["Budi Santoso"]
    assert [c.name for c in kiosk.customers.search("1111")] == ["Sari 100%"]
    assert [c.name for c in kiosk.customers.search("+62 857")] == ["Sari 100%"]
    assert [c.name for c in kiosk.customers.search("100%")] == ["Sari 100%"]
    assert kiosk.customers.search("_") == []
    assert [c.name for c in kiosk.customers.search("")] == ["Budi Santoso", "Sari 100%",
                                                            "Citra"]
    assert kiosk.customers.total_owed() == (0, 0)
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], part(budi.id, 12_000))
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 2)], part(sari.id, 4_000))
    kiosk.kasbon.pay(owner, budi.id, 2_000)
    assert kiosk.customers.total_owed() == (14_000, 2)


def test_the_daily_report_lists_low_goods_and_what_is_still_owed(kiosk, clerk, owner, budi):
    from kiosk_pos.core.goods import GoodsChange

    kiosk.goods.edit(owner, "SP-XL", GoodsChange(min_stock=25))
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], part(budi.id, 12_000))  # 19 left
    kiosk.kasbon.pay(owner, budi.id, 2_000)
    report = kiosk.reports.daily(kiosk.today())
    assert report.kasbon_outstanding == 10_000
    assert report.low_stock_count == 1
    assert report.low_stock_items == (("SP-XL", kiosk.goods.get("SP-XL").name, 19, 25),)


def test_the_receipt_and_the_history_show_the_part_on_kasbon(kiosk, clerk, budi):
    from kiosk_pos.printing.receipts import receipt_from_sale
    from kiosk_pos.printing.text_render import render_text

    sale = kiosk.sales.sell(clerk, [CartLine("SP-XL", 3)], part(budi.id, 20_000, 20_000))
    assert sale.kasbon == 20_000
    again = kiosk.sales.get(sale.id)  # read back, as history and a reprint see it
    assert again.kasbon == 20_000
    text = render_text(receipt_from_sale(again, kiosk.info), 58)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Masuk kasbon Rp20.000" in lines
    assert "Tunai Rp20.000" in lines and "Kembalian Rp4.000" in lines
    plain = kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
    assert plain.kasbon == 0 and kiosk.sales.get(plain.id).kasbon == 0


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["part", "pay"]),
                                st.integers(min_value=-5_000, max_value=40_000)),
                      max_size=8))
def test_parts_payments_limit_and_the_days_figures_agree(kiosk, steps):
    owner, clerk = kiosk.users.authenticate("9999"), kiosk.users.authenticate("1111")
    sari = kiosk.customers.add(owner, "Sari", credit_limit=50_000)
    balance = taken = 0  # the model: what she owes, and what went on her account today
    start = kiosk.reports.daily(kiosk.today())  # the kiosk outlives each example: deltas
    kiosk.stock.receive(owner, "ACC-TG", 10)  # the shelf never runs out mid-example
    for step, amount in steps:
        try:
            if step == "part":  # ACC-TG sells at Rp15.000: a part, or all of it
                sale = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], part(sari.id, amount))
                assert sale.kasbon == amount and sale.total - amount == (
                    (sale.cash_given or 0) - sale.change)
                balance, taken = balance + amount, taken + amount
            else:
                balance += kiosk.kasbon.pay(owner, sari.id, amount).amount
        except KioskError:
            pass  # refused (over the limit, more than the sale or the debt): nothing written
        assert kiosk.kasbon.balance(sari.id) == balance <= 50_000
    rows = kiosk.kasbon.statement(sari.id).entries
    assert sum(e.amount for e in rows) == balance
    report = kiosk.reports.daily(kiosk.today())
    assert report.kasbon_sales - start.kasbon_sales == taken
    assert report.kasbon_outstanding - start.kasbon_outstanding == balance
    assert report.cash_sales + report.kasbon_sales == report.gross
