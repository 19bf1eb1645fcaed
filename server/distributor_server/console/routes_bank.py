"""The bank mutation CSV import on the deposits page: upload -> dry run -> apply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from distributor_server.console import bank_import
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
    Permission,
    actor,
    check_csrf,
    ctx_of,
    flash,
    need,
    render,
    see_other,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Finance = Annotated[ConsoleSession, Depends(need(Permission.DEPOSITS))]
DEPOSITS = f"{PREFIX}/deposits"


@router.post("/deposits/import")
async def dry_run(request: Request, staff: Finance, csrf: str = Form(""),
                  statement: UploadFile | None = File(None)) -> Response:
    check_csrf(staff.csrf_token, csrf)
    data = await statement.read(bank_import.MAX_BYTES + 1) if statement is not None else b""
    try:
        rows = bank_import.parse_csv(data)
    except bank_import.ImportError_ as exc:
        return flash(see_other(DEPOSITS), request, exc.key, error=True)
    from starlette.concurrency import run_in_threadpool

    matched = await run_in_threadpool(bank_import.match, ctx_of(request), rows)
    return render(request, "bank_import.html", staff=staff, nav="deposits", rows=matched,
                  name=(statement.filename or "")[:80] if statement else "",
                  matches=[m for m in matched if m.outcome == bank_import.MATCH])


def _pairs(values: list[str]) -> list[tuple[int, int]]:
    pairs = []
    for value in values:
        ticket, _, amount = value.partition(":")
        if ticket.isascii() and ticket.isdigit() and amount.isascii() and amount.isdigit():
            pairs.append((int(ticket), int(amount)))
    return pairs


@router.post("/deposits/import/apply")
def apply(request: Request, staff: Finance, csrf: str = Form(""),
          match: Annotated[list[str] | None, Form()] = None) -> Response:
    check_csrf(staff.csrf_token, csrf)
    confirmed, refused = bank_import.apply(ctx_of(request), actor(request, staff),
                                           _pairs(match or []))
    return flash(see_other(DEPOSITS), request, "import_applied", n=confirmed, refused=refused,
                 error=confirmed == 0 and refused > 0)
