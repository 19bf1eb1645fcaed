"""``serve --workers N``: every process answers without the delayed-ACK stall, and a change
made by another process wakes a kiosk's long poll through PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import create_kiosk, credit_deposit
from distributor_server.models import RateWindow
from distributor_server.serve import listening_socket, listening_sockets
from sqlalchemy import select

from tests.aids.waiting import wait_for
from tests.server.cluster import Cluster, fresh_pg_database
from tests.server.conftest import KioskClient


def _nodelay_of_accepted(sock: socket.socket) -> int:
    """Serve ``sock`` with asyncio as uvicorn does; TCP_NODELAY of the accepted connection."""

    async def run() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def accepted(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        port = sock.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(seen, 10)
        writer.close()
        server.close()
        return value

    return asyncio.run(run())


def _proto_in_spawned_child(sock: socket.socket, out: multiprocessing.Queue) -> None:
    out.put(sock.proto)


def test_every_api_process_turns_nagle_off():
    sock = listening_socket("127.0.0.1", 0)
    # what each of N workers receives: the socket pickled into a spawned process
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    child = spawn.Process(target=_proto_in_spawned_child, args=(sock, out))
    child.start()
    assert out.get(timeout=30) == socket.IPPROTO_TCP
    child.join(timeout=10)
    assert _nodelay_of_accepted(sock) != 0


def test_listening_on_a_port_in_use_is_one_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ValueError, match="cannot listen on 127.0.0.1:"):
            listening_socket("127.0.0.1", taken.getsockname()[1])


def _accepted_per_socket(sockets: list[socket.socket], connections: int) -> list[int]:
    port = sockets[0].getsockname()[1]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    counts = []
    for sock in sockets:
        sock.settimeout(0.5)
        accepted = 0
        while True:
            try:
                conn, _addr = sock.accept()
            except TimeoutError:
                break
            conn.close()
            accepted += 1
        counts.append(accepted)
    for client in clients:
        client.close()
    return counts


def test_worker_sockets_share_the_connections_evenly():
    """With --workers 2 each process serves a socket of its own on the one port; the
    kernel spreads kiosks' connections between them, so neither process takes most
    (one shared socket gave one process 149 of 200) nor needs to be running yet (the
    sockets listen before the processes start: early connections wait in the backlog)."""
    sockets = listening_sockets("127.0.0.1", 0, 2)
    try:
        assert len({sock.getsockname() for sock in sockets}) == 1
        counts = _accepted_per_socket(sockets, 200)
        assert sum(counts) == 200
        assert min(counts) >= 60, counts  # binomial(200, 1/2): below 60 is ~1e-8
    finally:
        for sock in sockets:
            sock.close()


def test_workers_refuse_a_port_another_server_holds():
    """Sockets of their own must not join another server's group on the same port."""
    held = listening_sockets("127.0.0.1", 0, 2)
    try:
        with pytest.raises(ValueError, match="cannot listen on 127.0.0.1:"):
            listening_sockets("127.0.0.1", held[0].getsockname()[1], 2)
    finally:
        for sock in held:
            sock.close()


@pytest.fixture
def pg_ctx(tmp_path: Path) -> Iterator[tuple[ServerContext, Path]]:
    with fresh_pg_database() as url:
        key = tmp_path / "master.key"
        ctx = ServerContext(Settings.for_db(url, key))
        try:
            yield ctx, key
        finally:
            ctx.close()


def _changes_requests(ctx: ServerContext, kiosk_id: int) -> int:
    with ctx.db.read() as session:
        row = session.scalars(select(RateWindow).where(
            RateWindow.kiosk_id == kiosk_id, RateWindow.bucket == "changes")).one_or_none()
        return row.count if row is not None else 0


def test_a_deposit_from_another_process_wakes_the_long_poll(pg_ctx):
    """The long poll asks to wait 25 s but the client gives up after 10 s: only a NOTIFY
    from the crediting process (this test's) can answer it in time, because without one
    an API process that listens does not re-read the feed while it waits."""
    ctx, key = pg_ctx
    cluster = Cluster(ctx.settings.db_url, key)
    try:
        url = cluster.start_api("--workers", "2")
        creds = create_kiosk(ctx, "Konter Jauh")
        client = KioskClient(url, creds.kiosk_id, creds.secret)
        for _ in range(4):  # both processes answer signed requests on the one port
            assert client.get("/v1/ping").status_code == 200
        cursor = client.get("/v1/changes").json()["next_cursor"]
        before = _changes_requests(ctx, creds.kiosk_id)
        reply: dict = {}

        def long_poll() -> None:
            answer = client.get(f"/v1/changes?cursor={cursor}&wait=25", timeout=10)
            reply["status"], reply["body"] = answer.status_code, answer.json()

        poller = threading.Thread(target=long_poll)
        poller.start()
        wait_for(lambda: _changes_requests(ctx, creds.kiosk_id) > before, timeout=10,
                 what="the long poll to reach the server")
        credit_deposit(ctx, creds.kiosk_id, 75_000)
        poller.join(timeout=15)
        assert reply["status"] == 200
        ledger = [c["ledger"] for c in reply["body"]["changes"] if c["kind"] == "ledger"]
        assert [(e["reason"], e["amount"]) for e in ledger] == [("deposit", 75_000)]
    finally:
        cluster.close()


def test_a_long_poll_whose_kiosk_hung_up_stops_waiting(pg_url, pg_key_file):
    """A kiosk that closes the connection (a restart, a lost line) leaves no waiter
    behind; on PostgreSQL the feed is otherwise not re-read while it waits."""
    from distributor_server.embedded import start_embedded
    from pulsa_protocol import signing

    with start_embedded(pg_url, key_file=pg_key_file) as server:
        creds = server.create_kiosk("Konter Putus")
        notifier = server.ctx.notifier
        wait_for(lambda: server.ctx.hears_other_processes, timeout=10,
                 what="the LISTEN connection")
        kiosk = KioskClient(server.url, creds.kiosk_id, creds.secret)
        cursor = kiosk.get("/v1/changes").json()["next_cursor"]
        path = f"/v1/changes?cursor={cursor}&wait=25"
        headers = signing.sign_request(creds.kiosk_id, creds.secret, "GET", path, b"")
        host, port = server.url.removeprefix("http://").split(":")
        conn = socket.create_connection((host, int(port)))
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        conn.sendall(request.encode())
        wait_for(lambda: notifier.waiting(creds.kiosk_id) == 1, timeout=10,
                 what="the long poll to wait")
        conn.close()
        wait_for(lambda: notifier.waiting(creds.kiosk_id) == 0, timeout=10,
                 what="the hung-up long poll to stop waiting")
