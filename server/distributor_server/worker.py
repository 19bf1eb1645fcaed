"""The upstream sender: claims due top-ups, calls the supplier, records each outcome.

One loop claims due rows (:mod:`distributor_server.claims`: FOR UPDATE SKIP LOCKED and a
lease) up to the number of free threads and hands each claim to a thread pool; a send and a
status check are the same call (same ref_id). Callbacks may never come, so this polling is
what guarantees every top-up reaches a final status. ``serve`` runs one sender in-process
(the SQLite default); ``distributor-server worker`` runs one as a process of its own, and
any number of those may run against one PostgreSQL database (:func:`run_worker`).
"""

from __future__ import annotations

import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from pulsa_protocol.wire import TopUpStatus
from sqlalchemy.exc import DBAPIError

from distributor_server.claims import Claim, claim_due, sender_name
from distributor_server.context import ServerContext
from distributor_server.topups import apply_result
from distributor_server.upstream import UpstreamResult, UpstreamUnavailable

log = logging.getLogger(__name__)
DATABASE_RETRY_SECONDS = 1.0
"""How long the sender waits before it claims again after the database could not be reached."""


def _first_line(exc: DBAPIError) -> str:
    return (str(exc.orig or exc).strip().splitlines() or [type(exc).__name__])[0]


class UpstreamWorker:
    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self._threads = max(1, ctx.settings.worker_threads)
        self._pool = ThreadPoolExecutor(self._threads, "upstream")
        self._inflight: set[int] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="upstream-poller", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        idle = min(self.ctx.settings.poll_base_seconds, 0.5)
        while not self._stop.is_set():
            busy = False
            try:
                busy = self._dispatch_due()
            except DBAPIError as exc:  # PostgreSQL restarting or unreachable: one line each
                log.warning("database unavailable (%s); claiming again in %g s",
                            _first_line(exc), DATABASE_RETRY_SECONDS)
                self._stop.wait(DATABASE_RETRY_SECONDS)
            except Exception:
                log.exception("upstream poller failed; retrying")
            if not busy:
                self._wake.wait(timeout=idle)
                self._wake.clear()

    def _dispatch_due(self) -> bool:
        """Claim what the free threads can take; True when they took all they could."""
        with self._lock:
            in_flight = frozenset(self._inflight)
        free = self._threads - len(in_flight)
        if free <= 0:
            self._wake.wait(timeout=0.05)  # a thread frees up soon; claim no more meanwhile
            self._wake.clear()
            return True
        claims = claim_due(self.ctx, sender_name(), free, in_flight)
        for claim in claims:
            with self._lock:
                self._inflight.add(claim.topup_id)
            try:
                self._pool.submit(self._process, claim)
            except RuntimeError:  # pool shut down; the lease hands the claim on
                return False
        return len(claims) == free

    def _process(self, claim: Claim) -> None:
        answered = True
        try:
            try:
                result = self.ctx.upstream.send(claim.upstream_ref_id, claim.sku,
                                                claim.destination)
            except UpstreamUnavailable as exc:
                answered = False
                result = UpstreamResult(TopUpStatus.PENDING, message=str(exc))
            except Exception as exc:
                log.exception("upstream send of %s crashed; will ask again",
                              claim.upstream_ref_id)
                answered = False
                result = UpstreamResult(TopUpStatus.PENDING, message=type(exc).__name__)
            # once more on a connection found dead (a database restart): recording an outcome
            # is idempotent, and a lost outcome costs the supplier a second call
            self.ctx.db.retrying(
                lambda: apply_result(self.ctx, claim.topup_id, result, claim, answered))
        except DBAPIError as exc:
            log.warning("could not record the upstream outcome of %s (database unavailable: "
                        "%s); when its lease ends it is asked again", claim.upstream_ref_id,
                        _first_line(exc))
        except Exception:
            log.exception("could not record the upstream outcome of %s", claim.upstream_ref_id)
        finally:
            with self._lock:
                self._inflight.discard(claim.topup_id)
            self._wake.set()


def run_worker(ctx: ServerContext) -> int:
    """``distributor-server worker``: send until SIGTERM or SIGINT, then finish the calls
    in flight (their outcomes are recorded) and exit 0."""
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: done.set())
    ctx.start_listener()  # PostgreSQL: API processes wake this sender when top-ups arrive
    ctx.start_worker()
    log.info("upstream sender %s started (%d threads)", sender_name(),
             ctx.settings.worker_threads)
    done.wait()
    return 0  # the caller's ctx.close() stops the sender after the calls in flight
