"""Many kiosks each holding one change-feed long poll open, on raw asyncio sockets.

A real HTTP client costs tens of kilobytes and a thread or task per connection; these
pollers cost a few kilobytes each, so one process can hold 10,000 of them on 127.0.0.1
beside the server it measures. Each poller is one kiosk on one keep-alive connection: it
sends a signed ``GET /v1/changes?cursor=C&wait=W``, and when the answer comes back empty
(the wait ran out) it polls again, as the kiosk app does. An answer with changes is a
wake-up: it is recorded with its arrival time and the poller stops.

Used by ``bench/idle_polls.py`` (run as a process: ``python -m bench.idle_poll_client``,
credentials on stdin, one JSON line per event on stdout) and by the behavioural test
``tests/server/test_idle_polls.py`` (in-process, through :class:`Pollers`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field

from pulsa_protocol import signing, wire


@dataclass
class Outcome:
    """What the pollers saw: answers by HTTP status, wake-ups by kiosk, transport errors."""

    statuses: dict[int, int] = field(default_factory=dict)
    woken: dict[int, float] = field(default_factory=dict)
    """kiosk id -> time.time() when its poll came back with changes"""
    pages: dict[int, dict] = field(default_factory=dict)
    """kiosk id -> the changes page that woke it"""
    errors: list[str] = field(default_factory=list)
    sent: int = 0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


class Pollers:
    """``creds`` [(kiosk_id, secret, cursor)] each holding a long poll open on ``host:port``
    (``cursor``: the kiosk's last feed row, so the poll waits for the next one)."""

    def __init__(self, host: str, port: int, creds: list[tuple[int, str, int]], wait: float,
                 *, connect_at_once: int = 200, on_wake: object = None) -> None:
        self.host, self.port = host, port
        self.creds = creds
        self.wait = wait
        self.outcome = Outcome()
        self._gate = asyncio.Semaphore(connect_at_once)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._on_wake = on_wake
        self.all_sent = asyncio.Event()

    def start(self) -> None:
        self._tasks = [asyncio.ensure_future(self._poll(kid, secret, cursor))
                       for kid, secret, cursor in self.creds]

    async def stop(self) -> Outcome:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        return self.outcome

    def _count(self, status: int) -> None:
        self.outcome.statuses[status] = self.outcome.statuses.get(status, 0) + 1

    async def _poll(self, kiosk_id: int, secret: str, cursor: int) -> None:
        writer = None
        try:
            try:
                async with self._gate:  # connect and send the first polls a few hundred at once
                    reader, writer = await asyncio.open_connection(self.host, self.port)
                    self._send(writer, kiosk_id, secret, cursor)
                    await writer.drain()
            finally:
                self.outcome.sent += 1
                if self.outcome.sent == len(self.creds):
                    self.all_sent.set()
            while not self._stop.is_set():
                status, body = await _read_reply(reader)
                self._count(status)
                page = json.loads(body) if status == 200 else {}
                if page.get("changes"):
                    self.outcome.woken[kiosk_id] = time.time()
                    self.outcome.pages[kiosk_id] = page
                    if callable(self._on_wake):
                        self._on_wake(kiosk_id)
                    return
                if status >= 400 and status != 429:
                    self.outcome.errors.append(f"kiosk {kiosk_id}: HTTP {status} {body[:120]!r}")
                    return
                if status == 429:
                    await asyncio.sleep(1.0)
                self._send(writer, kiosk_id, secret, cursor)
                await writer.drain()
        except asyncio.CancelledError:
            pass
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if not self._stop.is_set():
                self.outcome.errors.append(f"kiosk {kiosk_id}: {type(exc).__name__} {exc}")
        finally:
            if writer is not None:
                writer.close()

    def _send(self, writer: asyncio.StreamWriter, kiosk_id: int, secret: str,
              cursor: int) -> None:
        path = f"{wire.API_PREFIX}/changes?cursor={cursor}&wait={self.wait:g}"
        headers = signing.sign_request(kiosk_id, secret, "GET", path)
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 *(f"{name}: {value}" for name, value in headers.items()), "", ""]
        writer.write("\r\n".join(lines).encode("latin-1"))


async def _main() -> None:
    """The bench's client process: stdin gives the target and credentials, then 'stop'."""
    setup = json.loads(sys.stdin.readline())
    loop = asyncio.get_running_loop()

    def woke(kiosk_id: int) -> None:
        print(json.dumps({"woke": kiosk_id, "at": time.time()}), flush=True)

    pollers = Pollers(setup["host"], setup["port"], [tuple(c) for c in setup["creds"]],
                      setup["wait"], on_wake=woke)
    pollers.start()
    await pollers.all_sent.wait()
    print(json.dumps({"sent": pollers.outcome.sent, "at": time.time()}), flush=True)
    while True:  # "mark" (answers so far, at the edges of the bench's windows) or "stop"
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if line.strip() != "mark":
            break
        print(json.dumps({"mark": pollers.outcome.statuses.get(200, 0)}), flush=True)
    outcome = await pollers.stop()
    print(json.dumps({"done": True, "statuses": outcome.statuses, "woken": len(outcome.woken),
                      "errors": outcome.errors[:20], "error_count": len(outcome.errors)}),
          flush=True)


if __name__ == "__main__":
    asyncio.run(_main())
