"""Shifts and the cash drawer (issue 10): expected cash is derived from rows, exact by
construction: float + cash received - change + cash in - cash out - cash refunds - failed
top-ups paid back (+ kasbon in cash); non-cash sales are totalled apart."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, Role, TopUpStatus
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.core.topups import apply_status
from tests.aids.cart import FixedClock


def _kiosk(folder: Path, clock: FixedClock) -> Kiosk:
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    return Kiosk.open(folder, clock=clock)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))


@pytest.fixture
def shop(tmp_path, clock):
    k = _kiosk(tmp_path / "data", clock)
    yield k
    k.close()


def sell(k: Kiosk, sku: str, qty: int = 1, method: str = "cash", given: int | None = None,
         to: str = ""):
    clerk = k.users.authenticate("1111")
    return k.sales.sell(clerk, [CartLine(sku, qty, to)], Payment(PaymentMethod(method), given))


def fail_topup(k: Kiosk, ref_id: str) -> None:
    with k.db.write() as conn:
        apply_status(conn, ref_id, TopUpStatus.FAILED, message="nomor tidak aktif")


def test_a_shift_with_every_kind_of_movement_matches_the_hand_computed_figure(shop):
    clerk = shop.users.authenticate("1111")
    owner = shop.users.authenticate("9999")
    shop.shifts.configure(owner, required=True)
    shift = shop.shifts.open(clerk, denominations={100_000: 1, 50_000: 1, 20_000: 2,
                                                   10_000: 1})
    assert shift.opening_float == 200_000
    sell(shop, "SP-TSEL", 2, given=50_000)                     # 30.000, change 20.000
    pulsa = sell(shop, "TSEL10", given=20_000, to="081234567890")  # 12.000, change 8.000
    qris = sell(shop, "SP-ISAT", method="qris")                # 12.000, not drawer cash
    sell(shop, "TSEL10", method="transfer", to="081234567891")  # 12.000, not drawer cash
    goods = sell(shop, "SP-XL")                                # 12.000 exact
    shop.shifts.cash(clerk, "in", 100_000, "beli uang kecil")
    shop.shifts.cash(clerk, "out", 25_000, "bayar galon")
    supervisor = shop.staff.add(owner, "Sari", Role.SUPERVISOR, "2580")
    shop.refunds.refund(supervisor, goods.id, None, "rusak")   # cash 12.000 leaves
    shop.refunds.refund(supervisor, qris.id, None, "batal")    # QRIS: not the drawer
    fail_topup(shop, pulsa.lines[0].topup.ref_id)
    shop.shifts.pay_back_failed_topup(clerk, pulsa.lines[0].topup.ref_id)  # 12.000 back
    budi = shop.customers.add(owner, "Budi", "081299990000", credit_limit=100_000)
    shop.sales.sell(clerk, [CartLine("SP-TSEL", 2)],                # 30.000 on his account:
                    Payment(PaymentMethod.KASBON, customer_id=budi.id))  # not drawer cash
    shop.kasbon.pay(owner, budi.id, 20_000, "cash")                 # 20.000 into the drawer
    shop.kasbon.pay(owner, budi.id, 5_000, "transfer")              # not the drawer's
    shop.clock.moment += timedelta(minutes=1)
    closed = shop.shifts.close(clerk, 310_000)
    # 200.000 + 82.000 received - 28.000 change + 100.000 - 25.000 - 12.000 - 12.000
    # + 20.000 kasbon paid in cash
    assert closed.shift.expected == 325_000
    assert closed.shift.counted == 310_000 and closed.shift.difference == -15_000
    f = closed.figures
    assert (f.cash_received, f.change_given, f.cash_in, f.cash_out, f.cash_refunds,
            f.topup_paybacks, f.kasbon_cash) == (82_000, 28_000, 100_000, 25_000, 12_000,
                                                 12_000, 20_000)
    assert f.non_cash == (("kasbon", 1, 30_000), ("qris", 1, 12_000), ("transfer", 1, 12_000))
    assert f.non_cash_refunds == 12_000
    assert sum(f.parts().values()) == f.expected
    audit = {e.action: e.detail for e in shop.audit.for_day(owner, shop.today())}
    assert audit["shift.closed"]["difference"] == -15_000
    assert audit["cash.out"]["reason"] == "bayar galon"


def test_with_shifts_on_a_sale_needs_an_open_shift(shop):
    shop.shifts.configure(shop.users.authenticate("9999"), required=True)
    with pytest.raises(KioskError) as err:
        sell(shop, "SP-TSEL")
    assert "buka shift dulu" in err.value.message.lower()
    assert shop.sales.for_day(shop.today()) == []  # nothing written


def test_without_shifts_each_day_has_one_implicit_shift(shop, clock):
    first = sell(shop, "SP-TSEL")
    sell(shop, "SP-TSEL")
    today = shop.shifts.current()
    assert today.implicit and today.opening_float == 0
    clock.moment += timedelta(days=1)
    sell(shop, "SP-TSEL")
    tomorrow = shop.shifts.current()
    assert tomorrow.id != today.id and tomorrow.business_date > today.business_date
    owner = shop.users.authenticate("9999")
    old = shop.shifts.report(owner, today.id)
    assert not old.shift.open and old.figures.cash_received == 2 * first.total


def test_one_shift_at_a_time_and_a_clerk_closes_only_their_own(shop):
    owner = shop.users.authenticate("9999")
    clerk = shop.users.authenticate("1111")
    shop.shifts.open(owner, 50_000)
    with pytest.raises(KioskError):
        shop.shifts.open(clerk, 10_000)
    with pytest.raises(PermissionDenied):
        shop.shifts.close(clerk, 50_000)
    assert shop.shifts.close(owner, 50_000).shift.difference == 0


def test_refusals_of_the_drawer(shop):
    clerk = shop.users.authenticate("1111")
    with pytest.raises(KioskError):
        shop.shifts.close(clerk, 0)  # nothing open
    shop.shifts.open(clerk, 0)
    with pytest.raises(KioskError):
        shop.shifts.cash(clerk, "out", 10_000, "  ")  # a reason is needed
    with pytest.raises(KioskError):
        shop.shifts.cash(clerk, "in", 0, "x")
    with pytest.raises(KioskError):
        shop.shifts.close(clerk, denominations={75_000: 1})
    with pytest.raises(KioskError):
        shop.shifts.close(clerk, 10_000, denominations={5_000: 1})
    sale = sell(shop, "TSEL10", to="081234567890")
    with pytest.raises(KioskError):  # not failed: no money goes back
        shop.shifts.pay_back_failed_topup(clerk, sale.lines[0].topup.ref_id)
    fail_topup(shop, sale.lines[0].topup.ref_id)
    shop.shifts.pay_back_failed_topup(clerk, sale.lines[0].topup.ref_id)
    with pytest.raises(KioskError):  # once only
        shop.shifts.pay_back_failed_topup(clerk, sale.lines[0].topup.ref_id)


def test_a_clerk_sees_only_their_own_shifts(shop):
    owner = shop.users.authenticate("9999")
    clerk = shop.users.authenticate("1111")
    shop.shifts.open(owner, 0)
    shop.shifts.close(owner, 0)
    mine = shop.shifts.open(clerk, 0)
    assert [s.id for s in shop.shifts.list(clerk)] == [mine.id]
    assert len(shop.shifts.list(owner)) == 2
    with pytest.raises(PermissionDenied):
        shop.shifts.report(clerk, mine.id - 1)


# -- the property: expected cash over random sequences ------------------------------------

GOODS = {"SP-TSEL": 15_000, "SP-ISAT": 12_000, "SP-XL": 12_000}
_sale = st.tuples(st.just("sale"), st.sampled_from(sorted(GOODS)), st.integers(1, 2),
                  st.sampled_from(["cash", "cash", "qris", "transfer"]),
                  st.integers(0, 3) .map(lambda n: n * 5_000))
_move = st.tuples(st.sampled_from(["in", "out"]), st.integers(1, 50).map(lambda n: n * 1_000))
_refund = st.tuples(st.just("refund"), st.integers(0, 100))
_failed = st.tuples(st.just("failed"), st.sampled_from(["cash", "qris"]), st.booleans())
_ops = st.lists(st.one_of(_sale, _move, _refund, _failed), max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=st.integers(0, 40).map(lambda n: n * 5_000), ops=_ops)
def test_expected_cash_is_the_drawer_over_any_sequence(opening, ops):
    clock = FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        k = _kiosk(Path(folder) / "data", clock)
        try:
            clerk = k.users.authenticate("1111")
            owner = k.users.authenticate("9999")
            k.shifts.open(clerk, opening)
            drawer, sales = opening, []  # what a person watching the drawer would count
            for op in ops:
                if op[0] == "sale":
                    _, sku, qty, method, extra = op
                    total = GOODS[sku] * qty
                    given = total + extra if method == "cash" else None
                    sales.append(sell(k, sku, qty, method, given))
                    drawer += total if method == "cash" else 0
                elif op[0] in ("in", "out"):
                    if op[0] == "out" and op[1] > drawer:
                        continue  # nobody hands out cash the drawer does not hold
                    k.shifts.cash(clerk, op[0], op[1], "alasan")
                    drawer += op[1] if op[0] == "in" else -op[1]
                elif op[0] == "refund" and sales:
                    sale = sales[op[1] % len(sales)]
                    cash = sale.payment_method is PaymentMethod.CASH
                    if cash and sale.total > drawer:
                        continue
                    sales.remove(sale)
                    k.refunds.refund(owner, sale.id, None, "retur")
                    drawer -= sale.total if sale.payment_method is PaymentMethod.CASH else 0
                elif op[0] == "failed":
                    _, method, paid_back = op
                    sale = sell(k, "TSEL10", 1, method, to="081234567890")
                    drawer += sale.total if method == "cash" else 0
                    fail_topup(k, sale.lines[0].topup.ref_id)
                    if paid_back and sale.total <= drawer:
                        k.shifts.pay_back_failed_topup(clerk, sale.lines[0].topup.ref_id)
                        drawer -= sale.total
            closed = k.shifts.close(clerk, drawer)
            assert closed.shift.expected == drawer
            assert closed.shift.difference == 0
            assert sum(closed.figures.parts().values()) == drawer
        finally:
            k.close()
