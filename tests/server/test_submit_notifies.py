"""A signed submit tells every other process at its commit (PostgreSQL ``NOTIFY``): the
kiosk's feed changed (its long polls held by another API process answer) and a top-up is
due (a worker elsewhere sends it now rather than at its next idle poll), in one notice."""

from __future__ import annotations

from pathlib import Path

import psycopg
from distributor_server.embedded import start_embedded
from distributor_server.notify import DUE, FEED, Listener
from sqlalchemy.engine import make_url

from tests.aids.waiting import wait_for
from tests.server.conftest import FAST, KioskClient


def test_a_submit_notifies_its_feed_and_the_senders_when_it_commits(
        pg_url: str, pg_key_file: Path) -> None:
    url = make_url(pg_url)
    heard: list[tuple[str, str]] = []
    with psycopg.connect(host=url.host, port=url.port, user=url.username,
                         dbname=url.database, autocommit=True) as listener, \
            start_embedded(pg_url, key_file=pg_key_file, **FAST) as server:
        listener.execute(f"LISTEN {FEED}")
        listener.execute(f"LISTEN {DUE}")
        creds = server.create_kiosk("Konter Kabar")
        server.credit_deposit(creds.kiosk_id, 50_000)
        kiosk = KioskClient(server.url, creds.kiosk_id, creds.secret)

        def drain() -> None:
            heard.extend((n.channel, n.payload) for n in listener.notifies(timeout=0.2))

        def heard_all(*wanted: tuple[str, str]) -> bool:
            drain()
            return all(w in heard for w in wanted)

        wait_for(lambda: heard_all((FEED, str(creds.kiosk_id))), timeout=10,
                 what="the deposit's feed notice")
        heard.clear()
        refused = kiosk.put_topup("too-dear", "TSEL10", "081234567890", expected_price=1)
        assert refused.status_code == 422
        drain()
        assert heard == []  # nothing was written, so nobody is told anything
        sold = kiosk.put_topup("sale-1", "TSEL10", "081234567890")
        assert sold.status_code == 201, sold.text
        # one notice for both: due, with the kiosk whose feed grew (issue 14)
        wait_for(lambda: heard_all((DUE, str(creds.kiosk_id))), timeout=10,
                 what="the submit's due notice")


def test_a_due_notice_wakes_the_senders_and_its_kiosks_long_polls() -> None:
    """What the listening thread makes of each notice: a submit's DUE names its kiosk (the
    senders and that kiosk's polls wake), an older sender's DUE is empty (the senders only),
    a FEED notice wakes the kiosk's polls only."""
    woken: list[object] = []
    listener = Listener("", woken.append, lambda: woken.append("due"))
    for notice in [(DUE, "7"), (DUE, ""), (FEED, "9")]:
        listener._deliver_all([notice])
    assert woken == ["due", 7, "due", 9]


def test_a_burst_of_notices_wakes_each_once() -> None:
    """Notices that arrived together (the listener gathers a busy moment's): the senders
    woken once, each kiosk's polls once, in the order the kiosks were first named."""
    woken: list[object] = []
    listener = Listener("", woken.append, lambda: woken.append("due"))
    listener._deliver_all([(FEED, "9"), (DUE, "7"), (DUE, "7"), (DUE, ""), (FEED, "9")])
    assert woken == ["due", 9, 7]
