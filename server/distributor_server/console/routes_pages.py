"""Pages that read: dashboard, kiosks and a kiosk's page, transactions, the audit log."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from distributor_server.console import audit, complaint_queries, queries
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
    PageNotFound,
    Permission,
    allowed,
    ctx_of,
    need,
    render,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MAX_ID = 2**31 - 1


def _id_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


@router.get("/")
def dashboard(request: Request,
              staff: Annotated[ConsoleSession, Depends(need(Permission.DASHBOARD))]) -> Response:
    board = queries.dashboard(ctx_of(request))
    return render(request, "dashboard.html", staff=staff, board=board, nav="dashboard")


@router.get("/kiosks")
def kiosks(request: Request,
           staff: Annotated[ConsoleSession, Depends(need(Permission.KIOSKS))]) -> Response:
    return render(request, "kiosks.html", staff=staff, nav="kiosks",
                  rows=queries.kiosk_rows(ctx_of(request)))


@router.get("/kiosks/{kiosk_id}")
def kiosk_page(request: Request, kiosk_id: str,
               staff: Annotated[ConsoleSession, Depends(need(Permission.KIOSKS))]) -> Response:
    ctx = ctx_of(request)
    number = _id_or_none(kiosk_id)
    rows = queries.kiosk_rows(ctx, number) if number is not None else []
    if not rows:
        raise PageNotFound()
    return render(request, "kiosk.html", staff=staff, nav="kiosks", kiosk=rows[0],
                  ledger=queries.ledger_rows(ctx, number),
                  topups=queries.search_topups(ctx, kiosk_id=number, limit=30),
                  tickets=queries.tickets(ctx, pending_only=False, kiosk_id=number, limit=20),
                  complaints=complaint_queries.for_kiosk(ctx, number),
                  can_adjust=allowed(staff.role, Permission.ADJUST))


@router.get("/transactions")
def transactions(request: Request,
                 staff: Annotated[ConsoleSession, Depends(need(Permission.TRANSACTIONS))],
                 q: str = "", kiosk: str = "", status: str = "", day: str = "") -> Response:
    ctx = ctx_of(request)
    kiosk_id = _id_or_none(kiosk)
    try:
        on = date.fromisoformat(day) if day else None
    except ValueError:
        on = None
    rows = queries.search_topups(ctx, q, kiosk_id, status, day=on)
    return render(request, "transactions.html", staff=staff, nav="transactions", rows=rows,
                  q=q[:120], kiosk_id=kiosk_id, status=status, statuses=queries.STATUSES,
                  kiosks=queries.kiosk_rows(ctx), day=on.isoformat() if on else "")


@router.get("/transactions/{topup_id}")
def transaction_page(request: Request, topup_id: str,
                     staff: Annotated[ConsoleSession, Depends(need(Permission.TRANSACTIONS))]
                     ) -> Response:
    number = _id_or_none(topup_id)
    found = queries.topup_with_timeline(ctx_of(request), number) if number else None
    if found is None:
        raise PageNotFound()
    row, steps = found
    return render(request, "transaction.html", staff=staff, nav="transactions", tx=row,
                  steps=steps)


@router.get("/audit")
def audit_log(request: Request,
              staff: Annotated[ConsoleSession, Depends(need(Permission.AUDIT))]) -> Response:
    return render(request, "audit.html", staff=staff, nav="audit",
                  rows=audit.recent(ctx_of(request).db))
