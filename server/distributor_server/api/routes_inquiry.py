"""The name check before a sale: ``POST /v1/inquiries`` (see :mod:`pulsa_protocol.inquiry`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pulsa_protocol import wire
from pulsa_protocol.inquiry import INQUIRY_PATH, RATE_BUCKET, InquiryReply, InquiryRequest
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.auth import limited
from distributor_server.inquiry import InquiryRefused, inquire

router = APIRouter(prefix=wire.API_PREFIX, tags=["kiosk"])


@router.post(INQUIRY_PATH, response_model=InquiryReply,
             responses={422: {"model": wire.ErrorBody}, 429: {"model": wire.ErrorBody}})
async def post_inquiry(
    request: Request, body: InquiryRequest, _kiosk_id: int = Depends(limited(RATE_BUCKET)),
) -> JSONResponse:
    """Whose PLN meter or e-wallet account ``destination`` is: ``found`` (name, daya),
    ``not_found`` or ``unavailable`` (the supplier could not say; the sale may go on)."""
    try:
        reply = await run_in_threadpool(inquire, request.app.state.ctx, body)
    except InquiryRefused as exc:
        raise ApiError(422, exc.code, exc.message) from None
    return JSONResponse(content=reply.model_dump(mode="json"))
