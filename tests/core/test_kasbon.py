"""Kasbon: a sale goes on an allowed customer's account in the sale's own transaction, up
to the limit; payments never exceed the debt; the balance is the sum of the rows; who owes
what is listed oldest debt first; the daily report counts kasbon apart from cash."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.kasbon import statement_text
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import init_kiosk


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


@pytest.fixture
def budi(kiosk, owner):
    return kiosk.customers.add(owner, "Budi", "0812-3456-7000", credit_limit=50_000)


def kasbon(customer_id):
    return Payment(PaymentMethod.KASBON, customer_id=customer_id)


def counts(kiosk):
    conn = sqlite3.connect(kiosk.db.path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("sales", "kasbon_entries", "stock_movements", "outbox"))
    finally:
        conn.close()


def test_a_clerk_sells_on_kasbon_in_the_sales_own_transaction(kiosk, clerk, budi):
    sale = kiosk.sales.sell(clerk, [CartLine("SP-XL", 2)], kasbon(budi.id))
    assert sale.payment_method is PaymentMethod.KASBON and sale.change == 0
    assert kiosk.kasbon.balance(budi.id) == 24_000
    statement = kiosk.kasbon.statement(budi.id)
    assert [(e.kind.value, e.amount, e.sale_id) for e in statement.entries] == [
        ("sale", 24_000, sale.id)]
    pulsa = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], kasbon(budi.id))
    assert kiosk.kasbon.balance(budi.id) == 24_000 + pulsa.total


def test_over_the_limit_or_without_credit_nothing_is_written(kiosk, clerk, owner, budi):
    no_credit = kiosk.customers.add(owner, "Sari")
    before = counts(kiosk)
    with pytest.raises(KioskError) as over:  # 5 x 12.000 > 50.000
        kiosk.sales.sell(clerk, [CartLine("SP-XL", 5)], kasbon(budi.id))
    assert over.value.key == "error.kasbon_over_limit" and "Rp50.000" in over.value.message
    with pytest.raises(KioskError) as refused:
        kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], kasbon(no_credit.id))
    assert refused.value.key == "error.kasbon_not_allowed" and "Sari" in refused.value.message
    for customer_id in (None, 999):
        with pytest.raises(KioskError):
            kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], kasbon(customer_id))
    assert counts(kiosk) == before
    assert kiosk.catalog.catalog.get("SP-XL").stock == 20


def test_payments_reduce_the_debt_and_never_exceed_it(kiosk, clerk, owner, budi):
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 2)], kasbon(budi.id))
    with pytest.raises(KioskError) as over:
        kiosk.kasbon.pay(owner, budi.id, 24_001)
    assert over.value.key == "error.kasbon_pay_over" and "Rp24.000" in over.value.message
    for amount in (0, -5):
        with pytest.raises(KioskError):
            kiosk.kasbon.pay(owner, budi.id, amount)
    with pytest.raises(PermissionDenied):
        kiosk.kasbon.pay(clerk, budi.id, 1000)
    entry = kiosk.kasbon.pay(owner, budi.id, 20_000, "transfer")
    assert (entry.amount, entry.method, entry.balance_after) == (-20_000, "transfer", 4000)
    assert kiosk.kasbon.balance(budi.id) == 4000


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["sale", "pay", "fix"]),
                                st.integers(min_value=-30_000, max_value=60_000)),
                      max_size=10))
def test_the_balance_is_the_sum_of_its_rows(kiosk, steps):
    owner, clerk = kiosk.users.authenticate("9999"), kiosk.users.authenticate("1111")
    customer = kiosk.customers.add(owner, "Pelanggan", credit_limit=100_000)
    balance = 0  # the model: what the customer should owe
    for step, amount in steps:
        try:
            if step == "sale":
                balance += kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)],
                                            kasbon(customer.id)).total
            elif step == "pay":
                balance -= -kiosk.kasbon.pay(owner, customer.id, amount).amount
            else:
                balance += kiosk.kasbon.correct(owner, customer.id, amount, "salah catat").amount
        except KioskError:
            pass  # refused: over the limit, more than the debt, zero: nothing written
        assert kiosk.kasbon.balance(customer.id) == balance
        assert balance >= 0
    statement = kiosk.kasbon.statement(customer.id)
    assert statement.opening_balance == 0
    assert sum(e.amount for e in statement.entries) == statement.balance == balance
    assert all(e.balance_after >= 0 for e in statement.entries)


def test_who_owes_what_oldest_debt_first(tmp_path, fixed_clock):
    init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True).close()
    kiosk = Kiosk.open(tmp_path / "data", clock=fixed_clock)
    try:
        owner, clerk = kiosk.users.authenticate("9999"), kiosk.users.authenticate("1111")
        now = fixed_clock.moment
        ani = kiosk.customers.add(owner, "Ani", credit_limit=100_000)
        budi = kiosk.customers.add(owner, "Budi", credit_limit=100_000)
        paid_up = kiosk.customers.add(owner, "Citra", credit_limit=100_000)
        for days, who in ((20, budi), (12, budi), (5, ani), (3, paid_up)):
            fixed_clock.moment = now - timedelta(days=days)
            kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], kasbon(who.id))
        fixed_clock.moment = now
        kiosk.kasbon.pay(owner, paid_up.id, 15_000)
        kiosk.kasbon.pay(owner, budi.id, 15_000)  # pays off the oldest, 20 days ago
        debtors = kiosk.kasbon.debtors()
        assert [(d.customer.name, d.customer.balance, d.days_outstanding) for d in debtors] == [
            ("Budi", 15_000, 12), ("Ani", 15_000, 5)]
        text = statement_text(kiosk.kasbon.statement(budi.id), "Konter Uji", "Asia/Jakarta")
        assert text.splitlines()[0] == "*Konter Uji*"
        assert "Rp15.000" in text.splitlines()[-1]
    finally:
        kiosk.close()


def test_the_daily_report_counts_kasbon_apart_from_cash(kiosk, clerk, owner, budi):
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 2)], kasbon(budi.id))
    kiosk.kasbon.pay(owner, budi.id, 5000, "cash")
    report = kiosk.reports.daily(kiosk.today())
    assert (report.cash_sales, report.kasbon_sales, report.kasbon_count) == (12_000, 24_000, 1)
    assert report.kasbon_paid_cash == 5000 and report.kasbon_paid_transfer == 0
    assert report.gross == 36_000
    assert {b.key: b.gross for b in report.by_payment} == {"cash": 12_000, "kasbon": 24_000}


def test_customers_a_phone_belongs_to_one(kiosk, owner, budi, clerk):
    with pytest.raises(KioskError) as taken:
        kiosk.customers.add(owner, "Budi Lain", "+62 812 3456 7000")
    assert "Budi" in taken.value.message
    assert kiosk.customers.by_phone("6281234567000").id == budi.id
    with pytest.raises(PermissionDenied):
        kiosk.customers.add(clerk, "Sari")
    assert [c.name for c in kiosk.customers.page()] == ["Budi"]


def test_the_daily_report_counts_low_stock(kiosk, owner):
    from kiosk_pos.core.goods import GoodsChange

    assert kiosk.reports.daily(kiosk.today()).low_stock_count == 0
    kiosk.goods.edit(owner, "SP-XL", GoodsChange(min_stock=20))  # 20 on the shelf: at it
    assert kiosk.reports.daily(kiosk.today()).low_stock_count == 1 == kiosk.stock.low_stock_count()


def test_a_customers_last_purchases_are_their_kasbon_and_their_number(kiosk, clerk, budi):
    mine = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567000")], Payment())
    kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081299990000")], Payment())  # not theirs
    on_credit = kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], kasbon(budi.id))
    assert [s.id for s in kiosk.customers.last_purchases(budi.id)] == [on_credit.id, mine.id]
    assert [s.id for s in kiosk.customers.last_purchases(budi.id, limit=1)] == [on_credit.id]
