from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import apply_status
from tests.aids.cart import cash, pulsa


def test_failed_top_up_refunds_the_deposit_with_its_own_row(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    ref = sale.lines[0].topup.ref_id
    after_sale = kiosk.deposit.balance()
    with kiosk.db.write() as conn:
        change = apply_status(conn, ref, TopUpStatus.FAILED, message="nomor tidak aktif")
    assert change.refunded == sale.lines[0].unit_cost
    assert kiosk.deposit.balance() == after_sale + sale.lines[0].unit_cost
    assert kiosk.deposit.entries(1)[0].reason == "refund"
    assert kiosk.sales.get(sale.id).lines[0].topup.status is TopUpStatus.FAILED


def test_success_keeps_the_sn_and_final_states_stay_final(kiosk, clerk):
    ref = kiosk.sales.sell(clerk, [pulsa()], cash()).lines[0].topup.ref_id
    with kiosk.db.write() as conn:
        assert apply_status(conn, ref, TopUpStatus.PENDING) is not None
        assert apply_status(conn, ref, TopUpStatus.SUCCESS, sn="0144123") is not None
        assert apply_status(conn, ref, TopUpStatus.FAILED) is None  # a late, stale report
        assert apply_status(conn, ref, TopUpStatus.SUCCESS, sn="0144123") is None
    topup = kiosk.sales.recent()[0].lines[0].topup
    assert (topup.status, topup.sn) == (TopUpStatus.SUCCESS, "0144123")


def test_unknown_ref_id_changes_nothing(kiosk):
    with kiosk.db.write() as conn:
        assert apply_status(conn, "not-ours", TopUpStatus.SUCCESS) is None


def test_a_top_up_finds_its_sale(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    assert kiosk.sales.by_ref_id(sale.lines[0].topup.ref_id) == sale
    assert kiosk.sales.by_ref_id("nope") is None
