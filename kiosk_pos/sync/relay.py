"""The outbox relay: send queued top-ups to the distributor, exactly once.

Rules (see DESIGN.md, "Rules of the money"):
- the stored payload is sent byte for byte, under the ref_id made at sale time, for life;
- a row leaves the queue (``outbox.sent_at``) only on a DEFINITE answer:
  accepted (201 created / 200 exists) -> the top-up takes the server's status;
  refused (402 insufficient deposit, 422 unknown sku, wrong operator, bad destination,
  price changed, invalid) -> the top-up FAILS locally with the server's sentence, the local
  deposit gets its refund row, and the clerk must give the customer's money back;
- 409 ``ref_conflict`` (the server holds this ref_id with another product or number: a bug or
  tampering) keeps the row out of the normal flow, flagged in ``last_error``, loudly logged;
- no answer (unreachable, timeout, 5xx, malformed reply, or a reply not proven to be the
  distributor's: ``DistributorNotProven``) -> the row stays queued and is retried later with
  the same ref_id; the server answers "exists" if it got it before.
One bad item never blocks the others. ``_IN_FLIGHT`` stops two relays in one process from
pushing the same ref_id at once (the server's ref_id idempotency covers other processes).
This module decides what a reply means; :mod:`kiosk_pos.core.outbox` records it and
announces the changes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from pulsa_protocol import wire

from kiosk_pos.core import outbox
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.outbox import CONFLICT_MARK, Answer, Verdict, conflict_count
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.errors import (
    DistributorNotProven,
    DistributorRejected,
    DistributorUnreachable,
    MalformedReply,
)

log = logging.getLogger(__name__)

__all__ = ["CONFLICT_MARK", "RelayResult", "conflict_count", "relay_all", "relay_once"]

REFUSAL_CODES = frozenset({
    wire.ErrorCode.INSUFFICIENT_DEPOSIT, wire.ErrorCode.UNKNOWN_SKU,
    wire.ErrorCode.WRONG_OPERATOR, wire.ErrorCode.BAD_DESTINATION,
    wire.ErrorCode.PRICE_CHANGED, wire.ErrorCode.INVALID_REQUEST,
})
ACCEPTED_CODES = frozenset({wire.ErrorCode.CREATED, wire.ErrorCode.EXISTS})
DEFAULT_BATCH = 100

_IN_FLIGHT: set[tuple[str, str]] = set()
_IN_FLIGHT_LOCK = threading.Lock()


@dataclass
class RelayResult:
    pushed: int = 0                      # accepted by the server (created or exists)
    refused: list[StatusChange] = field(default_factory=list)  # failed: refund the customer
    conflicts: list[str] = field(default_factory=list)
    kept: int = 0                        # still queued after this pass (no definite answer)
    status_changes: list[StatusChange] = field(default_factory=list)
    error: Exception | None = None       # why items were kept, if the whole batch failed


def _claim(key: str, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    with _IN_FLIGHT_LOCK:
        mine = [r for r in rows if (key, r[0]) not in _IN_FLIGHT]
        _IN_FLIGHT.update((key, r[0]) for r in mine)
    return mine


def _release(key: str, rows: list[tuple[str, str]]) -> None:
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.difference_update((key, r[0]) for r in rows)


def answer_for(item: wire.TopUpItemResult) -> Answer:
    """What one item of a batch reply means (the wire's codes in the shop's terms)."""
    if item.code in ACCEPTED_CODES and 200 <= item.http_status < 300:
        t = item.topup
        if t is None:
            return Answer(item.ref_id, Verdict.ACCEPTED)
        return Answer(item.ref_id, Verdict.ACCEPTED, TopUpStatus(t.status.value),
                      sn=t.sn or None, message=t.message or None, price=t.price)
    if item.code == wire.ErrorCode.REF_CONFLICT or item.http_status == 409:
        log.error("REF CONFLICT for %s: %s (kept out of the queue, check it)",
                  item.ref_id, item.message)
        return Answer(item.ref_id, Verdict.CONFLICT, error=item.message)
    if item.code in REFUSAL_CODES or item.http_status in (402, 422):
        return Answer(item.ref_id, Verdict.REFUSED, message=item.message or item.code,
                      error=f"{item.code}: {item.message}")
    # 5xx-like item or a code we do not know: no definite answer, keep it
    return Answer(item.ref_id, Verdict.NO_ANSWER,
                  error=f"{item.http_status} {item.code}: {item.message}")


def _apply_results(kiosk: Kiosk, reply: wire.TopUpBatchResponse, sent: set[str],
                   result: RelayResult) -> None:
    answers = []
    for item in reply.results:
        if item.ref_id not in sent:
            log.warning("batch reply names ref_id %s that was not sent", item.ref_id)
            continue
        answers.append(answer_for(item))
    recorded = outbox.record_answers(kiosk, answers)
    result.pushed += recorded.pushed
    result.refused += recorded.refused
    result.conflicts += recorded.conflicts
    result.kept += recorded.kept
    result.status_changes += recorded.status_changes
    result.kept += len(sent - {i.ref_id for i in reply.results})


def relay_once(kiosk: Kiosk, client: DistributorClient, *, batch_size: int = DEFAULT_BATCH
               ) -> RelayResult:
    """Send ONE batch of queued top-ups. Never raises for network trouble (see ``error``)."""
    result = RelayResult()
    key = str(kiosk.db.path)
    rows = _claim(key, outbox.unsent(kiosk, batch_size))
    if not rows:
        return result
    try:
        good: list[tuple[str, str]] = []
        for ref_id, payload in rows:
            try:
                wire.TopUpRequest.model_validate_json(payload)
                good.append((ref_id, payload))
            except ValueError as exc:  # a local bug: keep the row, say so, send the others
                log.error("outbox payload of %s is not a valid request: %s", ref_id, exc)
                outbox.note_attempt(kiosk, [ref_id], f"bad payload: {exc}")
                result.kept += 1
        if not good:
            return result
        try:
            reply = client.submit_payloads([p for _r, p in good])
        except (DistributorUnreachable, MalformedReply, DistributorNotProven,
                DistributorRejected) as exc:  # no definite answer about any item: keep all
            result.error = exc
            result.kept += len(good)
            outbox.note_attempt(kiosk, [r for r, _p in good], f"{type(exc).__name__}: {exc}")
            return result
        _apply_results(kiosk, reply, {r for r, _p in good}, result)
    finally:
        _release(key, rows)
    return result


def relay_all(kiosk: Kiosk, client: DistributorClient, *, batch_size: int = DEFAULT_BATCH,
              max_batches: int = 1000) -> RelayResult:
    """Send batches until the queue is empty or the server stops answering."""
    total = RelayResult()
    for _ in range(max_batches):
        one = relay_once(kiosk, client, batch_size=batch_size)
        total.pushed += one.pushed
        total.refused += one.refused
        total.conflicts += one.conflicts
        total.status_changes += one.status_changes
        if one.error is not None:
            total.error = one.error
            total.kept += one.kept
            break
        if one.pushed + len(one.refused) + len(one.conflicts) == 0:
            total.kept += one.kept
            break  # nothing moved: nothing queued, or only items kept for later
    return total
