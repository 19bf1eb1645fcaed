"""The app over a database copied from another computer: the distributor's secret did not
come with it, so sync does not start and the clerk reads, once, that the owner must connect
again; selling goes on."""

from __future__ import annotations

from kiosk_pos.core.events import NOTICE
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.session import AppSession


def test_a_copied_database_starts_without_sync_and_says_to_reconnect(kiosk):
    kiosk.settings.set_many({"sync.url": "http://127.0.0.1:9", "sync.kiosk_id": 17})
    session = AppSession(kiosk, kiosk.data_dir, printing=False, verify=False, backups=False)
    notices: list[str] = []
    kiosk.events.register(NOTICE, notices.append)
    session.start()
    try:
        assert session.started.wait(30)
        assert session.sync is None
        assert len(notices) == 1 and "kiosk-pos connect" in notices[0]
        assert "buka ulang" not in notices[0]  # not "reopen the app": that would not help
        clerk = kiosk.users.authenticate("1111")
        assert kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    finally:
        session.stop()
