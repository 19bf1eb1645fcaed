"""Incidents: the live ones and the recent ones, each with its timeline; the desk
acknowledges one and resolves it with a note (both audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server import incidents
from distributor_server.console import audit, i18n
from distributor_server.console.routes_pages import _id_or_none
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
    PageNotFound,
    Permission,
    actor,
    check_csrf,
    ctx_of,
    flash,
    lang_of,
    need,
    render,
    see_other,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _sayer(request: Request) -> Callable[[str, dict | None, str], str]:
    """An event's sentence in the reader's language from its facts (else the English)."""
    lang = lang_of(request)

    def say(kind: str, facts: dict | None, detail: str) -> str:
        if not facts or f"ed_{kind}" not in i18n.TEXT:
            return detail
        try:
            return i18n.t(lang, f"ed_{kind}", **facts)
        except (KeyError, IndexError, ValueError):
            return detail

    return say
Viewer = Annotated[ConsoleSession, Depends(need(Permission.INCIDENTS))]
Handler = Annotated[ConsoleSession, Depends(need(Permission.INCIDENTS_HANDLE))]


@router.get("/incidents")
def incident_list(request: Request, staff: Viewer, show: str = "live") -> Response:
    live = show != "all"
    rows = incidents.recent_incidents(ctx_of(request).db, live_only=live)
    return render(request, "incidents.html", staff=staff, nav="incidents", rows=rows,
                  live=live, say=_sayer(request))


def _number(text: str) -> int:
    number = _id_or_none(text)
    if number is None:
        raise PageNotFound()
    return number


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: str, staff: Viewer) -> Response:
    found = incidents.incident_with_timeline(ctx_of(request).db, _number(incident_id))
    if found is None:
        raise PageNotFound()
    row, steps = found
    return render(request, "incident.html", staff=staff, nav="incidents", inc=row,
                  steps=steps, say=_sayer(request))


def _act(request: Request, staff: ConsoleSession, incident_id: str, csrf: str, note: str,
         resolve: bool) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _number(incident_id)
    page = f"{PREFIX}/incidents/{number}"
    db = ctx_of(request).db
    try:
        if resolve:
            before = incidents.resolve(db, number, staff.username, note)
        else:
            before = incidents.acknowledge(db, number, staff.username, note)
    except incidents.IncidentError as exc:
        return flash(see_other(page), request, exc.key, error=True, id=number)
    status = incidents.RESOLVED if resolve else incidents.ACKNOWLEDGED
    audit.record(db, actor(request, staff), f"incident.{'resolve' if resolve else 'ack'}",
                 f"incident {number}", before,
                 {"status": status, "note": " ".join(note.split())[:incidents.MAX_NOTE]})
    return flash(see_other(page), request, f"incident_{status}", id=number)


@router.post("/incidents/{incident_id}/acknowledge")
def acknowledge(request: Request, incident_id: str, staff: Handler, csrf: str = Form(""),
                note: str = Form("")) -> Response:
    return _act(request, staff, incident_id, csrf, note, resolve=False)


@router.post("/incidents/{incident_id}/resolve")
def resolve(request: Request, incident_id: str, staff: Handler, csrf: str = Form(""),
            note: str = Form("")) -> Response:
    return _act(request, staff, incident_id, csrf, note, resolve=True)
