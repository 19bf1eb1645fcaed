"""Wake-ups across processes: PostgreSQL ``LISTEN/NOTIFY`` (SQLite: in-process only).

A write transaction that adds feed rows for a kiosk, or creates top-ups to send, marks its
session (:func:`notify_on_commit`); just before the commit the database sends one
``pg_notify`` per mark (:func:`install_commit_notify`), so the notice is delivered when, and
only if, the rows are committed. Every API and worker process keeps one listening
connection (:class:`Listener`) that turns the notices into the in-process wake-ups it
already had: a feed tick for the kiosk's long polls and a wake of the upstream sender.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

FEED = "distributor_feed"
"""Payload: the kiosk id whose feed gained rows."""
DUE = "distributor_due"
"""Top-ups are waiting to be sent upstream. Payload: the kiosk id whose submit created them,
whose feed grew too, so one notice does for both (a submit sent FEED as well until issue
14: a second notice for every listening process's backend and thread to handle); empty
from older senders."""
GATHER_SECONDS = 0.003
"""After a notice, how long the listener lets more arrive before it hands them on together.
Under load every submit sends one, and every process hears all of them: a wake-up of the
listening thread each (about 30 us of an API process's CPU a submit, issue 14) became one
per burst, for at most this much later a wake-up of another process's long poll."""
_KEY = "pulsa.notify"
_SEND = text("SELECT pg_notify(c, p) FROM unnest(CAST(:c AS text[]), CAST(:p AS text[])) "
             "AS t(c, p)")


def notify_on_commit(session: Session, channel: str, payload: str = "") -> None:
    """Send ``channel``/``payload`` to every listening process when this session commits."""
    session.info.setdefault(_KEY, set()).add((channel, payload))


def install_commit_notify(factory: sessionmaker) -> None:
    """On PostgreSQL: emit a session's marks in one statement just before it commits."""

    @event.listens_for(factory, "before_commit")
    def _send(session: Session) -> None:
        marks = sorted(session.info.pop(_KEY, ()))
        if marks:
            session.execute(_SEND, {"c": [c for c, _p in marks], "p": [p for _c, p in marks]})

    @event.listens_for(factory, "after_rollback")
    def _drop(session: Session) -> None:
        session.info.pop(_KEY, None)


class Listener:
    """One connection per process that LISTENs and calls ``on_feed(kiosk_id)``/``on_due()``.
    It reconnects after a lost connection; meanwhile the long polls' periodic re-read and
    the senders' idle polling still find everything, only later. ``on_gap()`` is called
    when the connection is lost and again once it listens anew (notices sent in between
    are lost): the long polls, which do not re-read the feed while notices reach them,
    read it once more then."""

    def __init__(self, conninfo: str, on_feed: Callable[[int], None],
                 on_due: Callable[[], None], on_gap: Callable[[], None] | None = None
                 ) -> None:
        self.conninfo = conninfo
        self.on_feed = on_feed
        self.on_due = on_due
        self.on_gap = on_gap or (lambda: None)
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._conn: object = None
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f"LISTEN {FEED}")
                    conn.execute(f"LISTEN {DUE}")
                    self.connected.set()
                    self.on_gap()  # feed rows committed while we were not listening
                    self.on_due()  # anything notified while we were not listening
                    while not self._stop.is_set():
                        burst = list(conn.notifies(timeout=1.0, stop_after=1))
                        if burst:  # let the rest of a busy moment arrive: one wake-up
                            self._stop.wait(GATHER_SECONDS)
                            burst += conn.notifies(timeout=0)
                        self._deliver_all([(n.channel, n.payload) for n in burst])
            except Exception as exc:  # lost connection, database restart
                if self.connected.is_set():
                    self.connected.clear()
                    self.on_gap()
                log.warning("LISTEN connection lost (%s); reconnecting", type(exc).__name__)
                self._stop.wait(1.0)

    def _deliver_all(self, notices: list[tuple[str, str]]) -> None:
        """A burst of (channel, payload): the senders woken once, each kiosk's polls once."""
        if any(channel == DUE for channel, _payload in notices):
            self.on_due()
        for kiosk_id in dict.fromkeys(int(payload) for channel, payload in notices
                                      if channel in (FEED, DUE) and payload.isdigit()):
            self.on_feed(kiosk_id)
