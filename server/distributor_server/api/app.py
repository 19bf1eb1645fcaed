"""The FastAPI application; ``create_app(ctx)`` wires routes, limits and error handling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pulsa_protocol import wire
from starlette.types import ASGIApp

from distributor_server import __version__
from distributor_server.api import (
    routes_complaints,
    routes_inquiry,
    routes_kiosk,
    routes_public,
    routes_topups,
)
from distributor_server.api.errors import install_error_handlers
from distributor_server.api.fast_submit import TopUpFastPath
from distributor_server.api.limits import BodyLimitMiddleware
from distributor_server.api.reply_signing import ReplySigningMiddleware
from distributor_server.console import mount_console
from distributor_server.context import ServerContext


class DistributorApi(FastAPI):
    """FastAPI with the signed top-up submit answered in front of its layers
    (:mod:`distributor_server.api.fast_submit`)."""

    def build_middleware_stack(self) -> ASGIApp:
        return TopUpFastPath(super().build_middleware_stack())


def create_app(ctx: ServerContext, run_worker: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.start_listener()
        if run_worker:
            ctx.start_worker()
        yield
        if ctx.hot is not None:  # its connections belong to this event loop
            await ctx.hot.close()

    docs = ctx.settings.api_docs
    app = DistributorApi(
        title="Pulsa distributor server", version=__version__, lifespan=lifespan,
        description="Kiosk sync API. Schemas and signing: pulsa_protocol/wire.py.",
        openapi_url="/openapi.json" if docs else None, docs_url="/docs" if docs else None,
        redoc_url=None,
        # no OpenTelemetry here: FastAPI otherwise asks the global tracer, meter and logger
        # providers on every request whether one was configured (2% of a submit's CPU)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.include_router(routes_public.router)
    app.include_router(routes_kiosk.router)
    app.include_router(routes_topups.router)
    app.include_router(routes_inquiry.router)
    app.include_router(routes_complaints.router)
    mount_console(app)  # the service desk's web console under /console/
    app.add_middleware(ReplySigningMiddleware)  # inside the body cap: signs identified replies
    app.add_middleware(BodyLimitMiddleware, max_bytes=wire.MAX_BODY_BYTES)
    return app
