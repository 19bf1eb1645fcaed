"""Run the server inside another process (the kiosk's demo and sync tests).

    handle = start_embedded("sqlite:////tmp/d.sqlite3")
    creds = handle.create_kiosk("Konter Maju")          # kiosk_id, secret
    handle.credit_deposit(creds.kiosk_id, 500_000)
    ... talk HTTP to handle.url ...
    handle.stop()

``create_kiosk(db_url, name)`` and ``credit_deposit(db_url, kiosk_id, amount)`` do the same
without a running server (same database and key file).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from pulsa_protocol import wire

from distributor_server.api.app import create_app
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import KioskCredentials
from distributor_server.kiosks import create_kiosk as _create_kiosk
from distributor_server.kiosks import credit_deposit as _credit_deposit
from distributor_server.upstream import Upstream


class EmbeddedServer:
    """A running server: ``url``, ``ctx``, ``create_kiosk``, ``credit_deposit``, ``stop``."""

    def __init__(self, ctx: ServerContext, server: uvicorn.Server, thread: threading.Thread,
                 url: str) -> None:
        self.ctx = ctx
        self.url = url
        self._server = server
        self._thread = thread

    def create_kiosk(self, name: str) -> KioskCredentials:
        return _create_kiosk(self.ctx, name)

    def credit_deposit(self, kiosk_id: int, amount: int, reference: str = "") -> wire.LedgerEntry:
        return _credit_deposit(self.ctx, kiosk_id, amount, reference=reference)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self.ctx.close()

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_embedded(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 0,
    upstream: str | Upstream = "simulator",
    *,
    key_file: Path | None = None,
    timeout: float = 20.0,
    run_worker: bool = True,
    **settings: object,
) -> EmbeddedServer:
    """Migrate ``db_url``, start uvicorn in a daemon thread and wait until it accepts.
    ``run_worker`` False: the API alone, as ``serve --no-sender`` (no upstream sender, no
    incident rules)."""
    settings.setdefault("api_docs", True)  # the demo and the tests read /openapi.json
    custom = upstream if isinstance(upstream, Upstream) else None
    name = custom.name if custom is not None else str(upstream)
    ctx = ServerContext(Settings.for_db(db_url, key_file, upstream=name, **settings), custom)
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted connections only then, and
    # without it every reply waited ~40 ms for the client's delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(ctx, run_worker), log_level="warning", timeout_graceful_shutdown=2,
        access_log=False, lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="distributor-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            ctx.close()
            raise RuntimeError("the embedded distributor server did not start")
        time.sleep(0.01)
    return EmbeddedServer(ctx, server, thread, f"http://{host}:{bound_port}")


def create_kiosk(db_url: str, name: str, key_file: Path | None = None) -> KioskCredentials:
    ctx = ServerContext(Settings.for_db(db_url, key_file))
    try:
        return _create_kiosk(ctx, name)
    finally:
        ctx.close()


def credit_deposit(db_url: str, kiosk_id: int, amount: int, key_file: Path | None = None
                   ) -> wire.LedgerEntry:
    ctx = ServerContext(Settings.for_db(db_url, key_file))
    try:
        return _credit_deposit(ctx, kiosk_id, amount)
    finally:
        ctx.close()
