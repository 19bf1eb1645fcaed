"""A fact is announced once, by the core, after the commit: the core functions sync calls."""

from collections import Counter

from kiosk_pos.core import change_feed, outbox, price_list
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.events import CATALOG_CHANGED, DEPOSIT_CHANGED, TOPUP_CHANGED
from kiosk_pos.core.ledger_mirror import ServerLedgerRow
from kiosk_pos.core.outbox import Answer, Verdict
from kiosk_pos.core.price_list import PriceListItem
from kiosk_pos.core.records import ProductKind, TopUpStatus
from kiosk_pos.core.topups import ServerTopUp
from tests.aids.cart import cash, pulsa


def _listen(kiosk) -> Counter:
    heard: Counter = Counter()
    for event in (TOPUP_CHANGED, DEPOSIT_CHANGED, CATALOG_CHANGED):
        kiosk.events.register(event, lambda *_a, e=event: heard.update([e]))
    return heard


def test_a_feed_page_announces_each_change_once_after_its_cursor_is_stored(kiosk, clerk):
    topup = kiosk.sales.sell(clerk, [pulsa()], cash()).lines[0].topup
    heard = _listen(kiosk)
    seen_cursor = []
    kiosk.events.register(TOPUP_CHANGED, lambda _t: seen_cursor.append(change_feed.cursor(kiosk)))
    failed = ServerTopUp(topup.ref_id, topup.sku, topup.destination, TopUpStatus.FAILED)
    page = [FeedChange(7, ledger=ServerLedgerRow(7, topup.cost, "refund", topup.ref_id, 0)),
            FeedChange(8, topup=failed)]  # the refund row first: it fails the top-up itself
    done = change_feed.apply_page(kiosk, page, 8, last=False)
    assert [c.topup.status for c in done.status_changes] == [TopUpStatus.FAILED]
    assert heard == Counter({TOPUP_CHANGED: 1, DEPOSIT_CHANGED: 1})
    assert seen_cursor == [8]  # announced after the commit
    assert kiosk.sales.queue_length() == 0  # any server word about it took it off the queue
    change_feed.apply_page(kiosk, page, 8, last=False)  # the same page again: nothing new
    assert heard == Counter({TOPUP_CHANGED: 1, DEPOSIT_CHANGED: 1})
    with kiosk.db.read() as conn:
        assert state.get(conn, state.SERVER_LEDGER_SEQ) == 7


def test_answers_are_recorded_and_announced_once(kiosk, clerk):
    ref = kiosk.sales.sell(clerk, [pulsa()], cash()).lines[0].topup.ref_id
    before = kiosk.deposit.balance()
    heard = _listen(kiosk)
    refused = Answer(ref, Verdict.REFUSED, message="nomor salah", error="bad_destination: x")
    out = outbox.record_answers(kiosk, [refused])
    assert [c.topup.status for c in out.refused] == [TopUpStatus.FAILED]
    assert kiosk.deposit.balance() > before
    assert heard == Counter({TOPUP_CHANGED: 1, DEPOSIT_CHANGED: 1})
    outbox.record_answers(kiosk, [refused])
    assert heard == Counter({TOPUP_CHANGED: 1, DEPOSIT_CHANGED: 1})


def test_a_conflict_is_held_out_of_the_queue(kiosk, clerk):
    ref = kiosk.sales.sell(clerk, [pulsa()], cash()).lines[0].topup.ref_id
    heard = _listen(kiosk)
    outbox.record_answers(kiosk, [Answer(ref, Verdict.CONFLICT, error="other sku")])
    assert outbox.conflict_count(kiosk) == 1
    assert outbox.unsent(kiosk, 10) == []
    assert heard == Counter()


def test_a_price_list_announces_the_catalog_once_and_only_when_it_changed(kiosk):
    heard = _listen(kiosk)
    item = PriceListItem("NEW5", "Pulsa Baru 5rb", ProductKind.PULSA, "telkomsel", 5_000, 5_100)
    result = price_list.apply_price_list(kiosk, [item], version=3, version_before=0)
    assert result.added == ["NEW5"]
    assert heard == Counter({CATALOG_CHANGED: 1})
    assert price_list.saved_version(kiosk) == 3
    price_list.apply_price_list(kiosk, [item], version=3, version_before=3)
    assert heard == Counter({CATALOG_CHANGED: 1})
