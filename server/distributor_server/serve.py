"""``distributor-server serve``: uvicorn in the foreground, in one process or N.

The listening socket is made here, as TCP (``IPPROTO_TCP``), because asyncio turns on
TCP_NODELAY for accepted connections only when the listening socket says so; without it
every reply waited ~40 ms for the client's delayed ACK. With ``--workers N`` the one socket
is handed to N spawned processes (each its own uvicorn, database pool, LISTEN connection
and, unless ``--no-sender``, upstream sender); the kernel spreads connections among them.
This parent only starts them, restarts one that dies, and stops them on SIGTERM/SIGINT.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from dataclasses import replace

import uvicorn

from distributor_server.api.app import create_app
from distributor_server.config import DigiflazzSettings, Settings
from distributor_server.context import ServerContext

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"


def with_upstream_settings(settings: Settings) -> Settings:
    """Digiflazz credentials from the environment when that upstream is chosen."""
    if settings.upstream == "digiflazz":
        settings = replace(settings, digiflazz=DigiflazzSettings.from_env())
        if not settings.digiflazz.username or not settings.digiflazz.api_key:
            raise ValueError("set DIGIFLAZZ_USERNAME and DIGIFLAZZ_API_KEY to use --upstream "
                             "digiflazz")
    return settings


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket whose accepted connections get TCP_NODELAY from asyncio."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another "
                         "--host/--port or stop what uses it") from None
    sock.set_inheritable(True)
    return sock


def run_api_process(settings: Settings, sock: socket.socket, sender: bool) -> None:
    """One API process: its own context (pool, LISTEN, sender) and uvicorn on ``sock``."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    ctx = ServerContext(settings)
    try:
        config = uvicorn.Config(create_app(ctx, run_worker=sender), lifespan="on",
                                timeout_graceful_shutdown=5, access_log=settings.access_log)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        ctx.close()


def serve(settings: Settings, host: str, port: int, sender: bool = True,
          workers: int = 1) -> int:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    settings = with_upstream_settings(settings)
    ctx = ServerContext(settings)  # migrates once, before any worker starts
    try:
        warning = ctx.db.pool_warning(processes=max(workers, 2))
    finally:
        ctx.close()
    if warning:
        log.warning(warning)
    sock = listening_socket(host, port)
    if workers <= 1:
        run_api_process(settings, sock, sender)
        return 0
    return _supervise(settings, sock, sender, workers)


def _supervise(settings: Settings, sock: socket.socket, sender: bool, workers: int) -> int:
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())

    def start() -> multiprocessing.process.BaseProcess:
        proc = spawn.Process(target=run_api_process, args=(settings, sock, sender),
                             name="distributor-api")
        proc.start()
        return proc

    procs = [start() for _ in range(workers)]
    log.info("%d API processes on %s: %s", workers, sock.getsockname(),
             ", ".join(str(p.pid) for p in procs))
    while not stop.wait(0.5):
        for i, proc in enumerate(procs):
            if not proc.is_alive() and not stop.is_set():
                log.error("API process %s ended with %s; starting another", proc.pid,
                          proc.exitcode)
                procs[i] = start()
    for proc in procs:
        proc.terminate()  # SIGTERM: uvicorn finishes the requests in flight
    for proc in procs:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
    sock.close()
    return 0
