"""Fixtures: a real distributor server on 127.0.0.1 (SQLite) and kiosks connected to it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from distributor_server.embedded import EmbeddedServer, start_embedded  # noqa: E402
from pulsa_protocol import wire  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from kiosk_pos.core.clock import to_db, utc_now  # noqa: E402
from kiosk_pos.core.i18n import set_language  # noqa: E402
from kiosk_pos.core.kiosk import Kiosk  # noqa: E402
from kiosk_pos.core.records import CartLine, Payment, SaleRecord  # noqa: E402
from kiosk_pos.core.setup import DEMO_DEPOSIT, init_kiosk  # noqa: E402
from kiosk_pos.store.schema import outbox  # noqa: E402
from kiosk_pos.sync.client import DistributorClient  # noqa: E402
from kiosk_pos.sync.config import SyncConfig, save_config  # noqa: E402

FAST = {"simulator_latency": 0.002, "simulator_pending_seconds": 0.3, "poll_base_seconds": 0.05}


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    folder = tmp_path_factory.mktemp("distributor")
    handle = start_embedded(f"sqlite:///{folder / 'server.sqlite3'}",
                            key_file=folder / "master.key", **FAST)
    try:
        yield handle
    finally:
        handle.stop()


@dataclass
class Shop:
    """A demo kiosk connected to the server, with the same opening deposit on both sides."""

    kiosk: Kiosk
    client: DistributorClient
    kiosk_id: int
    data_dir: Path
    server: EmbeddedServer

    def sell(self, sku: str = "TSEL10", to: str = "081234567890") -> SaleRecord:
        clerk = self.kiosk.users.authenticate("1111")
        return self.kiosk.sales.sell(clerk, [CartLine(sku, 1, to)], Payment())

    def send_outbox(self) -> list[wire.TopUpItemResult]:
        """What the relay does: submit unsent outbox payloads, mark answered ones sent."""
        with self.kiosk.db.read() as conn:
            rows = conn.execute(select(outbox.c.id, outbox.c.payload)
                                .where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id)).all()
        if not rows:
            return []
        reply = self.client.submit_payloads([r.payload for r in rows])
        with self.kiosk.db.write() as conn:
            conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows]))
                         .values(sent_at=to_db(utc_now())))
        return reply.results


@pytest.fixture
def make_shop(server: EmbeddedServer, tmp_path: Path) -> Iterator[Callable[..., Shop]]:
    shops: list[Shop] = []

    def make(deposit: int = DEMO_DEPOSIT, connect: bool = True) -> Shop:
        folder = tmp_path / f"kiosk-{len(shops)}"
        kiosk = init_kiosk(folder, "Konter Uji", "9999", demo=True)
        creds = server.create_kiosk(f"Konter {uuid.uuid4().hex[:6]}")
        if deposit:
            server.credit_deposit(creds.kiosk_id, deposit)
        if connect:
            save_config(kiosk, SyncConfig(server.url, creds.kiosk_id, creds.secret))
        client = DistributorClient(server.url, creds.kiosk_id, creds.secret)
        shop = Shop(kiosk, client, creds.kiosk_id, folder, server)
        shops.append(shop)
        return shop

    yield make
    for shop in shops:
        shop.client.close()
        shop.kiosk.close()


def wait_for(predicate: Callable[[], object], timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.03)


def wait_final(client: DistributorClient, ref_id: str) -> wire.TopUp:
    def final() -> wire.TopUp | None:
        t = client.get_topup(ref_id)
        return t if t.status in (wire.TopUpStatus.SUCCESS, wire.TopUpStatus.FAILED) else None

    return wait_for(final)  # type: ignore[return-value]
