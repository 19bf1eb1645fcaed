"""A closed-loop load generator for ``bench/server_submit.py``: each kiosk one keep-alive
connection, sending its next request as soon as the previous answer is in.

It must cost the machine far less than the server it measures, which shares its two
cores. Python ``requests`` in threads cost ~0.3 ms of CPU a request plus the GIL's queue
(the clients' own wait showed up in the p99: the bare floor app measured 535 ms p99 at 200
kiosks that way). Here one asyncio protocol per connection writes a request built as bytes
and reads the answer's status line and ``Content-Length`` itself, ~0.05 ms a request; a
signed request is signed just before it is sent (~0.012 ms), as a kiosk does.

Run as ``python -m bench.load_client MODE URL SECONDS`` with the kiosks' credentials as one
JSON line on stdin, then ``go`` on the next; prints one JSON line: the latencies of the
answers that came back 201 within the window, the count of other answers and transport
errors, a few of their texts, and the client's own CPU seconds over the window. MODE
``floor`` posts ``bench/floor_app.py``'s insert, ``signed`` PUTs a signed top-up to the
distributor server.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from urllib.parse import urlsplit

from pulsa_protocol import signing

_BODY_FIELDS = {"sku": "TSEL10", "destination": "081234567890"}


def build_request(mode: str, host: str, kiosk: dict) -> bytes:
    """One request, as the bytes on the wire."""
    ref = uuid.uuid4().hex
    if mode == "floor":
        body = json.dumps({"ref_id": ref, **_BODY_FIELDS}).encode()
        head = f"POST /insert HTTP/1.1\r\nHost: {host}\r\n"
    else:
        body = json.dumps(_BODY_FIELDS).encode()
        path = f"/v1/topups/{ref}"
        auth = signing.sign_request(kiosk["kiosk_id"], kiosk["secret"], "PUT", path, body)
        head = f"PUT {path} HTTP/1.1\r\nHost: {host}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in auth.items())
    return (f"{head}Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


class _Kiosk(asyncio.Protocol):
    """One kiosk's connection: request, answer, next request, until ``stop``."""

    def __init__(self, mode: str, host: str, kiosk: dict, stats: dict, stop: list[bool],
                 done: asyncio.Future) -> None:
        self.mode, self.host, self.kiosk = mode, host, kiosk
        self.stats, self.stop, self.done = stats, stop, done
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self) -> None:
        request = build_request(self.mode, self.host, self.kiosk)
        self.sent_at = time.perf_counter()
        self.transport.write(request)  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if len(self.buffer) < end + 4 + length:
            return
        took = time.perf_counter() - self.sent_at
        status = int(head.split(" ", 2)[1])
        body = self.buffer[end + 4:end + 4 + length]
        self.buffer = self.buffer[end + 4 + length:]
        if self.stop[0]:  # answers after the window are not counted
            self.transport.close()  # type: ignore[union-attr]
            return
        if status == 201:
            self.stats["latencies"].append(took)
        else:
            self._error(f"HTTP {status}: {body[:80].decode('utf-8', 'replace')}")
        if "connection: close" in head.lower():
            self.transport.close()  # type: ignore[union-attr]
        else:
            self.send()

    def _error(self, text: str) -> None:
        self.stats["error_count"] += 1
        if len(self.stats["errors"]) < 20:
            self.stats["errors"].append(text)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.stop[0]:
            self._error(f"connection lost: {exc!r}")
        if not self.done.done():
            self.done.set_result(None)


async def run(mode: str, url: str, seconds: float, kiosks: list[dict]) -> dict:
    """Every kiosk in a closed loop for ``seconds``; the latencies and errors."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    loop = asyncio.get_running_loop()
    stats: dict = {"latencies": [], "errors": [], "error_count": 0, "cpu": 0.0}
    stop = [False]
    finished: list[asyncio.Future] = []
    connected: list[_Kiosk] = []
    for kiosk in kiosks:  # every connection first, so the window is all load
        done = loop.create_future()
        finished.append(done)
        try:
            _transport, protocol = await loop.create_connection(
                lambda k=kiosk, d=done: _Kiosk(mode, f"{host}:{port}", k, stats, stop, d),
                host, port)
            connected.append(protocol)
        except OSError as exc:
            done.set_result(None)
            stats["error_count"] += 1
            stats["errors"].append(f"connect: {exc!r}")
    cpu = time.process_time()
    for protocol in connected:
        protocol.send()
    await asyncio.sleep(seconds)
    stop[0] = True
    stats["cpu"] = time.process_time() - cpu
    await asyncio.wait(finished, timeout=35)
    return stats


def main() -> None:
    mode, url, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    kiosks = json.loads(sys.stdin.readline())
    sys.stdin.readline()  # go
    stats = asyncio.run(run(mode, url, seconds, kiosks))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
