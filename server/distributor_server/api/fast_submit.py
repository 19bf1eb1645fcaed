"""``PUT /v1/topups/{ref_id}`` without the framework's layers in front of it (issue 14).

A signed top-up submit is the server's hot request. Through the full application it passed
seven ASGI layers (FastAPI's error, telemetry and body-size layers, the body cap, the reply
signing, the exception layer, the exit stack), each wrapping ``receive`` and ``send``,
Starlette's route matching over every route (the console's included) and FastAPI's
dependency solving: together about an eighth of a submit's CPU (py-spy), ~0.2 ms of ~1.9.

This layer sits outside all of them and answers the submit itself only when the request is
well formed in every respect the full path checks: a path FastAPI would match with a valid
``ref_id``, ``Content-Type: application/json``, a Content-Length within the cap, a body
neither too deep nor invalid for :class:`pulsa_protocol.wire.TopUpFields`, and the four
signature headers present and well formed. It then runs the route's own work
(:func:`distributor_server.api.routes_topups.submit_one`) and builds the same reply, signed
as :mod:`distributor_server.api.reply_signing` signs it. Anything else, a refusal the full
path would give before the submit runs (400, 401, 413, 422) included, is handed to the full
application with the body replayed, so those replies come from one place and stay as they
were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pulsa_protocol import wire
from pydantic import ValidationError
from starlette.datastructures import Headers
from starlette.requests import Request

from distributor_server.api.errors import ApiError, crash_response, handled_response
from distributor_server.api.limits import json_too_deep
from distributor_server.api.reply_signing import with_reply_signature
from distributor_server.api.routes_topups import submit_one
from distributor_server.auth import SignedRequest, path_with_query, signed_parts

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_PATH = re.compile(re.escape(wire.API_PREFIX) + r"/topups/([A-Za-z0-9._:\-]{1,64})")
"""The route's path with ``ref_id`` as its path parameter allows it (matched whole)."""


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` giving ``messages`` (already read) first, then the connection's."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


def _parts(scope: Scope, headers: Headers, body: bytes
           ) -> tuple[Request, SignedRequest, wire.TopUpFields] | None:
    """The request, its signed parts and its validated body; None when the full path must
    answer (its refusal, whatever it is, comes from there)."""
    if len(body) > wire.MAX_BODY_BYTES or json_too_deep(body):
        return None
    request = Request(scope)
    try:
        req = signed_parts("PUT", path_with_query(request), headers, body)
        # as FastAPI reads a JSON body and validates it (json.loads, then in Python mode)
        fields = wire.TopUpFields.model_validate(json.loads(body), from_attributes=True)
    except (ApiError, ValidationError, ValueError):  # ValueError: JSON or UTF-8
        return None
    return request, req, fields


async def _answer(scope: Scope, send: Send, request: Request, req: SignedRequest,
                  ref_id: str, fields: wire.TopUpFields) -> None:
    """The route's work and its reply, as the full application would send it: a refusal or
    a database failure answered as its handler does and signed once the kiosk is known;
    an unexpected error a 500, unsigned (the full path answers those outside the signing
    layer)."""
    try:
        response = await submit_one(request, req, ref_id, fields)
        signed = True
    except Exception as exc:  # every error gets its handler's reply
        handled = handled_response(exc)
        signed = handled is not None
        response = handled if handled is not None else crash_response()
    headers = list(response.raw_headers)
    if signed:
        headers = with_reply_signature(scope, response.status_code, headers, response.body)
    await send({"type": "http.response.start", "status": response.status_code,
                "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})


class TopUpFastPath:
    """The outermost ASGI layer: a well-formed signed submit is answered here, everything
    else goes on to ``app`` (the module's docstring)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = None
        if scope["type"] == "http" and scope["method"] == "PUT" and not scope.get("root_path"):
            match = _PATH.fullmatch(scope["path"])
        if match is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = _content_length(headers)
        if (headers.get("content-type") != "application/json" or length is None
                or length > wire.MAX_BODY_BYTES):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":  # the client left: as the full path does
                await self.app(scope, _replay(messages, receive), send)
                return
            body += message.get("body", b"")
            if not message.get("more_body", False) or len(body) > wire.MAX_BODY_BYTES:
                break
        parts = _parts(scope, headers, body) if not message.get("more_body", False) else None
        if parts is None:
            await self.app(scope, _replay(messages, receive), send)
            return
        request, req, fields = parts
        await _answer(scope, send, request, req, match[1], fields)
