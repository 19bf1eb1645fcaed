"""Background printing: jobs wait in a queue served by one worker thread.

``submit`` returns at once, whatever the printer does. A job that fails is kept
with its sentence and can be retried; listeners (plain callables, called from
the worker thread) hear every state change. Nothing here raises into the caller
for a printer problem. Qt code re-emits the listener calls as signals.
"""

from __future__ import annotations

import itertools
import logging
import queue as _queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from kiosk_pos.printing.connections import Connection, PrinterError, open_connection
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.escpos_render import render_escpos
from kiosk_pos.printing.settings import PrinterSettings
from kiosk_pos.printing.texts import pt

log = logging.getLogger(__name__)

HISTORY_LIMIT = 200


class JobState(StrEnum):
    QUEUED = "queued"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True, slots=True)
class PrintJob:
    """What to print and where. ``data`` and ``connection`` may be callables so the
    rendering and the connection set-up also happen on the worker thread."""

    title: str
    data: bytes | Callable[[], bytes]
    connection: Connection | Callable[[], Connection]


@dataclass(frozen=True, slots=True)
class JobStatus:
    job_id: int
    title: str
    state: JobState
    error: str | None = None
    reason: str | None = None
    attempts: int = 0


Listener = Callable[[JobStatus], None]


def print_job_for(
    document: ReceiptDocument | Callable[[], ReceiptDocument], settings: PrinterSettings, *,
    title: str | None = None, copies: int | None = None,
) -> PrintJob:
    """A job printing ``document`` as ``settings`` say (width, logo, copies, drawer).

    ``document`` may be a callable that builds it: then even building the receipt
    happens on the printer's thread, not the caller's (the sale path).
    """
    count = settings.copies if copies is None else copies

    def data() -> bytes:
        doc = document() if callable(document) else document
        return render_escpos(doc, settings.paper_width, logo=settings.logo_path or None,
                             open_drawer=doc.open_drawer and settings.open_drawer_on_cash,
                             copies=count)

    if title is None:
        title = "receipt" if callable(document) else (document.reference or document.title)
    return PrintJob(title, data, lambda: open_connection(settings))


class PrintQueue:
    def __init__(self, *, name: str = "kiosk-print-queue") -> None:
        self._ids = itertools.count(1)
        self._jobs: dict[int, PrintJob] = {}
        self._status: dict[int, JobStatus] = {}
        self._pending: _queue.SimpleQueue[int | None] = _queue.SimpleQueue()
        self._listeners: list[Listener] = []
        self._changed = threading.Condition()
        self._closed = False
        self._worker = threading.Thread(target=self._run, name=name, daemon=True)
        self._worker.start()

    # -- what callers use -------------------------------------------------
    def submit(self, job: PrintJob) -> int:
        """Queue ``job``; returns its id immediately."""
        job_id = next(self._ids)
        with self._changed:
            self._jobs[job_id] = job
            self._forget_old()
        self._set(JobStatus(job_id, job.title, JobState.QUEUED))
        self._enqueue(job_id)
        return job_id

    def retry(self, job_id: int, connection: Connection | Callable[[], Connection] | None = None,
              ) -> bool:
        """Queue a failed job again (optionally to another printer). False if it cannot be."""
        with self._changed:
            status, job = self._status.get(job_id), self._jobs.get(job_id)
            if status is None or job is None or status.state is not JobState.FAILED:
                return False
            if connection is not None:
                self._jobs[job_id] = replace(job, connection=connection)
        self._set(replace(status, state=JobState.QUEUED, error=None, reason=None))
        self._enqueue(job_id)
        return True

    def status(self, job_id: int) -> JobStatus | None:
        with self._changed:
            return self._status.get(job_id)

    def jobs(self) -> list[JobStatus]:
        with self._changed:
            return list(self._status.values())

    def failed(self) -> list[JobStatus]:
        return [s for s in self.jobs() if s.state is JobState.FAILED]

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(status)`` on every change; returns a function that removes it."""
        with self._changed:
            self._listeners.append(listener)

        def remove() -> None:
            with self._changed:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def wait(self, job_id: int, timeout: float) -> JobStatus | None:
        """Block until the job is done or failed, at most ``timeout`` seconds (not for the UI)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                status = self._status.get(job_id)
                if status is not None and status.state.finished:
                    return status
                left = deadline - time.monotonic()
                if left <= 0:
                    return status
                self._changed.wait(left)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the jobs already queued."""
        if not self._closed:
            self._closed = True
            self._pending.put(None)
        self._worker.join(timeout)

    # -- the worker -------------------------------------------------------
    def _enqueue(self, job_id: int) -> None:
        if self._closed:
            self._fail(job_id, pt("error.unexpected", detail="print queue closed"), "closed")
            return
        self._pending.put(job_id)

    def _forget_old(self) -> None:
        """Keep at most HISTORY_LIMIT jobs: drop the oldest finished ones (printed, or
        failed long ago; a sale's receipt can always be reprinted from history).
        Runs only when over the limit, from the oldest end: O(1) per submit."""
        excess = len(self._status) - HISTORY_LIMIT
        if excess <= 0:
            return
        for job_id, status in list(itertools.islice(self._status.items(), excess + 16)):
            if excess <= 0:
                break
            if status.state.finished:
                self._status.pop(job_id, None)
                self._jobs.pop(job_id, None)
                excess -= 1

    def _set(self, status: JobStatus) -> None:
        with self._changed:
            self._status[status.job_id] = status
            listeners = list(self._listeners)
            self._changed.notify_all()
        for listener in listeners:
            try:
                listener(status)
            except Exception:
                log.exception("print queue listener failed")

    def _fail(self, job_id: int, sentence: str, reason: str) -> None:
        status = self.status(job_id)
        if status is not None:
            self._set(replace(status, state=JobState.FAILED, error=sentence, reason=reason))

    def _run(self) -> None:
        while True:
            job_id = self._pending.get()
            if job_id is None:
                return
            with self._changed:
                job, status = self._jobs.get(job_id), self._status.get(job_id)
            if job is None or status is None:
                continue
            status = replace(status, state=JobState.PRINTING, attempts=status.attempts + 1)
            self._set(status)
            try:
                data = job.data() if callable(job.data) else job.data
                connection = job.connection() if callable(job.connection) else job.connection
                connection.send(data)
            except PrinterError as exc:
                log.warning("print job %s failed: %s", job_id, exc.sentence)
                self._set(replace(status, state=JobState.FAILED, error=exc.sentence,
                                  reason=exc.reason))
            except Exception as exc:
                log.exception("print job %s failed unexpectedly", job_id)
                detail = str(exc) or type(exc).__name__
                self._set(replace(status, state=JobState.FAILED, reason="unexpected",
                                  error=pt("error.unexpected", detail=detail)))
            else:
                self._set(replace(status, state=JobState.DONE))

