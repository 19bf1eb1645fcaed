"""A real distributor server on 127.0.0.1 (embedded, SQLite) and kiosks connected to it.

A pytest plugin (registered by tests/conftest.py), so the sync tests and the UI tests of
the sync screens share one set of fixtures:

- ``distributor``: one embedded server per test module;
- ``template_kiosk``: a demo kiosk made once per session, which :func:`copy_shop` copies;
- ``shop``: a :class:`CopiedShop` connected to ``distributor``;
- ``make_shop``: makes :class:`Shop` kiosks, freshly initialised, each with an account on
  ``distributor`` and the same opening deposit on both sides; closed after the test.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from distributor_server.embedded import EmbeddedServer, start_embedded
from pulsa_protocol import wire
from sqlalchemy import select, update

from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, SaleRecord, TopUpStatus, User
from kiosk_pos.core.setup import DEMO_DEPOSIT, init_kiosk
from kiosk_pos.store.schema import outbox, topups
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.config import SyncConfig, save_config
from tests.aids.waiting import wait_for

# Fast enough for tests, slow enough that 120 kiosks polling at once do not swamp it.
FAST = {"simulator_latency": 0.0, "simulator_pending_seconds": 0.4, "poll_base_seconds": 0.2,
        "poll_max_seconds": 0.5}
SERVER_CREDIT = 5_000_000


@contextmanager
def running_distributor(folder: Path) -> Iterator[EmbeddedServer]:
    """An embedded SQLite distributor in ``folder`` with the tests' FAST timings."""
    handle = start_embedded(f"sqlite:///{folder / 'distributor.db'}",
                            key_file=folder / "master.key", **FAST)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture(scope="module")
def distributor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with running_distributor(tmp_path_factory.mktemp("distributor")) as handle:
        yield handle


@pytest.fixture(scope="session")
def template_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo kiosk made once; tests copy its folder (init takes ~0.3 s)."""
    folder = tmp_path_factory.mktemp("template") / "kiosk"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    return folder


def copy_kiosk(template: Path, dest: Path) -> Kiosk:
    shutil.copytree(template, dest)
    return Kiosk.open(dest)


class CopiedShop:
    """A copy of the template kiosk connected to an account on the test server."""

    def __init__(self, kiosk: Kiosk, cfg: SyncConfig, folder: Path) -> None:
        self.kiosk = kiosk
        self.cfg = cfg
        self.folder = folder
        self.clerk: User = kiosk.users.authenticate("1111")
        self.owner: User = kiosk.users.authenticate("9999")

    def direct(self) -> DistributorClient:
        """A client straight to the server (no proxy), for checking."""
        return DistributorClient(self.cfg.url, self.cfg.kiosk_id, self.cfg.secret)

    def sell(self, destination: str, sku: str = "TSEL10") -> str:
        sale = self.kiosk.sales.sell(self.clerk, [CartLine(sku, 1, destination)], Payment())
        topup = sale.lines[0].topup
        assert topup is not None
        return topup.ref_id


def copy_shop(server: EmbeddedServer, template: Path, folder: Path, *, url: str | None = None,
              credit: int = SERVER_CREDIT) -> CopiedShop:
    """A copy of ``template`` in ``folder`` with an account on ``server`` holding ``credit``;
    ``url`` points the kiosk elsewhere (a fault proxy) instead of at the server."""
    kiosk = copy_kiosk(template, folder)
    creds = server.create_kiosk(folder.name)
    if credit:
        server.credit_deposit(creds.kiosk_id, credit)
    cfg = SyncConfig(url or server.url, creds.kiosk_id, creds.secret)
    save_config(kiosk, cfg, kiosk.users.authenticate("9999"))
    return CopiedShop(kiosk, cfg, folder)


@pytest.fixture
def shop(distributor: EmbeddedServer, template_kiosk: Path, tmp_path: Path
         ) -> Iterator[CopiedShop]:
    s = copy_shop(distributor, template_kiosk, tmp_path / "kiosk")
    yield s
    s.kiosk.close()


@dataclass
class Shop:
    """A demo kiosk connected to the server, with the same opening deposit on both sides."""

    kiosk: Kiosk
    client: DistributorClient
    kiosk_id: int
    data_dir: Path
    server: EmbeddedServer

    @property
    def owner(self) -> User:
        return self.kiosk.users.authenticate("9999")

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
def make_shop(distributor: EmbeddedServer, tmp_path: Path) -> Iterator[Callable[..., Shop]]:
    shops: list[Shop] = []

    def make(deposit: int = DEMO_DEPOSIT, connect: bool = True) -> Shop:
        folder = tmp_path / f"kiosk-{len(shops)}"
        kiosk = init_kiosk(folder, "Konter Uji", "9999", demo=True)
        creds = distributor.create_kiosk(f"Konter {uuid.uuid4().hex[:6]}")
        if deposit:
            distributor.credit_deposit(creds.kiosk_id, deposit)
        if connect:
            save_config(kiosk, SyncConfig(distributor.url, creds.kiosk_id, creds.secret),
                        kiosk.users.authenticate("9999"))
        client = DistributorClient(distributor.url, creds.kiosk_id, creds.secret)
        shop = Shop(kiosk, client, creds.kiosk_id, folder, distributor)
        shops.append(shop)
        return shop

    yield make
    for shop in shops:
        shop.client.close()
        shop.kiosk.close()


def wait_final(client: DistributorClient, ref_id: str) -> wire.TopUp:
    """The server's top-up once it is success or failed."""
    def final() -> wire.TopUp | None:
        t = client.get_topup(ref_id)
        return t if t.status in (wire.TopUpStatus.SUCCESS, wire.TopUpStatus.FAILED) else None

    return wait_for(final, what=f"top-up {ref_id} to be final")  # type: ignore[return-value]


def local_topups(kiosk: Kiosk) -> dict[str, tuple[str, str | None, int]]:
    """ref_id -> (status, sn, cost) of every local top-up."""
    with kiosk.db.read() as conn:
        return {r.ref_id: (r.status, r.sn, r.cost)
                for r in conn.execute(select(topups.c.ref_id, topups.c.status, topups.c.sn,
                                             topups.c.cost))}


def all_final(kiosk: Kiosk) -> bool:
    return all(TopUpStatus(s).final for s, _sn, _c in local_topups(kiosk).values())


def server_view(client: DistributorClient) -> tuple[dict[str, wire.TopUp], list[wire.LedgerEntry],
                                                    int]:
    start = datetime.now(UTC) - timedelta(days=2)
    end = datetime.now(UTC) + timedelta(days=2)
    txs = client.transactions(start, end).topups
    ledger = client.ledger(start, end)
    return {t.ref_id: t for t in txs}, ledger.entries, ledger.balance


def assert_consistent(shop: CopiedShop, *, expected_refused: set[str] | None = None
                      ) -> dict[str, int]:
    """Every local sale is on the server exactly once (or was refused), statuses and balances
    agree, and the server's ledger explains its balance."""
    local = local_topups(shop.kiosk)
    txs, ledger, server_balance = server_view(shop.direct())
    refused = {ref for ref in local if ref not in txs}
    if expected_refused is not None:
        assert refused == expected_refused
    assert set(txs) <= set(local), "the server holds a top-up this kiosk never sold"
    debits: dict[str, int] = {}
    for e in ledger:
        if e.reason == "topup":
            debits[e.reference] = debits.get(e.reference, 0) + 1
    assert all(n == 1 for n in debits.values()), "a top-up was charged twice"
    for ref, tx in txs.items():
        assert debits.get(ref) == 1, f"{ref} on the server without exactly one debit"
        status, sn, _cost = local[ref]
        assert status == tx.status.value, f"{ref}: local {status}, server {tx.status}"
        if tx.status is wire.TopUpStatus.SUCCESS:
            assert sn and sn == tx.sn
    for ref in refused:
        assert local[ref][0] == "failed"
    credits = sum(e.amount for e in ledger if e.reason in ("deposit", "deposit_ticket"))
    charged = sum(t.price for t in txs.values() if t.status is not wire.TopUpStatus.FAILED)
    assert server_balance == credits - charged
    assert shop.kiosk.deposit.balance() == server_balance
    assert shop.kiosk.sales.queue_length() == 0
    return {"server_topups": len(txs), "refused": len(refused), "balance": server_balance}
