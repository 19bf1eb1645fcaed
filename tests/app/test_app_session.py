"""The composition root without Qt: the demo session sells, syncs, prints and stops."""

from __future__ import annotations

import threading

from kiosk_pos.core.events import NOTICE, TOPUP_CHANGED
from kiosk_pos.core.records import CartLine, Payment, TopUpStatus
from kiosk_pos.session import AppSession


def test_the_demo_session_starts_off_the_caller_and_syncs_a_sale(tmp_path):
    session = AppSession.open(tmp_path / "data", demo=True, verify=True)
    caller = threading.get_ident()
    started_on: list[int] = []
    done = threading.Event()
    session.kiosk.events.register(
        TOPUP_CHANGED, lambda t: (started_on.append(threading.get_ident()),
                                  t.status is TopUpStatus.SUCCESS and done.set()))
    session.start()
    try:
        assert session.started.wait(30)
        assert session.sync is not None and session.printer is not None
        clerk = session.kiosk.users.authenticate("1111")
        session.kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        assert done.wait(30)
        assert caller not in started_on  # statuses arrive on the sync's threads
    finally:
        session.stop()


def test_reprint_without_a_printer_is_one_notice(tmp_path):
    session = AppSession.open(tmp_path / "data", demo=True, sync=False, verify=False,
                              backups=False)
    notices: list[str] = []
    session.start()
    try:
        assert session.started.wait(10)
        clerk = session.kiosk.users.authenticate("1111")
        sale = session.kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
        session.kiosk.events.register(NOTICE, notices.append)  # (the sale said it too)
        session.reprint(sale.id)
        assert len(notices) == 1 and "printer" in notices[0].lower()
    finally:
        session.stop()


def test_stop_before_start_closes_at_once(tmp_path):
    session = AppSession.open(tmp_path / "data", demo=True)
    session.stop()
    session.stop()  # twice is harmless
