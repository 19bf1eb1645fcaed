"""Sign every reply to an identified kiosk, so the kiosk can tell its distributor from a fake.

:func:`distributor_server.auth.authenticate` calls :func:`sign_replies_for` as soon as the
request's signature checks out; from then on this middleware holds the reply back until its
body is complete and adds ``X-Reply-Timestamp`` and ``X-Reply-Signature``
(:func:`pulsa_protocol.signing.sign_reply`, bound to the request's nonce). Replies sent before
the kiosk is identified (a missing header, a wrong signature, a body over the cap) go out
unsigned: there is no key to sign them with, and the kiosk treats them as proving nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request
from pulsa_protocol import signing

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]

_SCOPE_KEY = "pulsa.reply_signing"  # (secret, nonce) once the kiosk is identified


def sign_replies_for(request: Request, secret: str, nonce: str) -> None:
    """Mark this request's reply, whatever it turns out to be, to be signed with ``secret``."""
    request.scope[_SCOPE_KEY] = (secret, nonce)


def with_reply_signature(scope: MutableMapping[str, Any], status: int,
                         headers: list[tuple[bytes, bytes]], body: bytes
                         ) -> list[tuple[bytes, bytes]]:
    """``headers`` with the reply's signature added when the kiosk is identified (else as
    they are): what this middleware sends, for a reply built whole (the top-up fast path,
    :mod:`distributor_server.api.fast_submit`)."""
    key = scope.get(_SCOPE_KEY)
    if key is None:
        return headers
    secret, nonce = key
    signed = signing.sign_reply(secret, status, nonce, body)
    return [*headers, *((name.lower().encode("latin-1"), value.encode("latin-1"))
                        for name, value in signed.items())]


class ReplySigningMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def signing_send(message: Message) -> None:
            nonlocal start
            key = scope.get(_SCOPE_KEY)
            if message["type"] == "http.response.start":
                if key is None:
                    await send(message)
                else:
                    start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = with_reply_signature(scope, int(start["status"]),
                                           list(start.get("headers", [])), bytes(body))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": bytes(body), "more_body": False})

        await self.app(scope, receive, signing_send)
