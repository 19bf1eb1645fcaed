"""The ledger mirror's balance check is measured beside the writer, then written in a small
write transaction: a sale in between does not make it wrong, anything else is measured again,
and a top-up is counted as unaccepted exactly until the server's debit is matched."""

from kiosk_pos.core import change_feed, deposit, ledger_mirror
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.ledger_mirror import ServerLedgerRow
from tests.aids.cart import cash, pulsa


def _drift_now(kiosk) -> int:
    with kiosk.db.read() as conn:
        return ledger_mirror.measure(conn).drift


def _aligned(kiosk, server_balance: int) -> None:
    with kiosk.db.write() as conn:
        state.put(conn, state.SERVER_BALANCE, server_balance)
        state.put(conn, state.ALIGNED, True)


def test_a_sale_between_measure_and_write_leaves_the_drift_right(kiosk, clerk):
    _aligned(kiosk, kiosk.deposit.balance() + 500)
    with kiosk.db.read() as conn:
        measured = ledger_mirror.measure(conn)
    assert measured.drift == -500
    kiosk.sales.sell(clerk, [pulsa()], cash())  # the counter sells meanwhile
    with kiosk.db.write() as conn:
        drift, written = ledger_mirror.check_balance(conn, align=True, measured=measured)
    assert (drift, written) == (-500, 0) == (_drift_now(kiosk), 0)


def test_a_deposit_between_measure_and_write_is_measured_again(kiosk):
    _aligned(kiosk, kiosk.deposit.balance())
    with kiosk.db.read() as conn:
        measured = ledger_mirror.measure(conn)
    assert measured.drift == 0
    kiosk.deposit.credit(20_000, reference="counted by hand")
    with kiosk.db.write() as conn:
        drift, _written = ledger_mirror.check_balance(conn, align=True, measured=measured)
        assert state.get(conn, state.DRIFT) == 20_000
    assert drift == 20_000


def test_a_topup_is_unaccepted_until_its_debit_is_matched_and_never_twice(kiosk, clerk):
    topup = kiosk.sales.sell(clerk, [pulsa()], cash()).lines[0].topup
    with kiosk.db.read() as conn:
        assert ledger_mirror.unaccepted_cost(conn) == topup.cost
        balance = deposit.balance(conn)
    debit = ServerLedgerRow(3, -topup.cost, "topup", topup.ref_id, 100_000)
    for _ in range(2):  # the same page twice: matched once
        done = change_feed.apply_page(kiosk, [FeedChange(3, ledger=debit)], 3, last=True)
    with kiosk.db.read() as conn:
        assert ledger_mirror.unaccepted_cost(conn) == 0
    assert kiosk.deposit.balance() == done.balance == 100_000  # aligned once to the server
    assert done.drift == 0 and balance != 100_000
