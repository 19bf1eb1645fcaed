"""``GET /v1/transactions/summary``: the day a kiosk reconciles, as counts and digests that
equal what the kiosk computes from the day's lists (the same lines, the same hash), on
SQLite and PostgreSQL alike, read by the day indexes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from distributor_server.day_summary import day_summary
from pulsa_protocol import wire
from pulsa_protocol.day_summary import ledger_digest, topup_digest

from tests.server.conftest import KioskClient, wait_final
from tests.server.test_day_queries import _captured, _history, _plan

MARGIN = timedelta(minutes=15)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _query(path: str, **params: Any) -> str:
    return f"{path}?{urlencode(params)}"


def _summary(client: KioskClient, start: datetime, end: datetime, until: datetime,
             margin: timedelta = MARGIN) -> wire.DaySummary:
    reply = client.get(_query("/v1/transactions/summary", **{
        "from": _iso(start), "to": _iso(end), "margin": int(margin.total_seconds()),
        "until": _iso(until)}))
    assert reply.status_code == 200, reply.text
    return wire.DaySummary.model_validate(reply.json())


def _from_lists(client: KioskClient, start: datetime, end: datetime, until: datetime
                ) -> wire.DaySummary:
    """What a kiosk computes from the day's two lists (as reconcile's full comparison
    reads them: received in the margin-widened window, sold in the day)."""
    listed = client.get(_query("/v1/transactions", **{
        "from": _iso(start - MARGIN), "to": _iso(end + MARGIN)})).json()["topups"]
    day = [wire.TopUp.model_validate(t) for t in listed]
    day = [t for t in day if start <= (t.kiosk_created_at or t.created_at) < end]
    count, digest = topup_digest((t.ref_id, t.status.value, t.price, t.sn) for t in day)
    page = wire.LedgerPage.model_validate(client.get(_query("/v1/ledger", **{
        "from": _iso(start - MARGIN), "to": _iso(until)})).json())
    n, total, ledger_hash = ledger_digest((e.seq, e.amount) for e in page.entries)
    return wire.DaySummary(topups=wire.TopUpDigest(count=count, digest=digest),
                           ledger=wire.LedgerDigest(count=n, total=total, digest=ledger_hash),
                           balance=page.balance)


def test_the_summary_is_what_the_lists_add_up_to(make_kiosk) -> None:
    client = make_kiosk(deposit=500_000)
    now = datetime.now(UTC)
    start, end, until = now - timedelta(hours=2), now + timedelta(hours=2), now + timedelta(days=1)
    sold = {"ok-1": ("081234567890", now), "refused-2": ("081234567892", now),
            "yesterday-3": ("081234567893", start - timedelta(minutes=5))}  # sold before
    for ref, (to, at) in sold.items():
        reply = client.put_topup(ref, "TSEL10", to, created_at=_iso(at))
        assert reply.status_code == 201, reply.text
    for ref in sold:
        wait_final(client, ref)
    summary = _summary(client, start, end, until)
    assert summary == _from_lists(client, start, end, until)
    assert summary.topups.count == 2  # received today, but the third was sold before the day
    assert summary.ledger.count == 5  # the deposit, three debits (all received today), a refund
    assert summary.balance == client.balance()


def test_an_empty_day_and_a_wrong_question(make_kiosk) -> None:
    client = make_kiosk()
    later = datetime.now(UTC) + timedelta(days=3)
    empty = _summary(client, later, later + timedelta(days=1), later + timedelta(days=2))
    assert (empty.topups.count, empty.ledger.count, empty.ledger.total) == (0, 0, 0)
    assert empty.topups.digest == empty.ledger.digest == topup_digest([])[1]
    for bad in ({"from": _iso(later)},  # no end
                {"from": _iso(later), "to": _iso(later), "until": _iso(later),
                 "margin": 86_401}):
        reply = client.get(_query("/v1/transactions/summary", **bad))
        assert reply.status_code == 422, reply.text
    unsigned = client.get(_query("/v1/transactions/summary", **{
        "from": _iso(later), "to": _iso(later), "until": _iso(later)}), sign=False)
    assert unsigned.status_code == 401


@pytest.mark.parametrize("part", ["topups", "ledger"])
def test_the_summary_reads_the_day_by_index(server, part: str) -> None:
    creds = server.create_kiosk(f"Konter Ringkas {part}")
    _history(server, creds.kiosk_id)
    start = datetime.now(UTC) - timedelta(hours=1)
    end = start + timedelta(days=1)
    table, index = {"topups": ("topups", "ix_topups_kiosk_created"),
                    "ledger": ("ledger_entries", "ix_ledger_entries_kiosk_created")}[part]
    seen = _captured(server, lambda: day_summary(server.ctx, creds.kiosk_id, start, end,
                                                 MARGIN, end + timedelta(days=1)))
    day_queries = [(s, p) for s, p in seen if f"FROM {table}" in s and "created_at >=" in s]
    assert day_queries, f"the {part} query was not captured"
    for statement, params in day_queries:
        plan = _plan(server, statement, params)
        assert "Seq Scan" not in plan and "SCAN" not in plan, f"{part} scans:\n{plan}"
        if server.ctx.db.is_sqlite:
            assert index in plan, plan
        else:
            assert "Index" in plan and "created_at" in plan, plan
