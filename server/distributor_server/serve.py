"""``distributor-server serve``: uvicorn in the foreground."""

from __future__ import annotations

import logging
from dataclasses import replace

import uvicorn

from distributor_server.api.app import create_app
from distributor_server.config import DigiflazzSettings, Settings
from distributor_server.context import ServerContext


def with_upstream_settings(settings: Settings) -> Settings:
    """Digiflazz credentials from the environment when that upstream is chosen."""
    if settings.upstream == "digiflazz":
        settings = replace(settings, digiflazz=DigiflazzSettings.from_env())
        if not settings.digiflazz.username or not settings.digiflazz.api_key:
            raise ValueError("set DIGIFLAZZ_USERNAME and DIGIFLAZZ_API_KEY to use --upstream "
                             "digiflazz")
    return settings


def serve(settings: Settings, host: str, port: int, sender: bool = True) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = with_upstream_settings(settings)
    ctx = ServerContext(settings)
    warning = ctx.db.pool_warning()
    if warning:
        logging.getLogger(__name__).warning(warning)
    try:
        uvicorn.run(create_app(ctx, run_worker=sender), host=host, port=port,
                    timeout_graceful_shutdown=5)
    finally:
        ctx.close()
    return 0
