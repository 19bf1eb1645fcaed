"""``SyncService``: keeps one kiosk in step with its distributor from background threads.

Two plain threads (no Qt): the RELAY sends the outbox (woken at once by ``SALE_SAVED``,
else every ``relay_interval`` seconds; exponential backoff while the server cannot be
reached) and the PULL long-polls ``/v1/changes`` so statuses and ledger rows arrive near
live. Selling never waits on either: a sale only writes locally. State goes out through
``kiosk.events``: ``SYNC_STATE`` {online, queue, last_sync, error, conflicts, drift},
``TOPUP_CHANGED`` for every change applied and ``DEPOSIT_CHANGED``. A reply that does not
prove it comes from the distributor (``DistributorNotProven``) is also said once as a
``NOTICE`` sentence for the clerk. A 429/503 with ``Retry-After`` holds that loop back at
least that long (a saved sale does not cut the wait short).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from kiosk_pos.core import sync_state as state
from kiosk_pos.core.clock import utc_now
from kiosk_pos.core.complaints import COMPLAINT_FILED
from kiosk_pos.core.events import NOTICE, SALE_SAVED, SYNC_STATE
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.store.schema import topups
from kiosk_pos.sync import pull as pull_mod
from kiosk_pos.sync import relay
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.complaints import relay_complaints
from kiosk_pos.sync.errors import (
    DistributorNotProven,
    DistributorRejected,
    DistributorUnreachable,
    SyncError,
)

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    pushed: int = 0            # top-ups the server accepted in this cycle
    updated: int = 0           # local top-up status changes applied in this cycle
    pending: int = 0           # top-ups not final now (queued or pending)
    failed: int = 0            # top-ups that became FAILED in this cycle (refund the customer)
    balance: int = 0           # local cached deposit balance after the cycle
    online: bool = False       # the server answered
    queue: int = 0             # outbox rows still waiting for a definite answer
    server_balance: int | None = None
    conflicts: int = 0         # ref_conflict rows held out of the queue
    drift: int | None = None   # local - expected after the pull (0 = consistent)
    aligned: int = 0           # first-sync opening adjust written (rupiah)
    prices: int | None = None  # products updated by the price sync (None if not run)
    reconciled: bool = False
    error: str | None = None
    error_kind: str | None = None  # unreachable, malformed, unproven or rejected

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def error_kind(error: Exception) -> str:
    if isinstance(error, DistributorNotProven):
        return "unproven"
    if isinstance(error, DistributorUnreachable):
        return "unreachable"
    if isinstance(error, DistributorRejected):
        return "rejected"
    return "malformed"


def retry_after(error: Exception | None) -> float:
    """Seconds the server asked us to wait before the next try (0 when it did not say)."""
    return float(getattr(error, "retry_after", None) or 0.0)


def _count_open(kiosk: Kiosk) -> int:
    with kiosk.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(topups).where(
            topups.c.status.in_([TopUpStatus.QUEUED.value, TopUpStatus.PENDING.value]))
        ).scalar() or 0)


class SyncService:
    """Background relay + pull for one kiosk; ``sync_once`` for a whole cycle on demand."""

    def __init__(
        self,
        kiosk: Kiosk,
        client: DistributorClient,
        *,
        relay_interval: float = 5.0,
        poll_wait: float = 15.0,
        max_backoff: float = 60.0,
        batch_size: int = relay.DEFAULT_BATCH,
        prices_every: float = 600.0,
    ) -> None:
        self.kiosk = kiosk
        self.client = client
        self.relay_interval = relay_interval
        self.poll_wait = poll_wait
        self.max_backoff = max_backoff
        self.batch_size = batch_size
        self.prices_every = prices_every
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._cycle_lock = threading.Lock()
        self.online = False
        self.error: str | None = None
        self.error_kind: str | None = None
        self.last_sync: datetime | None = None
        self._last_prices = 0.0
        self._holds: dict[str, float] = {}  # thread name -> Retry-After seconds to honour

    # ------------------------------------------------------------------ state

    def state(self) -> dict[str, Any]:
        with self.kiosk.db.read() as conn:
            last = state.get(conn, state.LAST_SYNC)
            drift = state.get(conn, state.DRIFT)
        # the stored time is noted at most every LAST_SYNC_EVERY seconds (it is what a new
        # run shows first); this run's own is the newer while the service is running
        times = [t for t in (datetime.fromisoformat(last) if last else None, self.last_sync)
                 if t is not None]
        last_sync = max(times) if times else None
        return {"online": self.online, "queue": self.kiosk.sales.queue_length(),
                "last_sync": last_sync, "error": self.error, "error_kind": self.error_kind,
                "conflicts": relay.conflict_count(self.kiosk), "drift": drift}

    def _publish(self) -> None:
        try:
            self.kiosk.events.trigger(SYNC_STATE, self.state())
        except Exception:  # the store may be closing under us at shutdown
            log.debug("could not publish sync state", exc_info=True)

    def _mark(self, online: bool, error: Exception | str | None = None) -> None:
        changed = (online, str(error) if error else None) != (self.online, self.error)
        self.online = online
        self.error = str(error) if error else None
        self.error_kind = error_kind(error) if isinstance(error, Exception) else None
        if online and not error:
            self.last_sync = utc_now()
        if changed or online:
            self._publish()
        if changed and isinstance(error, DistributorNotProven):
            self.kiosk.events.trigger(NOTICE, str(error))

    # ------------------------------------------------------------------ one cycle

    def sync_once(self, *, prices: bool = True, reconcile: bool = True) -> SyncResult:
        """Push everything queued, pull the feed to its end, then prices and today's check.

        Never raises for network trouble: ``online`` False and ``error`` say what happened.
        """
        result = SyncResult()
        with self._cycle_lock:
            pushed = relay.relay_all(self.kiosk, self.client, batch_size=self.batch_size)
            result.pushed = pushed.pushed
            changes = list(pushed.status_changes)
            error: Exception | None = pushed.error or relay_complaints(
                self.kiosk, self.client).error
            try:
                pulled = pull_mod.pull(self.kiosk, self.client)
                changes += pulled.status_changes
                result.drift, result.aligned = pulled.drift, pulled.aligned
                result.online = True
            except SyncError as exc:
                error = error or exc
            if result.online:
                try:
                    result.server_balance = self.client.balance().balance
                except SyncError as exc:
                    error = error or exc
            if result.online and prices:
                result.prices = self._run_prices()
            if result.online and reconcile:
                result.reconciled = self._run_reconcile()
        result.updated = len(changes)
        result.failed = sum(1 for c in changes if c.topup.status is TopUpStatus.FAILED)
        result.pending = _count_open(self.kiosk)
        result.balance = self.kiosk.deposit.balance()
        result.queue = self.kiosk.sales.queue_length()
        result.conflicts = relay.conflict_count(self.kiosk)
        if error is not None and not isinstance(error, DistributorRejected):
            result.online = result.online and not isinstance(error, DistributorUnreachable)
        result.error = str(error) if error else None
        if error is not None:
            result.error_kind = error_kind(error)
        self._mark(result.online, error)
        return result

    def _run_prices(self) -> int | None:
        try:
            from kiosk_pos.sync.prices import sync_prices
        except ImportError:
            return None
        try:
            return int(sync_prices(self.kiosk, self.client))
        except SyncError as exc:
            log.info("price sync: %s", exc)
        except Exception:
            log.exception("price sync failed")
        return None

    def _run_reconcile(self) -> bool:
        try:
            from kiosk_pos.sync.reconcile import reconcile_day
        except ImportError:
            return False
        try:
            reconcile_day(self.kiosk, self.client, self.kiosk.today())
            return True
        except SyncError as exc:
            log.info("reconcile: %s", exc)
        except Exception:
            log.exception("reconciliation failed")
        return False

    # ------------------------------------------------------------------ threads

    def start(self) -> None:
        with self._lock:
            if self._threads:
                return
            self._stop.clear()
            self.kiosk.events.register(SALE_SAVED, self._on_sale)
            self.kiosk.events.register(COMPLAINT_FILED, self._on_sale)
            for name, target in (("sync-relay", self._relay_loop), ("sync-pull", self._pull_loop)):
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)
        self._publish()

    def stop(self, timeout: float = 3.0) -> None:
        with self._lock:
            threads, self._threads = self._threads, []
            self._stop.set()
            self._wake.set()
            self.kiosk.events.unregister(SALE_SAVED, self._on_sale)
            self.kiosk.events.unregister(COMPLAINT_FILED, self._on_sale)
        for thread in threads:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return bool(self._threads)

    def wake(self) -> None:
        """Send the queue now (called on every saved sale)."""
        self._wake.set()

    def _on_sale(self, _sale: object) -> None:
        self.wake()

    def _backoff(self, failures: int) -> float:
        base = min(self.max_backoff, self.relay_interval * (2 ** min(failures, 8)) / 4)
        return base * (0.5 + random.random() / 2)

    def _loop(self, step: Callable[[], bool], idle: float) -> None:
        failures = 0
        name = threading.current_thread().name
        while not self._stop.is_set():
            if step == self._relay_step:
                self._wake.clear()  # a sale saved from here on wakes the next wait
            try:
                ok = step()
            except Exception as exc:  # never let the thread die: report and back off
                log.exception("sync step failed")
                self._mark(False, exc)
                ok = False
            failures = 0 if ok else failures + 1
            delay = idle if ok else self._backoff(failures)
            hold = self._holds.pop(name, 0.0)
            if hold > delay:  # the server said how long: no sale cuts this wait short
                self._stop.wait(hold)
            elif delay:
                self._wake.wait(delay)

    def _relay_loop(self) -> None:
        self._loop(self._relay_step, self.relay_interval)

    def _pull_loop(self) -> None:
        self._loop(self._pull_step, 0.0)

    def _relay_step(self) -> bool:
        if self._stop.is_set():
            return True
        with self._cycle_lock:
            result = relay.relay_all(self.kiosk, self.client, batch_size=self.batch_size)
            if result.error is None:  # complaints wait in their outbox like top-ups
                result.error = relay_complaints(self.kiosk, self.client).error
        if result.error is not None:
            self._mark(isinstance(result.error, DistributorRejected), result.error)
            self._holds[threading.current_thread().name] = retry_after(result.error)
            return False
        self._mark(True)
        return True

    def _pull_step(self) -> bool:
        try:
            result = pull_mod.pull(self.kiosk, self.client, wait=self.poll_wait,
                                   keep_going=lambda: not self._stop.is_set())
        except SyncError as exc:
            self._mark(isinstance(exc, DistributorRejected), exc)
            self._stop.wait(max(self._backoff(3), retry_after(exc)))
            return True  # the wait above was the backoff
        if result.complete:
            self._mark(True)
            if result.aligned:  # the first sync: the opening figure takes the distributor's
                log.info("opening deposit aligned with the distributor (%+d)", result.aligned)
            elif result.drift:
                log.warning("local deposit differs from the distributor by %s", result.drift)
        now = time.monotonic()
        if self.prices_every and now - self._last_prices > self.prices_every:
            self._last_prices = now
            self._run_prices()
        return True
