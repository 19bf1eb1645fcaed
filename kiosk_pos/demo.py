"""The demo distributor: the real server, in-process on 127.0.0.1, for ``gui --demo``.

Part of the wiring at the root (the only kiosk module that imports the server, which the
``demo`` extra installs). ``start_demo_distributor(kiosk, data_dir)`` starts the embedded
server on a SQLite file in ``data_dir/distributor-demo.db`` with the simulator upstream;
the first time it creates this kiosk's account there, credits the kiosk's own starting
deposit and saves the connection in the kiosk. It returns the running
:class:`SyncService` and one callable that stops both. A kiosk already connected to a real
distributor keeps that connection (no demo server).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kiosk_pos.core.connection import ReconnectNeeded
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.files import secure_database
from kiosk_pos.sync.config import SyncConfig, load_config, save_demo_config
from kiosk_pos.sync.connect import DEMO_FLAG
from kiosk_pos.sync.errors import DistributorRejected
from kiosk_pos.sync.service import SyncService

log = logging.getLogger(__name__)

DEMO_DB = "distributor-demo.db"
DEMO_CREDIT = 5_000_000

Stop = Callable[[], None]


def start_demo_distributor(kiosk: Kiosk, data_dir: Path, **service_options: float
                           ) -> tuple[SyncService, Stop]:
    demo = kiosk.settings.get(DEMO_FLAG, False)
    try:
        cfg = load_config(kiosk)
    except ReconnectNeeded:
        if not demo:
            raise  # a real distributor's secret is missing: the owner connects again
        cfg = None  # the demo account's secret is gone: make a new demo account
    if cfg is not None and not demo:
        service = SyncService(kiosk, cfg.client(), **service_options)  # a real distributor
        service.start()
        return service, service.stop

    cfg, stop_server = start_demo_server(kiosk, data_dir, cfg)
    service = SyncService(kiosk, cfg.client(), **service_options)
    service.start()

    def stop() -> None:
        service.stop()
        stop_server()

    return service, stop


def start_demo_server(kiosk: Kiosk, data_dir: Path, cfg: SyncConfig | None = None
                      ) -> tuple[SyncConfig, Stop]:
    """The embedded simulator server on 127.0.0.1 and this kiosk's account on it (saved as
    the kiosk's connection); returns the connection and the callable that stops the server.
    ``cfg`` is the demo connection kept from an earlier run (its account is reused)."""
    from distributor_server.embedded import start_embedded

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = start_embedded(f"sqlite:///{data_dir / DEMO_DB}", host="127.0.0.1", port=0,
                            upstream="simulator")
    secure_database(data_dir / DEMO_DB)  # it holds the demo kiosk's secret: 0600, by path
    try:
        cfg = _demo_account(kiosk, server, cfg)
    except Exception:
        server.stop()
        raise
    return cfg, server.stop


def _demo_account(kiosk: Kiosk, server: object, cfg: SyncConfig | None) -> SyncConfig:
    """This kiosk's account on the demo server: reuse it (the port changes every start)."""
    url: str = server.url  # type: ignore[attr-defined]
    if cfg is not None:
        moved = SyncConfig(url, cfg.kiosk_id, cfg.secret)
        try:
            moved.client(timeout=(2.0, 5.0), retries=0).ping()
            save_demo_config(kiosk, moved)
            return moved
        except DistributorRejected:  # the demo database was deleted: start over
            log.info("demo distributor does not know kiosk %s; creating it again", cfg.kiosk_id)
    creds = server.create_kiosk(kiosk.settings.kiosk_info().name)  # type: ignore[attr-defined]
    server.credit_deposit(creds.kiosk_id, DEMO_CREDIT, reference="demo")  # type: ignore[attr-defined]
    new = SyncConfig(url, creds.kiosk_id, creds.secret)
    save_demo_config(kiosk, new)
    kiosk.settings.set(DEMO_FLAG, True)
    return new
