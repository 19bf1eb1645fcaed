"""The PostgreSQL-restart half of issue 14's fault campaign.

Two API processes and two upstream workers run on a PostgreSQL instance of this test's
own (tests/server/private_pg.py: the machine's shared PostgreSQL is never restarted).
Kiosks keep submitting signed top-ups while that PostgreSQL is stopped and started again.
The promise kept across the restart:

- while the database is down, a request is answered 503 with one sentence and Retry-After
  (never a 500, never a hang), and nothing is accepted;
- afterwards the same processes serve again by themselves (nobody restarts them);
- a kiosk that re-sends its unanswered top-ups (same ref_id) has each one exactly once:
  nothing lost, nothing charged twice; the supplier bought each once, was called once per
  recorded attempt, and every balance equals its ledger.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
import requests
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import create_kiosk, credit_deposit
from distributor_server.models import LedgerEntry, TopUp, UpstreamCall
from sqlalchemy import func, select

from tests.aids.waiting import wait_for
from tests.server.cluster import Cluster
from tests.server.conftest import KioskClient, demo_price
from tests.server.fake_digiflazz import FakeDigiflazz
from tests.server.private_pg import private_postgres

PRICE = demo_price("TSEL10")
DEPOSIT = 1_000_000
KIOSKS = 4


class Traffic:
    """Kiosks submitting new top-ups in a loop (a thread each) and remembering every
    ref_id they sent and every answer they got."""

    def __init__(self, clients: list[KioskClient]) -> None:
        self.clients = clients
        self.sent: list[tuple[KioskClient, str]] = []
        # (ref_id, HTTP status or 0 for a lost answer, body, headers)
        self.answers: list[tuple[str, int, dict, Mapping[str, str]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(c,)) for c in clients]

    def submit(self, client: KioskClient, ref: str) -> int:
        try:
            reply = client.put_topup(ref, "TSEL10", "081234567890")
            status, body, headers = reply.status_code, reply.json(), reply.headers
        except requests.RequestException as exc:  # the answer was lost: re-send it later
            status, body, headers = 0, {"message": type(exc).__name__}, {}
        with self._lock:
            self.answers.append((ref, status, body, headers))
        return status

    def _run(self, client: KioskClient) -> None:
        while not self._stop.wait(0.1):  # under the topups rate limit
            ref = uuid.uuid4().hex
            with self._lock:
                self.sent.append((client, ref))
            self.submit(client, ref)

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)

    def count(self, status: int) -> int:
        with self._lock:
            return sum(1 for _r, s, _b, _h in self.answers if s == status)


def _senders(ctx: ServerContext) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.count(UpstreamCall.who.distinct()))) or 0


def _final(ctx: ServerContext, refs: int) -> bool:
    with ctx.db.read() as session:
        done = session.scalar(select(func.count()).select_from(TopUp)
                              .where(TopUp.status == "success"))
    return done == refs


@pytest.mark.slow
def test_a_postgres_restart_loses_nothing_and_charges_nothing_twice(tmp_path: Path):
    fake = FakeDigiflazz()
    env = {"DIGIFLAZZ_USERNAME": fake.username, "DIGIFLAZZ_API_KEY": fake.api_key,
           "DIGIFLAZZ_BASE_URL": fake.url + "/v1"}
    with private_postgres() as pg:
        url = pg.create_database("fault")
        key = tmp_path / "master.key"
        ctx = ServerContext(Settings.for_db(url, key))
        creds = [create_kiosk(ctx, f"Konter {n}") for n in range(KIOSKS)]
        for c in creds:
            credit_deposit(ctx, c.kiosk_id, DEPOSIT)
        cluster = Cluster(url, key, env)
        try:
            apis = [cluster.start_api(), cluster.start_api()]
            for _ in range(2):
                cluster.start_worker("--upstream", "digiflazz", "--threads", "2",
                                     "--lease-seconds", "3")
            clients = [KioskClient(apis[n % 2], c.kiosk_id, c.secret)
                       for n, c in enumerate(creds)]
            traffic = Traffic(clients)
            traffic.start()
            wait_for(lambda: traffic.count(201) >= 20, timeout=60,
                     what="top-ups to be accepted before the restart")
            # both workers up and sending (one that starts while the database is down exits,
            # for systemd to start again: that is not what this test is about)
            wait_for(lambda: _senders(ctx) == 2, timeout=60,
                     what="both workers to send top-ups upstream")
            ctx.close()

            pg.stop()
            probe = clients[0].put_topup("while-down", "TSEL10", "081234567890")
            assert probe.status_code == 503, probe.text
            body = probe.json()
            assert body["code"] == "unavailable" and body["message"].endswith(".")
            assert int(probe.headers["Retry-After"]) > 0
            wait_for(lambda: traffic.count(503) >= 4, timeout=30,
                     what="the kiosks' own submits to be answered 503 while PostgreSQL is down")

            accepted_before = traffic.count(201)
            pg.start()
            wait_for(lambda: traffic.count(201) >= accepted_before + 20, timeout=90,
                     what="top-ups to be accepted again after the restart (same processes)")
            traffic.stop()
            assert all(p.poll() is None for p in cluster._procs), "a process died"

            # the kiosks re-send everything not answered 200/201 (same ref_id: idempotent)
            answered = {ref for ref, status, _b, _h in traffic.answers if status in (200, 201)}
            retried = [(c, ref) for c, ref in traffic.sent if ref not in answered]
            retried.append((clients[0], "while-down"))
            for client, ref in retried:
                wait_for(lambda c=client, r=ref: traffic.submit(c, r) in (200, 201),
                         timeout=30, what=f"the re-sent top-up {ref} to be accepted")

            statuses = Counter(status for _r, status, _b, _h in traffic.answers)
            assert set(statuses) <= {200, 201, 503, 0}, statuses
            for _ref, status, body, headers in traffic.answers:
                if status == 503:
                    assert body["message"].endswith(".") and "Retry-After" in headers

            refs = {ref for _c, ref in traffic.sent} | {"while-down"}
            ctx = ServerContext(Settings.for_db(url, key))
            try:
                wait_for(lambda: _final(ctx, len(refs)), timeout=90,
                         what="every top-up to be sent and final")
                with ctx.db.read() as session:
                    stored = Counter(session.scalars(select(TopUp.ref_id)))
                    debits = Counter(session.scalars(select(LedgerEntry.reference)
                                                     .where(LedgerEntry.reason == "topup")))
                    attempts = Counter(session.scalars(
                        select(TopUp.upstream_ref_id).join(
                            UpstreamCall, UpstreamCall.topup_id == TopUp.id)))
                    upstream_refs = set(session.scalars(select(TopUp.upstream_ref_id)))
            finally:
                ctx.close()
            assert set(stored) == refs and set(stored.values()) == {1}  # none lost, no double
            assert debits == stored  # one debit each
            assert set(fake.transactions) == upstream_refs  # one purchase each
            supplier_calls = Counter(call["ref_id"] for call in list(fake.calls))
            for upstream_ref, calls in supplier_calls.items():
                assert calls <= attempts[upstream_ref]  # no call the timeline does not show
            for client in clients:
                ledger = client.ledger()
                spent = sum(1 for c, _r in traffic.sent if c is client) * PRICE
                spent += PRICE if client is clients[0] else 0  # "while-down"
                assert client.balance() == sum(e["amount"] for e in ledger) == DEPOSIT - spent
        finally:
            cluster.close()
            fake.close()
