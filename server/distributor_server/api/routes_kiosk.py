"""Ping, balance, ledger, change feed, prices and deposit tickets."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pulsa_protocol import complaints as complaints_wire
from pulsa_protocol import wire
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.api.replies import json_reply
from distributor_server.auth import admit_reading, limited, read_signed, settle
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.feed import fetch_changes
from distributor_server.kiosks import balance, ledger
from distributor_server.products import prices_since
from distributor_server.tickets import (
    TicketError,
    TooManyOpenTickets,
    create_ticket,
    list_tickets,
)

router = APIRouter(prefix=wire.API_PREFIX, tags=["kiosk"])



@router.get("/ping", response_model=wire.Ping)
async def ping(kiosk_id: int = Depends(limited("ping"))) -> Response:
    return json_reply(wire.Ping(kiosk_id=kiosk_id, server_time=utcnow()))


@router.get("/balance", response_model=wire.Balance)
async def get_balance(
    request: Request, kiosk_id: int = Depends(limited("balance"))
) -> Response:
    return json_reply(await run_in_threadpool(balance, request.app.state.ctx, kiosk_id))


@router.get("/ledger", response_model=wire.LedgerPage)
async def get_ledger(
    request: Request,
    start: wire.WireTime | None = Query(None, alias="from"),
    end: wire.WireTime | None = Query(None, alias="to"),
    kiosk_id: int = Depends(limited("ledger")),
) -> Response:
    """Ledger (mutasi) rows created in [from, to), and the current balance."""
    return json_reply(await run_in_threadpool(ledger, request.app.state.ctx, kiosk_id, start, end))


Admitted = tuple[int, int, complaints_wire.ChangesPage | None, tuple[int, int] | None]
"""(kiosk id, the feed's tick before the first read, the first page or None, the (cursor,
limit) it was read with)."""


def _page_args(request: Request) -> tuple[int, int] | None:
    """(cursor, limit) from the query when both are plain and in range, else None (the
    route's own validation answers the rest)."""
    query = request.query_params
    try:
        cursor, limit = int(query.get("cursor", "0")), int(query.get("limit", "500"))
    except ValueError:
        return None
    return (cursor, limit) if 0 <= cursor <= wire.MAX_SEQ and 1 <= limit <= 1000 else None


async def _admitted_with_page(request: Request) -> Admitted:
    """``limited("changes")`` that, on PostgreSQL, also reads the first page in the
    admission's own round trip (:func:`distributor_server.auth.admit_reading`)."""
    req = await read_signed(request)
    ctx: ServerContext = request.app.state.ctx
    tick = ctx.notifier.tick(req.kiosk_id)  # before the read: a change after it wakes us
    args = _page_args(request)
    admission, page = await admit_reading(ctx, req, "changes", args)
    return settle(request, req, admission), tick, page, args


@router.get("/changes", response_model=complaints_wire.ChangesPage)
async def get_changes(
    request: Request,
    cursor: int = Query(0, ge=0, le=wire.MAX_SEQ),
    limit: int = Query(500, ge=1, le=1000),
    wait: float = Query(0, ge=0, le=wire.MAX_WAIT_SECONDS),
    admitted: Admitted = Depends(_admitted_with_page),
) -> Response:
    """Feed rows with seq > cursor; with ``wait`` long-poll until there is one."""
    ctx: ServerContext = request.app.state.ctx
    kiosk_id, tick, page, read_with = admitted
    if read_with != (cursor, limit):
        page = None  # the first page was not read with the validated parameters
    deadline = time.monotonic() + wait
    while True:
        if page is None:
            tick = ctx.notifier.tick(kiosk_id)
            page = await run_in_threadpool(fetch_changes, ctx, kiosk_id, cursor, limit)
        if page.changes or time.monotonic() >= deadline:
            return json_reply(page)
        # re-query at once on a notification. While LISTEN/NOTIFY carries other processes'
        # changes here, nothing else can change the feed unheard (a lost LISTEN connection
        # wakes every poll: FeedNotifier.bump_all), so wait to the deadline and answer
        # without reading again; otherwise (SQLite, LISTEN down) re-read every second
        listening = ctx.hears_other_processes
        recheck = deadline if listening else min(deadline, time.monotonic() + 1.0)
        if await _gone_while_waiting(request, ctx, kiosk_id, tick, recheck - time.monotonic()):
            return json_reply(page)
        if listening and ctx.notifier.tick(kiosk_id) == tick:
            return json_reply(page)  # the wait ran out and nothing changed
        page = None


async def _gone_while_waiting(request: Request, ctx: ServerContext, kiosk_id: int, tick: int,
                              timeout: float) -> bool:
    """Wait for the kiosk's feed to change, the timeout, or the client to hang up (True)."""
    changed = asyncio.ensure_future(ctx.notifier.changed_since(kiosk_id, tick, timeout))
    hangup = asyncio.ensure_future(request.receive())  # the body is read: next is disconnect
    try:
        await asyncio.wait({changed, hangup}, return_when=asyncio.FIRST_COMPLETED)
        return hangup.done() and hangup.result().get("type") == "http.disconnect"
    finally:
        for task in (changed, hangup):
            task.cancel()


@router.get("/prices", response_model=wire.PriceList)
async def get_prices(
    request: Request, since: int = Query(0, ge=0, le=wire.MAX_SEQ),
    _kiosk_id: int = Depends(limited("prices")),
) -> Response:
    """Products changed after version ``since`` and the current version."""
    return json_reply(await run_in_threadpool(prices_since, request.app.state.ctx.db, since))


@router.post("/deposit-tickets", response_model=wire.DepositTicket, status_code=201)
async def post_ticket(
    request: Request, body: wire.DepositTicketRequest,
    kiosk_id: int = Depends(limited("deposit-tickets")),
) -> Response:
    """Ask to add deposit by bank transfer: transfer exactly ``amount_to_transfer``."""
    try:
        ticket = await run_in_threadpool(create_ticket, request.app.state.ctx, kiosk_id,
                                         body.amount)
    except TooManyOpenTickets as exc:
        raise ApiError(409, "too_many_open_tickets", str(exc)) from None
    except TicketError as exc:
        raise ApiError(409, "no_unique_code", str(exc)) from None
    return json_reply(ticket, 201)


@router.get("/deposit-tickets", response_model=wire.DepositTicketList)
async def get_tickets(
    request: Request, kiosk_id: int = Depends(limited("deposit-tickets-list"))
) -> Response:
    tickets = await run_in_threadpool(list_tickets, request.app.state.ctx, kiosk_id)
    return json_reply(wire.DepositTicketList(tickets=tickets))
