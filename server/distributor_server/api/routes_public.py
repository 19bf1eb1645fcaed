"""Unauthenticated routes: health, and supplier webhooks (verified by their own signature)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pulsa_protocol import wire
from starlette.concurrency import run_in_threadpool

from distributor_server import __version__
from distributor_server.api.errors import ApiError
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.topups import apply_result, find_by_upstream_ref
from distributor_server.upstream.digiflazz import CallbackRejected, parse_callback

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/health", response_model=wire.Health, tags=["public"])
async def health() -> JSONResponse:
    body = wire.Health(version=__version__, server_time=utcnow())
    return JSONResponse(body.model_dump(mode="json"))


@router.post("/webhooks/digiflazz", tags=["webhooks"])
async def digiflazz_webhook(request: Request) -> JSONResponse:
    """Digiflazz callback; X-Hub-Signature is checked over the raw body bytes."""
    ctx: ServerContext = request.app.state.ctx
    raw = await request.body()
    try:
        ref_id, result = parse_callback(ctx.settings.digiflazz.webhook_secret, raw,
                                        request.headers)
    except CallbackRejected as exc:
        raise ApiError(401, wire.ErrorCode.BAD_SIGNATURE, str(exc)) from None
    topup_id = await run_in_threadpool(find_by_upstream_ref, ctx, ref_id)
    if topup_id is None:
        raise ApiError(404, wire.ErrorCode.NOT_FOUND, f"No top-up with upstream ref {ref_id}.")
    changed = await run_in_threadpool(apply_result, ctx, topup_id, result)
    return JSONResponse({"ok": True, "changed": changed})
