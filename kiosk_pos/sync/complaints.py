"""Send queued complaints to the distributor, exactly once (the top-up outbox's rules).

Each waiting complaint is PUT under its own ``complaint_id`` with the body stored when it was
filed. A definite answer takes it out of the queue: filed (201) or filed before (200); a
definite no (404: the distributor does not know that top-up; 409: the id was used for
another complaint; 422) closes it with the server's sentence. No answer (unreachable, 5xx,
429, a reply not proven to be the distributor's, 401) leaves it queued for the next pass.
:mod:`kiosk_pos.core.complaints` records each outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk_pos.core import complaints
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.errors import DistributorRejected, SyncError

log = logging.getLogger(__name__)

DEFINITE_NO = frozenset({404, 409, 422})


@dataclass
class ComplaintRelayResult:
    sent: int = 0
    refused: int = 0
    kept: int = 0
    error: Exception | None = None


def relay_complaints(kiosk: Kiosk, client: DistributorClient, limit: int = 50
                     ) -> ComplaintRelayResult:
    """One pass over the waiting complaints; stops at the first reply that says nothing."""
    result = ComplaintRelayResult()
    waiting = complaints.unsent(kiosk.db, limit)
    for index, (complaint_id, body) in enumerate(waiting):
        try:
            reply = client.file_complaint(complaint_id, body)
        except DistributorRejected as exc:
            if exc.status in DEFINITE_NO:
                log.warning("complaint %s refused: %s %s", complaint_id, exc.code, exc.message)
                complaints.record_refused(kiosk.db, complaint_id, f"{exc.code}: {exc.message}")
                result.refused += 1
                continue
            result.error = exc
        except ValueError as exc:  # a stored body that is not a valid request: a local bug
            log.error("complaint %s has a bad stored body: %s", complaint_id, exc)
            complaints.note_attempt(kiosk.db, [complaint_id], f"bad payload: {exc}")
            result.kept += 1
            continue
        except SyncError as exc:
            result.error = exc
        else:
            complaints.record_sent(kiosk.db, complaint_id, reply.status.value)
            result.sent += 1
            continue
        rest = [cid for cid, _body in waiting[index:]]
        complaints.note_attempt(kiosk.db, rest, f"{type(result.error).__name__}: {result.error}")
        result.kept += len(rest)
        break
    return result
