"""The console's audit trail: who did what, when, with the row before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.db import Database
from distributor_server.models import ConsoleAudit


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in staff member (or, before sign-in, the name typed)."""

    staff_id: int | None
    username: str
    address: str = ""


def _dump(value: object) -> str:
    if value is None or value == "":
        return ""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def add(session: Session, actor: Actor, action: str, target: str = "",
        before: object = None, after: object = None) -> None:
    """Add the audit row to ``session``: it commits (or not) with the change it describes."""
    session.add(ConsoleAudit(
        at=utcnow(), staff_id=actor.staff_id, username=actor.username[:64], action=action,
        target=target[:120], before=_dump(before), after=_dump(after),
        address=actor.address[:64],
    ))


def record(db: Database, actor: Actor, action: str, target: str = "",
           before: object = None, after: object = None) -> None:
    """An audit row in a transaction of its own (after a change made by a domain function)."""
    with db.write() as session:
        add(session, actor, action, target, before, after)


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    username: str
    action: str
    target: str
    before: str
    after: str
    address: str


def recent(db: Database, limit: int = 200) -> list[AuditRow]:
    with db.read() as session:
        rows = session.scalars(select(ConsoleAudit).order_by(ConsoleAudit.id.desc()).limit(limit))
        return [AuditRow(r.at, r.username, r.action, r.target, r.before, r.after, r.address)
                for r in rows]
