"""Events and incidents: what the server noticed, grouped into what the desk must settle.

An *event* is one thing noticed (a burst of upstream failures for an operator this minute, a
top-up pending too long, a silent kiosk, ...). :func:`record_event` files it under the open
incident of the same kind and subject, or opens one: a burst is one incident with a
timeline, not a page of alarms. The desk acknowledges an incident, then resolves it with a
note (both are steps on its timeline); the next event about that subject opens a new one.

``success_after_refund`` (the supplier reported Sukses for a top-up we had already refunded,
so the supplier charged us for a delivery the kiosk did not pay for) is an incident too,
written inside the caller's transaction. The periodic rules live in :mod:`incident_rules`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.db import Database
from distributor_server.models import Event, Incident, TopUp

log = logging.getLogger(__name__)
SUCCESS_AFTER_REFUND = "success_after_refund"
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
LIVE = (OPEN, ACKNOWLEDGED)
MAX_NOTE = 500


class IncidentError(ValueError):
    """A desk action that cannot be done; ``key`` names its sentence in the console."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class IncidentRow:
    id: int
    kind: str
    kiosk_id: int
    ref_id: str
    upstream_ref_id: str
    amount: int
    detail: str
    created_at: datetime
    subject: str = ""
    severity: str = "warning"
    status: str = OPEN
    event_count: int = 1
    last_event_at: datetime | None = None
    acknowledged_by: str = ""
    resolved_by: str = ""
    resolution: str = ""
    facts: dict | None = None


def _facts(text: str | None) -> dict | None:
    try:
        found = json.loads(text) if text else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _row(r: Incident) -> IncidentRow:
    return IncidentRow(r.id, r.kind, r.kiosk_id or 0, r.ref_id or "", r.upstream_ref_id or "",
                       r.amount or 0, r.detail, r.created_at, r.subject, r.severity, r.status,
                       r.event_count, r.last_event_at or r.created_at, r.acknowledged_by,
                       r.resolved_by, r.resolution, _facts(r.facts))


def record_success_after_refund(session: Session, tx: TopUp, sn: str) -> None:
    """Inside the caller's transaction: one incident per top-up, however often it is reported."""
    exists = session.scalar(select(Incident.id).where(
        Incident.kind == SUCCESS_AFTER_REFUND, Incident.topup_id == tx.id))
    if exists is not None:
        return
    log.error("top-up %s was refunded but upstream now says Sukses (sn %r): money lost "
              "upstream; see 'distributor-server incidents list'", tx.upstream_ref_id, sn)
    now = utcnow()
    session.add(Incident(
        kind=SUCCESS_AFTER_REFUND, kiosk_id=tx.kiosk_id, topup_id=tx.id, ref_id=tx.ref_id,
        upstream_ref_id=tx.upstream_ref_id, amount=tx.price,
        detail=f"supplier reported Sukses (sn {sn or '-'}) after the kiosk was refunded"[:500],
        created_at=now, subject=f"topup:{tx.id}", severity="critical", status=OPEN,
        event_count=1, last_event_at=now, acknowledged_by="", resolved_by="", resolution="",
        facts=json.dumps({"sn": (sn or "-")[:60], "ref": tx.ref_id}),
    ))


def record_event(db: Database, kind: str, subject: str, detail: str, *, key: str | None = None,
                 severity: str = "warning", kiosk_id: int | None = None,
                 topup_id: int | None = None, amount: int = 0,
                 at: datetime | None = None, facts: dict | None = None) -> int | None:
    """File one event under the live incident of (``kind``, ``subject``) or a new one; the
    incident's id, or None when an event with this ``key`` was already recorded.
    ``detail`` is English (logs, CLI); ``facts`` its figures for the console's sentence."""
    at = at or utcnow()
    detail = detail[:MAX_NOTE]
    facts_json = json.dumps(facts, sort_keys=True, default=str) if facts else ""
    try:
        with db.write() as session:
            # one writer at a time decides "open a new one or join": the counter row lock
            # (also across PostgreSQL processes running the rules at the same minute)
            from distributor_server.products import bump_counter

            bump_counter(session, "incidents")
            if key is not None and session.scalar(select(Event.id).where(
                    Event.kind == kind, Event.subject == subject, Event.key == key)):
                return None
            incident = session.scalars(select(Incident).where(
                Incident.status.in_(LIVE), Incident.kind == kind,
                Incident.subject == subject).order_by(Incident.id.desc()).limit(1)
            ).one_or_none()
            if incident is None:
                incident = Incident(kind=kind, subject=subject, detail=detail, created_at=at,
                                    kiosk_id=kiosk_id, topup_id=topup_id, amount=amount,
                                    ref_id="", upstream_ref_id="", severity=severity,
                                    status=OPEN, event_count=0, last_event_at=at,
                                    acknowledged_by="", resolved_by="", resolution="",
                                    facts="")
                session.add(incident)
                session.flush()
                log.warning("incident %s opened: %s %s: %s", incident.id, kind, subject, detail)
            incident.event_count += 1
            incident.last_event_at = at
            incident.detail = detail
            incident.facts = facts_json
            session.add(Event(at=at, kind=kind, subject=subject, key=key, detail=detail,
                              facts=facts_json, who="", incident_id=incident.id))
            return incident.id
    except IntegrityError:  # the same keyed event from another process, a moment earlier
        return None


def _step(session: Session, incident: Incident, kind: str, who: str, note: str) -> None:
    session.add(Event(at=utcnow(), kind=kind, subject=f"incident:{incident.id}", key=None,
                      detail=note[:MAX_NOTE], facts="", who=who[:64],
                      incident_id=incident.id))


def _locked(session: Session, incident_id: int) -> Incident:
    incident = session.scalars(select(Incident).where(Incident.id == incident_id)
                               .with_for_update()).one_or_none()
    if incident is None:
        raise IncidentError("incident_missing", f"there is no incident {incident_id}.")
    return incident


def acknowledge(db: Database, incident_id: int, who: str, note: str = "") -> dict:
    """Someone is on it. Returns the incident's state before (for the audit row)."""
    note = " ".join(note.split())
    with db.write() as session:
        incident = _locked(session, incident_id)
        before = {"status": incident.status}
        if incident.status != OPEN:
            raise IncidentError("incident_not_open",
                                f"incident {incident_id} is already {incident.status}.")
        incident.status = ACKNOWLEDGED
        incident.acknowledged_at = utcnow()
        incident.acknowledged_by = who[:64]
        _step(session, incident, ACKNOWLEDGED, who, note)
    return before


def resolve(db: Database, incident_id: int, who: str, note: str) -> dict:
    """Settled, with what was done (required). Returns the state before."""
    note = " ".join(note.split())[:MAX_NOTE]
    if not note:
        raise IncidentError("resolution_needed", "write what was done before resolving.")
    with db.write() as session:
        incident = _locked(session, incident_id)
        before = {"status": incident.status}
        if incident.status == RESOLVED:
            raise IncidentError("incident_already_resolved",
                                f"incident {incident_id} is already resolved.")
        incident.status = RESOLVED
        incident.resolved_at = utcnow()
        incident.resolved_by = who[:64]
        incident.resolution = note
        _step(session, incident, RESOLVED, who, note)
    return before


def list_incidents(ctx: ServerContext) -> list[IncidentRow]:
    """Every incident, oldest first (the CLI's ``incidents list``)."""
    with ctx.db.read() as session:
        rows = session.scalars(select(Incident).order_by(Incident.id)).all()
        return [_row(r) for r in rows]


def recent_incidents(db: Database, live_only: bool = False, limit: int = 100
                     ) -> list[IncidentRow]:
    """The live ones (open, acknowledged), or the newest of all, newest event first."""
    with db.read() as session:
        query = select(Incident)
        if live_only:
            query = query.where(Incident.status.in_(LIVE))
        rows = session.scalars(query.order_by(Incident.last_event_at.desc(),
                                              Incident.id.desc()).limit(limit)).all()
        return [_row(r) for r in rows]


@dataclass(frozen=True)
class EventRow:
    at: datetime
    kind: str
    detail: str
    who: str
    facts: dict | None = None


def incident_with_timeline(db: Database, incident_id: int, limit: int = 300
                           ) -> tuple[IncidentRow, list[EventRow]] | None:
    with db.read() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            return None
        events = session.scalars(select(Event).where(Event.incident_id == incident_id)
                                 .order_by(Event.at, Event.id).limit(limit)).all()
        rows = [EventRow(incident.created_at, "opened", "", "")]
        rows += [EventRow(e.at, e.kind, e.detail, e.who, _facts(e.facts)) for e in events]
        return _row(incident), rows
