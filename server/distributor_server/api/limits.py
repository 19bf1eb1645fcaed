"""Refuse request bodies over the cap (413) or nested too deep (400) before any route reads them.

Python's JSON parser recurses per nesting level; a body of 50 000 ``[`` would end in a
RecursionError (a 500), so depth is counted here first.
"""

from __future__ import annotations

import json

from pulsa_protocol.wire import ErrorCode

MAX_JSON_DEPTH = 32


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``body`` opens more than ``limit`` arrays/objects inside one another."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


async def _send_json(send: object, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app: object, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: object) -> None:
        await _send_json(send, 413, {
            "code": ErrorCode.BODY_TOO_LARGE.value,
            "message": f"The body is larger than {self.max_bytes} bytes; send fewer items.",
        })

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(send)
                    return
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            chunks += message.get("body", b"")
            if len(chunks) > self.max_bytes:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        if json_too_deep(bytes(chunks)):
            await _send_json(send, 400, {
                "code": ErrorCode.MALFORMED_JSON.value,
                "message": f"The body nests more than {MAX_JSON_DEPTH} levels; send flat JSON.",
            })
            return
        delivered = False

        async def replay() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": bytes(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
