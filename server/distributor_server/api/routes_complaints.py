"""Complaints from kiosks: file one about an own top-up (exactly once by its id), read it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pulsa_protocol import complaints as cw
from pulsa_protocol import wire
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.auth import limited
from distributor_server.complaints import file_complaint, get_complaint

router = APIRouter(prefix=wire.API_PREFIX, tags=["complaints"])
ID_PATH = Path(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")


@router.put(
    "/complaints/{complaint_id}", response_model=cw.Complaint, status_code=201,
    responses={200: {"model": cw.Complaint}, 404: {"model": wire.ErrorBody},
               409: {"model": wire.ErrorBody}, 422: {"model": wire.ErrorBody}},
)
async def put_complaint(
    request: Request, body: cw.ComplaintFields, complaint_id: str = ID_PATH,
    kiosk_id: int = Depends(limited("complaints")),
) -> JSONResponse:
    """File a complaint about one of this kiosk's top-ups; 200 when that id was filed."""
    filing = await run_in_threadpool(file_complaint, request.app.state.ctx, kiosk_id,
                                     complaint_id, body)
    if filing.complaint is None or filing.code not in ("created", "exists"):
        raise ApiError(filing.http_status, filing.code, filing.message)
    return JSONResponse(status_code=filing.http_status,
                        content=filing.complaint.model_dump(mode="json"))


@router.get("/complaints/{complaint_id}", response_model=cw.Complaint,
            responses={404: {"model": wire.ErrorBody}})
async def read_complaint(
    request: Request, complaint_id: str = ID_PATH,
    kiosk_id: int = Depends(limited("complaints")),
) -> JSONResponse:
    found = await run_in_threadpool(get_complaint, request.app.state.ctx, kiosk_id,
                                    complaint_id)
    if found is None:
        raise ApiError(404, wire.ErrorCode.NOT_FOUND, f"No complaint {complaint_id}.")
    return JSONResponse(content=found.model_dump(mode="json"))
