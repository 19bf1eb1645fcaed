"""A PostgreSQL submit that another writer of its kiosk overtakes is decided again.

The submit reads the kiosk without locking it, decides, then writes in one statement that
goes in only if the kiosk's counters are still those it read (distributor_server.pg_hot).
Here a second writer commits in the middle, between the read and the write, and the kiosk
must see what it would have seen had the two run one after the other: the money right, the
ledger's balances chained, a repeated ref_id charged once, its own nonce not taken for a
replay.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from distributor_server import pg_hot
from distributor_server.topups import submit_topups
from pulsa_protocol import wire

from tests.server.conftest import demo_price

TSEL = "081234567890"
PRICE = demo_price("TSEL10")
pytestmark = pytest.mark.parametrize("db", ["postgres"], indirect=True)


def _overtake_once(monkeypatch: pytest.MonkeyPatch, other_writer: Callable[[], object]
                   ) -> list[int]:
    """Run ``other_writer`` (its own transaction, committed) the first time a submit
    decides; the list counts the decisions."""
    decisions: list[int] = []
    decide = pg_hot.decide

    def overtaken(*args: object, **kwargs: object) -> object:
        if not decisions:
            other_writer()
        decisions.append(1)
        return decide(*args, **kwargs)

    monkeypatch.setattr(pg_hot, "decide", overtaken)
    return decisions


def _chained(entries: list[dict]) -> bool:
    pairs = zip(entries, entries[1:], strict=False)
    return all(a["balance_after"] == b["balance_before"] for a, b in pairs)


def test_a_deposit_between_the_read_and_the_write_is_counted(server, make_kiosk, monkeypatch):
    k = make_kiosk(deposit=PRICE)
    decisions = _overtake_once(
        monkeypatch, lambda: server.credit_deposit(k.kiosk_id, 50_000, reference="mid"))
    ref = f"ovt-{uuid.uuid4().hex[:8]}"

    reply = k.put_topup(ref, "TSEL10", TSEL)

    assert reply.status_code == 201, reply.text
    assert len(decisions) == 2  # decided on the stale read, then again under the lock
    assert reply.json()["ref_id"] == ref
    assert k.balance() == PRICE + 50_000 - PRICE
    entries = k.ledger()
    assert [e["amount"] for e in entries] == [PRICE, 50_000, -PRICE]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert _chained(entries)


def test_the_same_ref_id_committed_in_between_is_charged_once(server, make_kiosk, monkeypatch):
    k = make_kiosk(deposit=3 * PRICE)
    ref = f"ovt-{uuid.uuid4().hex[:8]}"
    item = wire.TopUpRequest(ref_id=ref, sku="TSEL10", destination=TSEL)
    decisions = _overtake_once(monkeypatch, lambda: submit_topups(server.ctx, k.kiosk_id,
                                                                  [item]))

    reply = k.put_topup(ref, "TSEL10", TSEL)

    assert reply.status_code == 200, reply.text  # exists: the other writer's top-up
    assert reply.json()["ref_id"] == ref
    assert len(decisions) == 2
    assert k.balance() == 2 * PRICE
    assert [e["amount"] for e in k.ledger()] == [3 * PRICE, -PRICE]
    assert len(k.get("/v1/transactions").json()["topups"]) == 1


def test_a_refusal_stands_as_read_when_a_deposit_lands_in_between(
        server, make_kiosk, monkeypatch):
    """Too little deposit at the read, enough once the other writer committed: the refusal
    writes no rows, so nothing checks the kiosk again and it stands, as if the submit had
    come just before the deposit; sent again, the sale goes through."""
    k = make_kiosk(deposit=PRICE // 2)
    _overtake_once(monkeypatch, lambda: server.credit_deposit(k.kiosk_id, PRICE))
    ref = f"ovt-{uuid.uuid4().hex[:8]}"

    reply = k.put_topup(ref, "TSEL10", TSEL)

    assert reply.status_code == 402, reply.text
    assert k.balance() == PRICE // 2 + PRICE
    again = k.put_topup(ref, "TSEL10", TSEL)
    assert again.status_code == 201, again.text
    assert k.balance() == PRICE // 2
