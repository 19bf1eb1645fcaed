"""Two API processes and two upstream workers on one PostgreSQL database, as deployed:
each top-up is sent upstream once per attempt, and a worker killed mid-send loses nothing.

The processes are real (``distributor-server serve --no-sender`` and ``distributor-server
worker``); kiosks talk signed HTTP to the API processes on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from distributor_server.claims import call_counts
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import create_kiosk, credit_deposit
from distributor_server.models import TopUp, UpstreamCall
from sqlalchemy import func, select

from tests.aids.waiting import wait_for
from tests.server.cluster import Cluster, fresh_pg_database
from tests.server.conftest import KioskClient, demo_price
from tests.server.fake_digiflazz import FakeDigiflazz

PRICE = demo_price("TSEL10")
DEPOSIT = 1_000_000


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[ServerContext, Path]]:
    with fresh_pg_database() as url:
        key = tmp_path / "master.key"
        ctx = ServerContext(Settings.for_db(url, key))
        try:
            yield ctx, key
        finally:
            ctx.close()


def _kiosks(ctx: ServerContext, cluster: Cluster, count: int) -> list[KioskClient]:
    clients = []
    for n in range(count):
        creds = create_kiosk(ctx, f"Konter {n}")
        credit_deposit(ctx, creds.kiosk_id, DEPOSIT)
        url = cluster.api_urls[n % len(cluster.api_urls)]
        clients.append(KioskClient(url, creds.kiosk_id, creds.secret))
    return clients


def _submit_all(jobs: list[tuple[KioskClient, str, str]]) -> list[int]:
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(
            lambda job: job[0].put_topup(job[1], "TSEL10", job[2]).status_code, jobs))


def _none_pending(ctx: ServerContext) -> bool:
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(TopUp)
                              .where(TopUp.status == "pending")) == 0


def _balances_equal_ledgers(clients: list[KioskClient], spent: Counter) -> None:
    for client in clients:
        ledger = client.ledger()
        assert client.balance() == sum(e["amount"] for e in ledger)
        assert client.balance() == DEPOSIT - spent[client.kiosk_id]


def test_each_topup_is_sent_once_whatever_runs(pg):
    ctx, key = pg
    cluster = Cluster(ctx.settings.db_url, key)
    try:
        cluster.start_api()
        cluster.start_api()
        worker_pids = {cluster.start_worker("--threads", "4").pid for _ in range(2)}
        clients = _kiosks(ctx, cluster, 8)
        # last digit 2: the simulator refuses at once (refund); anything else succeeds at once
        jobs = [(client, uuid.uuid4().hex, "0812345678" + ("92" if n % 5 == 0 else "90"))
                for client in clients for n in range(25)]
        assert _submit_all(jobs) == [201] * len(jobs)
        wait_for(lambda: _none_pending(ctx), timeout=40, what="every top-up to be final")

        spent: Counter = Counter()
        for client, _ref, dest in jobs:
            spent[client.kiosk_id] += 0 if dest.endswith("2") else PRICE
        for client in clients[:2]:  # the desk command, as the distributor reads it
            done = cluster.cli("transactions", "--kiosk", str(client.kiosk_id), "--json")
            assert done.returncode == 0, done.stderr
            rows = json.loads(done.stdout)
            assert len(rows) == 25
            assert {(r["sends"], r["checks"]) for r in rows} == {(1, 0)}
            assert {r["status"] for r in rows} == {"success", "failed"}
        for client in clients[2:]:
            counts = call_counts(ctx, client.kiosk_id)
            assert len(counts) == 25 and set(counts.values()) == {(1, 0)}
        with ctx.db.read() as session:
            senders = set(session.scalars(select(UpstreamCall.who).distinct()))
        assert {int(who.rsplit(":", 1)[1]) for who in senders} <= worker_pids
        _balances_equal_ledgers(clients, spent)
    finally:
        cluster.close()


def test_a_worker_killed_mid_send_is_taken_over_as_a_new_attempt(pg):
    """The killed worker's call never got an answer, so after its lease another worker
    sends again (attempt 2) with the same upstream ref_id; the supplier answers that as a
    status check of the purchase it already has, never a second purchase."""
    ctx, key = pg
    fake = FakeDigiflazz(hang_seconds=30)
    env = {"DIGIFLAZZ_USERNAME": fake.username, "DIGIFLAZZ_API_KEY": fake.api_key,
           "DIGIFLAZZ_BASE_URL": fake.url + "/v1"}
    cluster = Cluster(ctx.settings.db_url, key, env)
    try:
        cluster.start_api()
        cluster.start_api()
        for _ in range(2):
            cluster.start_worker("--upstream", "digiflazz", "--threads", "4",
                                 "--lease-seconds", "2")
        clients = _kiosks(ctx, cluster, 4)
        hanging = uuid.uuid4().hex  # last digit 5: the fake buys, then hangs the first reply
        jobs = [(clients[0], hanging, "081234567895")]
        jobs += [(client, uuid.uuid4().hex, "081234567890")
                 for client in clients for _ in range(10)]
        assert _submit_all(jobs) == [201] * len(jobs)

        with ctx.db.read() as session:
            topup = session.scalars(select(TopUp).where(TopUp.ref_id == hanging)).one()
        upstream_ref = topup.upstream_ref_id

        def hanging_call_made() -> bool:
            return any(c["ref_id"] == upstream_ref for c in list(fake.calls))

        wait_for(hanging_call_made, timeout=20, what="the hanging call to reach the supplier")
        with ctx.db.read() as session:
            first = session.scalars(select(UpstreamCall).where(
                UpstreamCall.topup_id == topup.id)).one()
        killed = int(first.who.rsplit(":", 1)[1])
        assert killed in {w.pid for w in cluster.workers}
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: _none_pending(ctx), timeout=30, what="every top-up to be final")

        with ctx.db.read() as session:
            timeline = session.scalars(select(UpstreamCall).where(
                UpstreamCall.topup_id == topup.id).order_by(UpstreamCall.id)).all()
            unanswered = session.scalars(select(UpstreamCall).where(
                UpstreamCall.outcome == "")).all()
            statuses = set(session.scalars(select(TopUp.status).distinct()))
        assert [(c.kind, c.outcome) for c in timeline] == [("send", ""), ("send", "success")]
        assert timeline[1].who != first.who
        assert {c.who for c in unanswered} == {first.who}  # only the dead worker left gaps
        assert statuses == {"success"}
        calls_at_supplier = Counter(c["ref_id"] for c in list(fake.calls))
        assert calls_at_supplier[upstream_ref] == 2 and len(fake.transactions) == len(jobs)
        for client in clients:  # every other top-up: one send per unanswered call, plus one
            done = cluster.cli("transactions", "--kiosk", str(client.kiosk_id), "--json")
            assert done.returncode == 0, done.stderr
            for row in json.loads(done.stdout):
                assert row["status"] == "success" and row["checks"] == 0
                assert 1 <= row["sends"] <= 2
        spent = Counter(client.kiosk_id for client, _r, _d in jobs)
        _balances_equal_ledgers(clients, Counter({k: n * PRICE for k, n in spent.items()}))
    finally:
        cluster.close()
        fake.close()
