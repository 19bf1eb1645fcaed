"""The background worker: sends pending top-ups upstream and re-checks them until final.

One loop finds pending top-ups whose ``next_check_at`` is due and hands each to a thread
pool; a send and a status check are the same call (same ref_id). Callbacks may never come,
so this polling is what guarantees every top-up reaches a final status.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from pulsa_protocol.wire import TopUpStatus
from sqlalchemy import select

from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import TopUp
from distributor_server.topups import apply_result
from distributor_server.upstream import UpstreamResult, UpstreamUnavailable

log = logging.getLogger(__name__)


class UpstreamWorker:
    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self._pool = ThreadPoolExecutor(ctx.settings.worker_threads, "upstream")
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
            try:
                self._dispatch_due()
            except Exception:
                log.exception("upstream poller failed; retrying")
            self._wake.wait(timeout=idle)
            self._wake.clear()

    def _dispatch_due(self) -> None:
        with self.ctx.db.read() as session:
            due = session.execute(
                select(TopUp.id, TopUp.upstream_ref_id, TopUp.sku, TopUp.destination)
                .where(TopUp.status == TopUpStatus.PENDING.value, TopUp.next_check_at <= utcnow())
                .order_by(TopUp.next_check_at).limit(500)
            ).all()
        for row in due:
            with self._lock:
                if row.id in self._inflight:
                    continue
                self._inflight.add(row.id)
            try:
                self._pool.submit(self._process, row.id, row.upstream_ref_id, row.sku,
                                  row.destination)
            except RuntimeError:  # pool shut down
                return

    def _process(self, topup_id: int, ref_id: str, sku: str, destination: str) -> None:
        try:
            try:
                result = self.ctx.upstream.send(ref_id, sku, destination)
            except UpstreamUnavailable as exc:
                result = UpstreamResult(TopUpStatus.PENDING, message=str(exc))
            except Exception as exc:
                log.exception("upstream send of %s crashed; will ask again", ref_id)
                result = UpstreamResult(TopUpStatus.PENDING, message=type(exc).__name__)
            if not self._stop.is_set():
                apply_result(self.ctx, topup_id, result)
        except Exception:
            log.exception("could not record the upstream outcome of %s", ref_id)
        finally:
            with self._lock:
                self._inflight.discard(topup_id)
