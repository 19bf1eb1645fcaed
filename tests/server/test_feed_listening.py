"""On PostgreSQL a waiting long poll does not re-read the feed while LISTEN/NOTIFY carries
every other process's changes to it; when the LISTEN connection is lost (the notices sent
meanwhile are lost too) every waiting poll reads its feed again at once."""

from __future__ import annotations

import threading

import psycopg
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.embedded import start_embedded
from distributor_server.kiosks import credit_deposit

from tests.aids.waiting import wait_for
from tests.server.conftest import KioskClient


def _terminate_listener(db_url: str) -> int:
    """End the server's LISTEN connection as a network fault or a DBA would."""
    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        return conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN %'").fetchone()[0]


def test_a_change_whose_notice_was_lost_reaches_the_waiting_poll(pg_url, pg_key_file,
                                                                 monkeypatch):
    """Another process credits the kiosk but its notice is lost (here: never sent); then the
    LISTEN connection drops. The waiting poll (wait 25 s) must answer with the deposit,
    not with an empty page when its wait runs out."""
    from distributor_server import feed

    with start_embedded(pg_url, key_file=pg_key_file) as server:
        ctx = server.ctx
        wait_for(lambda: ctx.hears_other_processes, timeout=10, what="the LISTEN connection")
        creds = server.create_kiosk("Konter Sunyi")
        kiosk = KioskClient(server.url, creds.kiosk_id, creds.secret)
        cursor = kiosk.get("/v1/changes").json()["next_cursor"]
        reply: dict = {}

        def long_poll() -> None:
            answer = kiosk.get(f"/v1/changes?cursor={cursor}&wait=25", timeout=40)
            reply["status"], reply["body"] = answer.status_code, answer.json()

        poller = threading.Thread(target=long_poll)
        poller.start()
        wait_for(lambda: ctx.notifier.waiting(creds.kiosk_id) == 1, timeout=10,
                 what="the long poll to wait")
        other = ServerContext(Settings.for_db(pg_url, pg_key_file))  # "another process"
        try:
            monkeypatch.setattr(feed, "notify_on_commit", lambda *_a, **_k: None)
            credit_deposit(other, creds.kiosk_id, 40_000)  # committed, no notice
            monkeypatch.undo()
        finally:
            other.close()
        assert _terminate_listener(pg_url) >= 1
        poller.join(timeout=40)
        assert reply["status"] == 200
        ledger = [c["ledger"] for c in reply["body"]["changes"] if c["kind"] == "ledger"]
        assert [(e["reason"], e["amount"]) for e in ledger] == [("deposit", 40_000)]
        wait_for(lambda: ctx.hears_other_processes, timeout=15,
                 what="the LISTEN connection to come back")
