"""Servers that pretend to be the distributor, on 127.0.0.1, for the kiosk's proof tests.

:class:`FakeDistributor` speaks the wire schema well enough to fool a kiosk that checks
nothing: it echoes the kiosk id on ``/v1/ping``, shows a made-up balance and refuses every
top-up with 402 (which a fooled kiosk turns into "Failed, refund the customer"). It signs its
replies with ``secret`` (None = unsigned; a wrong one = a forger), ``skew`` seconds off.
With ``upstream`` it forwards to the real server instead and keeps the last reply; with
``replay`` set it answers every later request with that kept (genuinely signed) reply.
``status``/``retry_after`` make it answer everything with e.g. 429 and a Retry-After.
"""

from __future__ import annotations

import http.server
import json
import ssl
import threading
import time
from datetime import UTC, datetime

import requests
from pulsa_protocol import signing

FAKE_BALANCE = 987_654_321


class FakeDistributor:
    def __init__(self, *, secret: str | None = None, skew: int = 0,
                 upstream: str | None = None, status: int | None = None,
                 retry_after: str | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.secret = secret
        self.skew = skew
        self.upstream = upstream
        self.status = status
        self.retry_after = retry_after
        self.replay = False
        self.kept: tuple[int, dict[str, str], bytes] | None = None
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return sum(1 for m, p in self.seen if m == method and p.startswith(path))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ------------------------------------------------------------------ answers

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        if self.upstream is not None:
            if self.replay and self.kept is not None:
                return self.kept
            reply = requests.request(method, self.upstream + path, data=body or None,
                                     headers=headers, timeout=10)
            keep = {k: v for k, v in reply.headers.items()
                    if k.lower() in ("content-type", "x-reply-timestamp", "x-reply-signature")}
            self.kept = (reply.status_code, keep, reply.content)
            return self.kept
        status, data = self._made_up(method, path, headers, body)
        out = json.dumps(data).encode()
        extra = {"Content-Type": "application/json"}
        if self.retry_after is not None:
            extra["Retry-After"] = self.retry_after
        if self.secret is not None:
            extra.update(signing.sign_reply(self.secret, status, headers.get("X-Nonce", ""), out,
                                         timestamp=int(time.time()) + self.skew))
        return status, extra, out

    def _made_up(self, method: str, path: str, headers: dict[str, str], body: bytes
                 ) -> tuple[int, object]:
        if self.status is not None:
            return self.status, {"code": "too_many_requests", "message": "slow down"}
        kiosk_id = int(headers.get("X-Kiosk-Id") or 0)
        now = datetime.now(UTC).isoformat()
        route = path.split("?")[0]
        if route == "/v1/ping":
            return 200, {"kiosk_id": kiosk_id, "server_time": now}
        if route == "/v1/balance":
            return 200, {"kiosk_id": kiosk_id, "balance": FAKE_BALANCE, "ledger_seq": 0,
                         "change_seq": 0}
        if route == "/v1/topups" and method == "POST":
            items = json.loads(body)["items"]
            return 200, {"balance": FAKE_BALANCE, "results": [
                {"ref_id": i["ref_id"], "code": "insufficient_deposit", "http_status": 402,
                 "message": "Saldo habis"} for i in items]}
        if route == "/v1/changes":
            return 200, {"changes": [], "next_cursor": 0, "has_more": False}
        if route == "/v1/prices":
            return 200, {"version": 0, "products": []}
        return 404, {"code": "not_found", "message": "no such thing"}

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.seen.append((self.command, self.path))
                status, headers, out = fake._answer(self.command, self.path,
                                                    dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = _serve  # noqa: N815

            def log_message(self, *_args: object) -> None:
                pass

        return Handler
