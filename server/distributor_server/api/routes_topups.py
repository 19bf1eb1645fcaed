"""Top-up submit (single and batch), status, and the day's list and summary."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pulsa_protocol import wire
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.api.replies import json_reply
from distributor_server.auth import SignedRequest, limited, settle, signed
from distributor_server.day_summary import MAX_MARGIN_SECONDS, day_summary
from distributor_server.topups import get_topup, list_topups, submit_signed

router = APIRouter(prefix=wire.API_PREFIX, tags=["topups"])
REF_PATH = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")



async def _submit(request: Request, req: SignedRequest, items: list[wire.TopUpRequest]
                  ) -> wire.TopUpBatchResponse:
    """Admit and submit in one transaction (:func:`submit_signed`)."""
    admission, batch = await submit_signed(request.app.state.ctx, req, items)
    settle(request, req, admission)
    if batch is None:  # admitted but the kiosk vanished meanwhile: as for a wrong key
        raise ApiError(401, wire.ErrorCode.BAD_SIGNATURE, "The kiosk is unknown.")
    return batch


@router.put(
    "/topups/{ref_id}", response_model=wire.TopUp, status_code=201,
    responses={200: {"model": wire.TopUp}, 402: {"model": wire.ErrorBody},
               409: {"model": wire.ErrorBody}, 422: {"model": wire.ErrorBody}},
)
async def put_topup(
    request: Request, body: wire.TopUpFields, ref_id: str = REF_PATH,
    req: SignedRequest = Depends(signed("topups")),
) -> Response:
    """Submit one top-up; idempotent by ref_id (200 when it already existed)."""
    return await submit_one(request, req, ref_id, body)


async def submit_one(request: Request, req: SignedRequest, ref_id: str,
                     body: wire.TopUpFields) -> Response:
    """:func:`put_topup`'s work once its parts are read and valid (also the fast path's,
    :mod:`distributor_server.api.fast_submit`): the reply, or the refusal raised."""
    item = wire.TopUpRequest(ref_id=ref_id, **body.model_dump())
    result = (await _submit(request, req, [item])).results[0]
    if result.topup is not None and result.code in ("created", "exists"):
        return json_reply(result.topup, result.http_status)
    raise ApiError(result.http_status, result.code, result.message)


@router.post("/topups", response_model=wire.TopUpBatchResponse)
async def post_topups(
    request: Request, body: wire.TopUpBatchRequest,
    req: SignedRequest = Depends(signed("topups")),
) -> Response:
    """Submit up to 1000 top-ups; one result per item, in order, each with its own code."""
    return json_reply(await _submit(request, req, body.items))


@router.get("/topups/{ref_id}", response_model=wire.TopUp,
            responses={404: {"model": wire.ErrorBody}})
async def read_topup(
    request: Request, ref_id: str = REF_PATH, kiosk_id: int = Depends(limited("topup-status"))
) -> Response:
    topup = await run_in_threadpool(get_topup, request.app.state.ctx, kiosk_id, ref_id)
    if topup is None:
        raise ApiError(404, wire.ErrorCode.NOT_FOUND, f"No top-up with ref_id {ref_id}.")
    return json_reply(topup)


@router.get("/transactions", response_model=wire.TransactionList)
async def transactions(
    request: Request,
    start: wire.WireTime | None = Query(None, alias="from"),
    end: wire.WireTime | None = Query(None, alias="to"),
    kiosk_id: int = Depends(limited("transactions")),
) -> Response:
    """This kiosk's top-ups created in [from, to) for reconciling a day."""
    rows = await run_in_threadpool(list_topups, request.app.state.ctx, kiosk_id, start, end)
    return json_reply(wire.TransactionList(topups=rows))


@router.get("/transactions/summary", response_model=wire.DaySummary)
async def transactions_summary(
    request: Request,
    start: wire.WireTime = Query(alias="from"),
    end: wire.WireTime = Query(alias="to"),
    margin: int = Query(0, ge=0, le=MAX_MARGIN_SECONDS),
    until: wire.WireTime = Query(),
    kiosk_id: int = Depends(limited("transactions")),
) -> Response:
    """The day [from, to) as counts and digests (:class:`wire.DaySummary`): reconciling,
    a kiosk whose books agree needs neither list."""
    summary = await run_in_threadpool(day_summary, request.app.state.ctx, kiosk_id, start,
                                      end, timedelta(seconds=margin), until)
    if summary is None:
        raise ApiError(404, wire.ErrorCode.NOT_FOUND, "The kiosk is unknown.")
    return json_reply(summary)
