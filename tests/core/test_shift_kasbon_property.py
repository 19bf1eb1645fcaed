"""Expected cash with kasbon in the mix (issue 10): over random sequences of cash and kasbon
sales, kasbon paid off in cash or by transfer, and cash in/out, the shift's expected cash is
exactly what a person watching the drawer would count: a kasbon sale brings no cash, a kasbon
payment in cash does, one by transfer does not."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import init_kiosk
from tests.aids.cart import FixedClock

GOODS = {"SP-TSEL": 15_000, "SP-XL": 12_000}
_cash_sale = st.tuples(st.just("cash"), st.sampled_from(sorted(GOODS)),
                       st.integers(0, 2).map(lambda n: n * 5_000))
_kasbon_sale = st.tuples(st.just("kasbon"), st.sampled_from(sorted(GOODS)), st.integers(0, 1))
_pay = st.tuples(st.just("pay"), st.sampled_from(["cash", "transfer"]),
                 st.integers(1, 20).map(lambda n: n * 1_000), st.integers(0, 1))
_move = st.tuples(st.sampled_from(["in", "out"]), st.integers(1, 30).map(lambda n: n * 1_000))
_ops = st.lists(st.one_of(_cash_sale, _kasbon_sale, _pay, _move), max_size=12)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=st.integers(0, 20).map(lambda n: n * 5_000), ops=_ops)
def test_expected_cash_with_kasbon_sales_and_payments(opening, ops):
    clock = FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        init_kiosk(Path(folder) / "data", "Konter Uji", "9999", demo=True).close()
        k = Kiosk.open(Path(folder) / "data", clock=clock)
        try:
            clerk = k.users.authenticate("1111")
            owner = k.users.authenticate("9999")
            people = [k.customers.add(owner, name, phone, credit_limit=1_000_000).id
                      for name, phone in (("Budi", "081299990000"), ("Ani", "081299990001"))]
            owed = dict.fromkeys(people, 0)
            k.shifts.open(clerk, opening)
            drawer = opening
            for op in ops:
                clock.moment += timedelta(seconds=1)
                if op[0] == "cash":
                    _, sku, extra = op
                    price = GOODS[sku]
                    k.sales.sell(clerk, [CartLine(sku, 1)],
                                 Payment(PaymentMethod.CASH, price + extra))
                    drawer += price
                elif op[0] == "kasbon":
                    _, sku, who = op
                    k.sales.sell(clerk, [CartLine(sku, 1)],
                                 Payment(PaymentMethod.KASBON, customer_id=people[who]))
                    owed[people[who]] += GOODS[sku]  # nothing into the drawer
                elif op[0] == "pay":
                    _, method, amount, who = op
                    amount = min(amount, owed[people[who]])
                    if amount == 0:
                        continue
                    k.kasbon.pay(owner, people[who], amount, method)
                    owed[people[who]] -= amount
                    drawer += amount if method == "cash" else 0
                else:
                    kind, amount = op
                    if kind == "out" and amount > drawer:
                        continue  # nobody hands out cash the drawer does not hold
                    k.shifts.cash(clerk, kind, amount, "alasan")
                    drawer += amount if kind == "in" else -amount
            clock.moment += timedelta(seconds=1)
            closed = k.shifts.close(clerk, drawer)
            assert closed.shift.expected == drawer
            assert closed.shift.difference == 0
            assert sum(closed.figures.parts().values()) == drawer
        finally:
            k.close()
