"""Complaints never make a periodic job or the History screen scan a growing table: the
relay reads only waiting complaints (ix_complaints_unsent), a sale's complaint is found by
its index, an answer from the feed by unique ids (see test_query_plans.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk_pos.core import change_feed
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.complaints import ServerAnswer
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.sync.complaints import relay_complaints
from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.relay import relay_once
from tests.store import test_query_plans as plans
from tests.store.test_query_plans import statement_log  # noqa: F401 - a fixture

HISTORY = (*plans.HISTORY, "complaints", "complaint_answers")


def test_complaint_jobs_and_reads_never_scan_history(make_shop, statement_log,  # noqa: F811
                                                     monkeypatch) -> None:
    monkeypatch.setattr(plans, "HISTORY", HISTORY)
    monkeypatch.setattr(plans, "PENDING_INDEXES", (*plans.PENDING_INDEXES,
                                                   "ix_complaints_unsent"))
    shop = make_shop()
    kiosk, client = shop.kiosk, shop.client
    clerk = kiosk.users.authenticate("1111")
    sales = [kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
             for _ in range(5)]
    relay_once(kiosk, client)
    for sale in sales[:3]:
        kiosk.complaints.file(clerk, sale.id, "not_received")
    relay_complaints(kiosk, client)
    waiting = kiosk.complaints.file(clerk, sales[3].id, "wrong_number")
    answer = ServerAnswer(99_001, waiting.complaint_id, "text", "dicek", "", 0, "answered",
                          datetime.now(UTC))
    steps = [
        ("complaint relay", lambda: relay_complaints(kiosk, client)),
        ("pull", lambda: pull(kiosk, client)),
        ("a sale's complaint", lambda: kiosk.complaints.for_sale(sales[1].id)),
        ("queue length", kiosk.complaints.queue_length),
        ("filing one", lambda: kiosk.complaints.file(clerk, sales[4].id, "not_received")),
        ("an answer from the feed", lambda: change_feed.apply_page(
            kiosk, [FeedChange(10**6, complaint=answer)], 10**6, last=False)),
    ]
    offenders: dict[str, list[str]] = {}
    for name, step in steps:
        statement_log.statements.clear()
        statement_log.recording = True
        step()
        statement_log.recording = False
        assert statement_log.statements, f"no SQL captured for the {name}"
        scans = plans.full_scans(shop.data_dir / "kiosk.db", statement_log.statements)
        if scans:
            offenders[name] = scans
    assert not offenders, "\n".join(f"{name}:\n  " + "\n  ".join(lines)
                                    for name, lines in offenders.items())
