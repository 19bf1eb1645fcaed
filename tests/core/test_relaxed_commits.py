"""Which writes may skip their own flush of the disk (issue 12): only copies of what the
distributor holds, which a power cut can only take together with the cursor (or the queue
row) that makes the kiosk fetch them again. A refusal, which the clerk refunds and which is
never sent again, is flushed before anyone hears of it; a sale never waits for any other
writer's flush but writes with its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kiosk_pos.core import change_feed, outbox
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.outbox import Answer, Verdict
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import ServerTopUp
from kiosk_pos.store import Database
from tests.aids.cart import cash, pulsa


@pytest.fixture
def relaxed_flags(monkeypatch) -> list[bool]:
    """The ``relaxed`` flag of every Database.write, in order."""
    flags: list[bool] = []
    real = Database.write

    @contextmanager
    def write(self, *, relaxed: bool = False) -> Iterator[object]:
        flags.append(relaxed)
        with real(self, relaxed=relaxed) as conn:
            yield conn

    monkeypatch.setattr(Database, "write", write)
    return flags


def _topup(kiosk, clerk) -> ServerTopUp:
    t = kiosk.sales.sell(clerk, [pulsa()], cash()).lines[0].topup
    return ServerTopUp(t.ref_id, t.sku, t.destination, TopUpStatus.FAILED, message="gagal")


def test_a_feed_page_and_its_cursor_are_relaxed(kiosk, clerk, relaxed_flags) -> None:
    failed = _topup(kiosk, clerk)
    done = change_feed.apply_page(kiosk, [FeedChange(1, topup=failed)], 1, last=True)
    assert done.status_changes[0].refunded  # the refund row came in the relaxed page
    assert relaxed_flags and all(relaxed_flags)
    assert change_feed.cursor(kiosk) == 1


def test_a_refusal_is_flushed_an_acceptance_need_not_be(kiosk, clerk, relaxed_flags) -> None:
    accepted, refused = _topup(kiosk, clerk), _topup(kiosk, clerk)
    outbox.record_answers(kiosk, [Answer(accepted.ref_id, Verdict.ACCEPTED,
                                         TopUpStatus.PENDING)])
    outbox.record_answers(kiosk, [Answer(refused.ref_id, Verdict.REFUSED, message="ditolak",
                                         error="insufficient_deposit: saldo kurang")])
    assert relaxed_flags == [True, False]
    assert outbox.unsent(kiosk, 10) == []  # both answers definite: out of the queue
