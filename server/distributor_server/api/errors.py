"""Every refusal is JSON ``{"code", "message", "errors"}`` (wire.ErrorBody), never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pulsa_protocol.wire import ErrorCode
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: list | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = headers or {}
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors


def error_response(status: int, code: str, message: str, errors: list | None = None
                   ) -> JSONResponse:
    body: dict = {"code": str(code), "message": message}
    if errors:
        body["errors"] = errors
    return JSONResponse(status_code=status, content=body)


def _busy(message: str, retry_after: int = 2) -> JSONResponse:
    reply = error_response(503, ErrorCode.UNAVAILABLE, message)
    reply.headers["Retry-After"] = str(retry_after)
    return reply


def _describe(errors: list[dict]) -> tuple[bool, str, list[dict]]:
    clean = []
    malformed = False
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        if err.get("type") == "json_invalid":
            malformed = True
        clean.append({"loc": loc, "msg": str(err.get("msg", "")), "type": err.get("type", "")})
    first = clean[0] if clean else {"loc": [], "msg": "invalid request"}
    where = ".".join(p for p in first["loc"] if p not in ("body", "query", "path")) or "body"
    return malformed, f"{where}: {first['msg']}", clean


def refusal_response(exc: ApiError) -> JSONResponse:
    reply = error_response(exc.status, exc.code, exc.message, exc.errors)
    reply.headers.update(exc.headers)
    return reply


def pool_exhausted_response() -> JSONResponse:
    log.warning("database pool exhausted; answered 503")
    return _busy("The server is busy; try again in a few seconds.")


def database_down_response(exc: OperationalError) -> JSONResponse:
    log.error("database unavailable: %s", str(exc.orig or exc).splitlines()[0])
    return _busy("The server cannot reach its database; try again in a minute.", 30)


def crash_response() -> JSONResponse:
    log.exception("unhandled error")
    return error_response(500, ErrorCode.INTERNAL, "Internal error; it has been logged.")


def handled_response(exc: Exception) -> JSONResponse | None:
    """The reply the handlers below give ``exc`` inside the reply-signing layer (a refusal,
    a pool or database failure), or None for an unexpected error (a 500, outside it)."""
    if isinstance(exc, ApiError):
        return refusal_response(exc)
    if isinstance(exc, PoolTimeout):
        return pool_exhausted_response()
    if isinstance(exc, OperationalError):
        return database_down_response(exc)
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return refusal_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        from distributor_server.auth import admit_unparsed

        refusal = await admit_unparsed(request)  # a signed route's body: identify the kiosk
        if refusal is not None:
            return await _api_error(request, refusal)
        malformed, message, errors = _describe(list(exc.errors()))
        if malformed:
            return error_response(400, ErrorCode.MALFORMED_JSON,
                                  f"The body is not valid JSON ({message}).", errors)
        return error_response(422, ErrorCode.INVALID_REQUEST, message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
            exc.status_code, ErrorCode.INVALID_REQUEST)
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(_request: Request, _exc: PoolTimeout) -> JSONResponse:
        return pool_exhausted_response()

    @app.exception_handler(OperationalError)
    async def _database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        return database_down_response(exc)

    @app.exception_handler(Exception)
    async def _crash(_request: Request, _exc: Exception) -> JSONResponse:
        return crash_response()
