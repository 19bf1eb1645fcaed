"""PostgreSQL submits that reach their write together go in one statement, each kiosk's money
kept apart.

Many kiosks submit at once, several requests of each in flight: the process's batcher
(distributor_server.pg_batch) carries them several to a statement, never one kiosk twice in
one, and every kiosk ends with the balance, ledger and feed its own sales make.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from distributor_server import pg_batch, pg_hot

from tests.server.conftest import demo_price

TSEL = "081234567890"
PRICE = demo_price("TSEL10")
KIOSKS = 12
EACH = 6
pytestmark = pytest.mark.parametrize("db", ["postgres"], indirect=True)


def test_concurrent_submits_share_statements_and_keep_each_kiosks_money(
        make_kiosk, monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[list[int]] = []
    write_batch = pg_batch.write_batch

    async def recorded(conn, writes, bucket):  # noqa: ANN001, ANN202
        batches.append([w.kiosk_id for w in writes])
        return await write_batch(conn, writes, bucket)

    monkeypatch.setattr(pg_batch, "write_batch", recorded)
    monkeypatch.setattr(pg_hot, "write_batch", recorded)
    affordable = EACH - 2  # the last two of each kiosk are refused: too little deposit
    kiosks = [make_kiosk(deposit=PRICE * affordable + 1_000) for _ in range(KIOSKS)]
    jobs = [(k, f"bat-{uuid.uuid4().hex[:10]}") for k in kiosks for _ in range(EACH)]

    with ThreadPoolExecutor(len(jobs)) as pool:
        codes = list(pool.map(lambda job: job[0].put_topup(job[1], "TSEL10", TSEL)
                              .status_code, jobs))

    assert sorted(set(codes)) == [201, 402]
    assert codes.count(201) == KIOSKS * affordable
    assert max(len(batch) for batch in batches) > 1  # requests did share a statement
    assert all(len(batch) == len(set(batch)) for batch in batches)  # a kiosk once each
    for k in kiosks:
        entries = k.ledger()
        assert k.balance() == 1_000
        assert [e["seq"] for e in entries] == list(range(1, affordable + 2))
        assert all(a["balance_after"] == b["balance_before"]
                   for a, b in zip(entries, entries[1:], strict=False))
        assert len(k.get("/v1/transactions").json()["topups"]) == affordable
