"""Sync tests talk real HTTP to a real distributor server on 127.0.0.1 (embedded, SQLite)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from distributor_server.embedded import EmbeddedServer, start_embedded
from pulsa_protocol import wire

from kiosk_pos.core.i18n import set_language
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, TopUpStatus, User
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.config import SyncConfig, save_config

FAST = {"simulator_latency": 0.0, "simulator_pending_seconds": 0.4, "poll_base_seconds": 0.2,
        "poll_max_seconds": 0.5}
SERVER_CREDIT = 5_000_000


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


@pytest.fixture(scope="session")
def template_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo kiosk made once; tests copy its folder (init takes ~0.3 s)."""
    folder = tmp_path_factory.mktemp("template") / "kiosk"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    return folder


def copy_kiosk(template: Path, dest: Path) -> Kiosk:
    shutil.copytree(template, dest)
    return Kiosk.open(dest)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    folder = tmp_path_factory.mktemp("server")
    srv = start_embedded(f"sqlite:///{folder / 'distributor.db'}", **FAST)
    yield srv
    srv.stop()


class Shop:
    """A kiosk connected to an account on the test server."""

    def __init__(self, kiosk: Kiosk, cfg: SyncConfig, folder: Path) -> None:
        self.kiosk = kiosk
        self.cfg = cfg
        self.folder = folder
        self.clerk: User = kiosk.users.authenticate("1111")

    def direct(self) -> DistributorClient:
        """A client straight to the server (no proxy), for checking."""
        return DistributorClient(self.cfg.url, self.cfg.kiosk_id, self.cfg.secret)

    def sell(self, destination: str, sku: str = "TSEL10") -> str:
        sale = self.kiosk.sales.sell(self.clerk, [CartLine(sku, 1, destination)], Payment())
        topup = sale.lines[0].topup
        assert topup is not None
        return topup.ref_id


def make_shop(server: EmbeddedServer, template: Path, folder: Path, *, url: str | None = None,
              credit: int = SERVER_CREDIT) -> Shop:
    kiosk = copy_kiosk(template, folder)
    creds = server.create_kiosk(folder.name)
    if credit:
        server.credit_deposit(creds.kiosk_id, credit)
    cfg = SyncConfig(url or server.url, creds.kiosk_id, creds.secret)
    save_config(kiosk, cfg)
    return Shop(kiosk, cfg, folder)


@pytest.fixture
def shop(server: EmbeddedServer, template_kiosk: Path, tmp_path: Path) -> Iterator[Shop]:
    s = make_shop(server, template_kiosk, tmp_path / "kiosk")
    yield s
    s.kiosk.close()


def wait_until(check: Callable[[], object], timeout: float, step: float = 0.05,
               what: str = "condition") -> object:
    """Poll ``check`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(step)


def local_topups(kiosk: Kiosk) -> dict[str, tuple[str, str | None, int]]:
    """ref_id -> (status, sn, cost) of every local top-up."""
    from sqlalchemy import select

    from kiosk_pos.store.schema import topups

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


def assert_consistent(shop: Shop, *, expected_refused: set[str] | None = None) -> dict[str, int]:
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
