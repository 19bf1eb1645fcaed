"""A poll that brings nothing new writes nothing to the kiosk's database (issue 12): the
sync loops all day beside the counter, and every write takes the writer and a flush of the
disk that a sale is waiting for. What it must still write: a drift that changed, and the
sync time once it is ``LAST_SYNC_EVERY`` old. Real HTTP to a real server on 127.0.0.1.

Checked with SQLite's ``PRAGMA data_version`` on a connection of its own, which changes
when any other connection commits to the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from kiosk_pos.core import change_feed
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.clock import utc_now
from kiosk_pos.store.database import connect_read_only
from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.relay import relay_all, relay_once
from tests.aids.distributor import wait_final


class Commits:
    """Whether anything was committed to the kiosk's file since the last look."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.seen = self._version()

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def since(self) -> bool:
        now = self._version()
        changed, self.seen = now != self.seen, now
        return changed


@contextmanager
def commits(shop) -> Iterator[Commits]:
    conn = connect_read_only(shop.kiosk.db.path)
    try:
        yield Commits(conn)
    finally:
        conn.close()


def _synced(shop) -> None:
    """A shop that sold, whose top-up is final on the server, and that pulled it all."""
    ref = shop.sell().topups[0].ref_id
    relay_all(shop.kiosk, shop.client)
    wait_final(shop.client, ref)
    assert pull(shop.kiosk, shop.client).complete


def _stored(shop, name: str) -> object:
    with shop.kiosk.db.read() as conn:
        return state.get(conn, name)


def test_a_poll_with_nothing_new_writes_nothing(make_shop) -> None:
    shop = make_shop()
    _synced(shop)
    with commits(shop) as log:
        for _ in range(3):  # what the sync loop does, again and again
            relay_once(shop.kiosk, shop.client)
            done = pull(shop.kiosk, shop.client)
            assert done.complete and done.drift == 0 and done.changes_applied == 0
        assert not log.since()
        shop.sell()  # a sale is written, of course
        assert log.since()


def test_a_quiet_poll_still_writes_a_drift_that_changed(make_shop) -> None:
    shop = make_shop()
    _synced(shop)
    assert _stored(shop, state.DRIFT) == 0
    shop.kiosk.deposit.credit(20_000, reference="counted by hand")  # not on the server
    with commits(shop) as log:
        done = pull(shop.kiosk, shop.client)
        assert log.since()
    assert done.drift == 20_000 == _stored(shop, state.DRIFT)
    with commits(shop) as log:  # said once; the next poll has nothing new to say
        assert pull(shop.kiosk, shop.client).drift == 20_000
        assert not log.since()


def test_the_sync_time_is_noted_again_once_it_is_old(make_shop, monkeypatch) -> None:
    shop = make_shop()
    _synced(shop)
    noted = str(_stored(shop, state.LAST_SYNC))
    later = utc_now() + timedelta(seconds=change_feed.LAST_SYNC_EVERY + 1)
    monkeypatch.setattr(change_feed, "utc_now", lambda: later)
    with commits(shop) as log:
        assert pull(shop.kiosk, shop.client).complete
        assert log.since()
    assert _stored(shop, state.LAST_SYNC) == later.isoformat() != noted


def test_the_status_bar_shows_the_newer_of_the_noted_and_the_running_sync_time(make_shop
                                                                              ) -> None:
    from kiosk_pos.sync.service import SyncService

    shop = make_shop()
    _synced(shop)
    noted = datetime.fromisoformat(str(_stored(shop, state.LAST_SYNC)))
    service = SyncService(shop.kiosk, shop.client)
    assert service.state()["last_sync"] == noted  # a new run shows the stored one first
    service.last_sync = noted + timedelta(seconds=40)  # polls since, none of them noted
    assert service.state()["last_sync"] == noted + timedelta(seconds=40)
    service.last_sync = noted - timedelta(hours=1)
    assert service.state()["last_sync"] == noted
