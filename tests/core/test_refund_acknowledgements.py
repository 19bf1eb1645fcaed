"""A clerk's "money returned" on a failed top-up is stored with who and when; the daily
report then no longer counts that money as owed to the customer."""

from __future__ import annotations

import pytest

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import apply_status
from tests.aids.cart import cash, pulsa


def _failed(kiosk, clerk) -> str:
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    ref_id = sale.lines[0].topup.ref_id
    with kiosk.db.write() as conn:
        apply_status(conn, ref_id, TopUpStatus.FAILED)
    return ref_id


def test_acknowledging_stores_who_and_when_and_the_report_stops_owing(kiosk, clerk):
    owed, returned = _failed(kiosk, clerk), _failed(kiosk, clerk)
    assert kiosk.acknowledgements.refund_acknowledgement(returned) is None
    ack = kiosk.acknowledgements.acknowledge_refund(returned, clerk)
    assert (ack.user_id, ack.user_name) == (clerk.id, clerk.name)
    assert ack.acknowledged_at.tzinfo is not None
    assert kiosk.acknowledgements.refund_acknowledgement(returned) == ack
    assert kiosk.acknowledgements.refund_acknowledgement(owed) is None
    r = kiosk.reports.daily(kiosk.today())
    assert (r.failed_count, r.failed_amount) == (2, 12_000)
    assert (r.failed_returned_count, r.failed_returned_amount) == (1, 12_000)


def test_a_second_acknowledgement_keeps_the_first(kiosk, clerk):
    ref_id = _failed(kiosk, clerk)
    first = kiosk.acknowledgements.acknowledge_refund(ref_id, clerk)
    owner = kiosk.users.authenticate("9999")
    assert kiosk.acknowledgements.acknowledge_refund(ref_id, owner) == first


def test_only_a_failed_top_up_can_be_acknowledged(kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [pulsa()], cash())
    with pytest.raises(KioskError) as refused:
        kiosk.acknowledgements.acknowledge_refund(sale.lines[0].topup.ref_id, clerk)
    assert "tidak gagal" in refused.value.message
    assert kiosk.reports.daily(kiosk.today()).failed_returned_count == 0
