"""``distributor-server serve``: uvicorn in the foreground, in one process or N.

The listening socket is made here, as TCP (``IPPROTO_TCP``), because asyncio turns on
TCP_NODELAY for accepted connections only when the listening socket says so; without it
every reply waited ~40 ms for the client's delayed ACK. With ``--workers N`` there are N
sockets on the one port (``SO_REUSEPORT``), one handed to each of N spawned processes (each
its own uvicorn, database pool, LISTEN connection and, unless ``--no-sender``, upstream
sender): the kernel spreads new connections evenly among the sockets. One shared socket
left it to whichever process woke first, which took most of them (149 of 200 kiosks' keep-
alive connections in one process, 51 in the other), so the busy one queued while the other
idled. This parent only starts them, restarts one that dies (on the same socket, so its
share of connections waits in the backlog meanwhile) and stops them on SIGTERM/SIGINT.
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
from distributor_server.collector import settle_after_start
from distributor_server.config import DigiflazzSettings, Settings
from distributor_server.context import ServerContext

log = logging.getLogger(__name__)
BACKLOG = 2048  # uvicorn's default, which it sets again when it serves the socket
LOG_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"


def with_upstream_settings(settings: Settings) -> Settings:
    """Digiflazz credentials from the environment when that upstream is chosen."""
    if settings.upstream == "digiflazz":
        settings = replace(settings, digiflazz=DigiflazzSettings.from_env())
        if not settings.digiflazz.username or not settings.digiflazz.api_key:
            raise ValueError("set DIGIFLAZZ_USERNAME and DIGIFLAZZ_API_KEY to use --upstream "
                             "digiflazz")
    return settings


def _tcp_socket(host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.set_inheritable(True)
    return sock


def _bind(sock: socket.socket, host: str, port: int) -> None:
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another "
                         "--host/--port or stop what uses it") from None


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket whose accepted connections get TCP_NODELAY from asyncio."""
    sock = _tcp_socket(host)
    _bind(sock, host, port)
    return sock


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening TCP sockets on one port, the kernel balancing new connections
    among them (``SO_REUSEPORT``). The port is first bound alone, so a port another server
    holds (even one of ours with sockets of its own) is refused rather than shared. They
    listen from here on: the kernel sends a connection only to a listening socket, and a
    process still starting would otherwise leave all of them to the first one ready."""
    first = listening_socket(host, port)
    if count <= 1:
        return [first]
    port = first.getsockname()[1]  # the port chosen when 0 was asked
    first.close()
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = _tcp_socket(host)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            _bind(sock, host, port)
            sockets.append(sock)
            sock.listen(BACKLOG)
    except ValueError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def run_api_process(settings: Settings, sock: socket.socket, sender: bool) -> None:
    """One API process: its own context (pool, LISTEN, sender) and uvicorn on ``sock``."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    ctx = ServerContext(settings)
    try:
        config = uvicorn.Config(create_app(ctx, run_worker=sender), lifespan="on",
                                timeout_graceful_shutdown=5, access_log=settings.access_log)
        settle_after_start()  # thousands of idle long polls: full collections rarer
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
    sockets = listening_sockets(host, port, workers)
    if workers <= 1:
        run_api_process(settings, sockets[0], sender)
        return 0
    return _supervise(settings, sockets, sender)


def _supervise(settings: Settings, sockets: list[socket.socket], sender: bool) -> int:
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())

    def start(sock: socket.socket) -> multiprocessing.process.BaseProcess:
        proc = spawn.Process(target=run_api_process, args=(settings, sock, sender),
                             name="distributor-api")
        proc.start()
        return proc

    procs = [start(sock) for sock in sockets]
    log.info("%d API processes on %s: %s", len(procs), sockets[0].getsockname(),
             ", ".join(str(p.pid) for p in procs))
    while not stop.wait(0.5):
        for i, proc in enumerate(procs):
            if not proc.is_alive() and not stop.is_set():
                log.error("API process %s ended with %s; starting another", proc.pid,
                          proc.exitcode)
                procs[i] = start(sockets[i])
    for proc in procs:
        proc.terminate()  # SIGTERM: uvicorn finishes the requests in flight
    for proc in procs:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
    for sock in sockets:
        sock.close()
    return 0
