"""Refused kiosk requests worth an incident: many bad signatures from one address (someone
guessing secrets, or a kiosk set up with an old one) and a kiosk whose clock is off (its
signature is right but its timestamp is not: every request it makes is refused).

Counted in memory per process, so a flood of bad requests costs no database write each; an
event is written (on a thread of its own, never on the event loop) when an address crosses
``BAD_SIGNATURE_BURST`` refusals in ``WINDOW_SECONDS``, or for a kiosk's first stale
timestamp, then at most once per ``WINDOW_SECONDS`` per address or kiosk.
"""

from __future__ import annotations

import logging
import threading
import time

from distributor_server.context import ServerContext
from distributor_server.incident_rules import BAD_SIGNATURES, KIOSK_CLOCK
from distributor_server.incidents import record_event

log = logging.getLogger(__name__)
WINDOW_SECONDS = 600
BAD_SIGNATURE_BURST = 10
MAX_TRACKED = 10_000

_lock = threading.Lock()
_counts: dict[str, tuple[float, int]] = {}  # subject -> (window start, refusals)
_reported: dict[str, float] = {}  # subject -> when its last event was written


def _count(subject: str, now: float) -> int:
    with _lock:
        if len(_counts) > MAX_TRACKED:  # a spray from many addresses: start counting afresh
            _counts.clear()
        start, count = _counts.get(subject, (now, 0))
        if now - start > WINDOW_SECONDS:
            start, count = now, 0
        _counts[subject] = (start, count + 1)
        return count + 1


def _due(subject: str, now: float) -> bool:
    with _lock:
        if now - _reported.get(subject, -WINDOW_SECONDS - 1) <= WINDOW_SECONDS:
            return False
        if len(_reported) > MAX_TRACKED:
            _reported.clear()
        _reported[subject] = now
        return True


def _write(ctx: ServerContext, kind: str, subject: str, detail: str, **kw: object) -> None:
    def work() -> None:
        try:
            record_event(ctx.db, kind, subject, detail, **kw)
        except Exception:
            log.exception("could not record the %s event for %s", kind, subject)

    threading.Thread(target=work, name="request-watch", daemon=True).start()


def bad_signature(ctx: ServerContext, address: str, kiosk_id: int) -> None:
    now = time.monotonic()
    subject = f"address:{address or '?'}"
    count = _count(subject, now)
    if count >= BAD_SIGNATURE_BURST and _due(subject, now):
        _write(ctx, BAD_SIGNATURES, subject,
               f"{count} requests with a wrong signature from {address or '?'} in "
               f"{WINDOW_SECONDS // 60} minutes (last one claimed kiosk {kiosk_id})",
               facts={"count": count, "address": address or "?", "kiosk": kiosk_id,
                      "minutes": WINDOW_SECONDS // 60})


def clock_off(ctx: ServerContext, kiosk_id: int, timestamp: str) -> None:
    now = time.monotonic()
    subject = f"kiosk:{kiosk_id}"
    if not _due(subject, now):
        return
    try:
        skew = int(float(timestamp) - time.time())
        detail = f"kiosk {kiosk_id}'s clock is {skew:+d} seconds off; its requests are refused"
    except (ValueError, OverflowError):
        skew = None
        detail = f"kiosk {kiosk_id} sent an unreadable timestamp; its requests are refused"
    facts = {"kiosk": kiosk_id, "skew": f"{skew:+d}"} if skew is not None else None
    _write(ctx, KIOSK_CLOCK, subject, detail, kiosk_id=kiosk_id, facts=facts)


def forget() -> None:
    """Tests: start from no counts."""
    with _lock:
        _counts.clear()
        _reported.clear()
