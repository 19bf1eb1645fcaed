"""The reads this pass added to the pull and to reconcile's summary path go by an index
(EXPLAIN QUERY PLAN on a synced kiosk's database): none scans a table that grows with the
kiosk's history, so neither costs more on a kiosk with years of sales."""

from __future__ import annotations

import sqlite3

from kiosk_pos.core import deposit, ledger_mirror, topups
from kiosk_pos.core.clock import day_bounds_utc, db_text
from kiosk_pos.sync import reconcile, reconcile_summary
from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.relay import relay_all
from tests.aids.distributor import wait_final


def _plan(db: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> str:
    return "\n".join(str(row[3]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_pulls_and_the_summarys_reads_never_scan(make_shop) -> None:
    shop = make_shop()
    ref = shop.sell(to="081234567890").topups[0].ref_id
    relay_all(shop.kiosk, shop.client)
    wait_final(shop.client, ref)
    assert pull(shop.kiosk, shop.client).complete
    start, end = day_bounds_utc(shop.kiosk.today(), shop.kiosk.timezone())
    reads = {
        "a top-up change": (topups._FIND_FOR_FEED, (ref,), "t USING INDEX"),
        "a mirrored ledger row": (ledger_mirror._TOPUP_AND_CANDIDATE, ("topup", ref),
                                  "d USING INDEX ix_deposit_ledger_unmatched"),
        "a chunk's mirrored seqs": (
            "SELECT server_seq FROM deposit_ledger WHERE server_seq IN (?, ?)", (1, 2),
            "deposit_ledger USING COVERING INDEX"),
        "the day's top-ups": (reconcile_summary.DAY_TOPUPS, (db_text(start), db_text(end)),
                              "t USING INDEX ix_topups_created_at"),
        "top-ups of another day by ref_id": (
            reconcile_summary.BY_REFS.format("?, ?"), (ref, "x"),
            "t USING INDEX"),
        "the ledger window": (reconcile._RECENT, (db_text(start),),
                              "deposit_ledger USING INDEX"),
        "the unmatched top-up rows": (reconcile._PENDING, (deposit.REASON_TOPUP,
                                                           deposit.REASON_TOPUP_REFUND),
                                      "USING INDEX ix_deposit_ledger_unmatched"),
    }
    db = sqlite3.connect(shop.kiosk.db.path)
    try:
        for name, (sql, params, expected) in reads.items():
            plan = _plan(db, sql, params)
            assert "SCAN" not in plan, f"{name} scans:\n{plan}"
            assert expected in plan, f"{name}:\n{plan}"
    finally:
        db.close()
