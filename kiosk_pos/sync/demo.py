"""The demo distributor: the real server, in-process on 127.0.0.1, for ``gui --demo``.

``start_demo_distributor(kiosk, data_dir)`` starts the embedded server on a SQLite file in
``data_dir/distributor-demo.db`` with the simulator upstream; the first time it creates
this kiosk's account there, credits Rp5.000.000 and saves the connection in the kiosk;
then it starts a :class:`SyncService`. It returns one callable that stops both.
A kiosk already connected to a real distributor keeps that connection (no demo server).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.sync.config import SyncConfig, load_config, save_config
from kiosk_pos.sync.errors import DistributorRejected
from kiosk_pos.sync.service import SyncService

log = logging.getLogger(__name__)

DEMO_DB = "distributor-demo.db"
DEMO_FLAG = "sync.demo"
DEMO_CREDIT = 5_000_000


def start_demo_distributor(kiosk: Kiosk, data_dir: Path, **service_options: float
                           ) -> Callable[[], None]:
    from distributor_server.embedded import start_embedded

    cfg = load_config(kiosk)
    if cfg is not None and not kiosk.settings.get(DEMO_FLAG, False):
        service = SyncService(kiosk, cfg.client(), **service_options)  # a real distributor
        service.start()
        return service.stop

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = start_embedded(f"sqlite:///{data_dir / DEMO_DB}", host="127.0.0.1", port=0,
                            upstream="simulator")
    try:
        cfg = _demo_account(kiosk, server, cfg)
    except Exception:
        server.stop()
        raise
    service = SyncService(kiosk, cfg.client(), **service_options)
    service.start()

    def stop() -> None:
        service.stop()
        server.stop()

    return stop


def _demo_account(kiosk: Kiosk, server: object, cfg: SyncConfig | None) -> SyncConfig:
    """This kiosk's account on the demo server: reuse it (the port changes every start)."""
    url: str = server.url  # type: ignore[attr-defined]
    if cfg is not None:
        moved = SyncConfig(url, cfg.kiosk_id, cfg.secret)
        try:
            moved.client(timeout=(2.0, 5.0), retries=0).ping()
            save_config(kiosk, moved)
            return moved
        except DistributorRejected:  # the demo database was deleted: start over
            log.info("demo distributor does not know kiosk %s; creating it again", cfg.kiosk_id)
    creds = server.create_kiosk(kiosk.settings.kiosk_info().name)  # type: ignore[attr-defined]
    server.credit_deposit(creds.kiosk_id, DEMO_CREDIT, reference="demo")  # type: ignore[attr-defined]
    new = SyncConfig(url, creds.kiosk_id, creds.secret)
    save_config(kiosk, new)
    kiosk.settings.set(DEMO_FLAG, True)
    return new


def demo_background(data_dir: Path) -> Callable[[Kiosk], Callable[[], None]]:
    """An ``AppExtras.start_background`` hook: starts the demo distributor and sync OFF the
    GUI thread (uvicorn's start-up takes a moment) and returns the stop callable."""

    def start(kiosk: Kiosk) -> Callable[[], None]:
        holder: dict[str, Callable[[], None]] = {}
        ready = threading.Event()

        def run() -> None:
            try:
                holder["stop"] = start_demo_distributor(kiosk, data_dir)
            except Exception:
                log.exception("the demo distributor did not start; the kiosk sells offline")
            finally:
                ready.set()

        threading.Thread(target=run, name="demo-distributor-start", daemon=True).start()

        def stop() -> None:
            ready.wait(30)
            if "stop" in holder:
                holder["stop"]()

        return stop

    return start


def configured_sync(kiosk: Kiosk) -> Callable[[], None]:
    """An ``AppExtras.start_background`` hook for a kiosk connected with ``kiosk-pos connect``
    (no demo server): starts the SyncService if a connection is saved."""
    cfg = load_config(kiosk)
    if cfg is None:
        return lambda: None
    service = SyncService(kiosk, cfg.client())
    service.start()
    return service.stop
