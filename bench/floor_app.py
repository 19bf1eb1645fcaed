"""The floor: a bare FastAPI + asyncpg app doing what a top-up submit must at least do.

``POST /insert`` with ``{"ref_id", "sku", "destination"}`` inserts one row and returns it
as JSON, in one statement on a pooled connection; no auth, no money, no feed. Run as
``python -m bench.floor_app DB_URL PORT [WORKERS]`` on the same kind of TCP sockets as the
distributor server (TCP_NODELAY on; with WORKERS, one ``SO_REUSEPORT`` socket each), so
both sides pay the same network costs.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

_TABLE = ("CREATE TABLE IF NOT EXISTS floor_topups (id bigserial PRIMARY KEY, "
          "ref_id text NOT NULL UNIQUE, sku text NOT NULL, destination text NOT NULL, "
          "created_at timestamptz NOT NULL DEFAULT now())")


def make_app(dsn: str) -> FastAPI:
    state: dict = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=4, max_size=10)
        async with state["pool"].acquire() as conn:
            await conn.execute(_TABLE)
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health() -> JSONResponse:
        return JSONResponse({"ok": True})

    @app.post("/insert")
    async def insert(request: Request) -> JSONResponse:
        body = await request.json()
        async with state["pool"].acquire() as conn:
            row = await conn.fetchrow(
                "INSERT INTO floor_topups (ref_id, sku, destination) VALUES ($1, $2, $3) "
                "RETURNING id, ref_id, sku, destination, created_at",
                body["ref_id"], body["sku"], body["destination"])
        return JSONResponse({**dict(row), "created_at": row["created_at"].isoformat()},
                            status_code=201)

    return app


def _child(dsn: str, sock: socket.socket) -> None:
    config = uvicorn.Config(make_app(dsn), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def main(argv: list[str]) -> None:
    from distributor_server.serve import listening_sockets

    dsn = argv[0].replace("postgresql+psycopg://", "postgresql://")
    workers = int(argv[2]) if len(argv) > 2 else 1
    sockets = listening_sockets("127.0.0.1", int(argv[1]), workers)
    if workers == 1:
        _child(dsn, sockets[0])
        return
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=_child, args=(dsn, sock)) for sock in sockets]
    for proc in procs:
        proc.start()

    def stop(*_args: object) -> None:
        for proc in procs:
            proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    for proc in procs:
        proc.join()


if __name__ == "__main__":
    main(sys.argv[1:])
