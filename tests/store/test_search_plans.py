"""Cek status searches every day of the history, so each of its look-ups must walk an index:
a number by ix_sale_lines_destination, a Ref by topups' unique ref_id index, an SN by
ix_topups_sn (migration 0006). A SCAN of any history table fails the test."""

from __future__ import annotations

import sqlite3

from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.sale_search import _BY_NUMBER, _BY_REF, _BY_SN
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.core.topups import apply_status
from tests.aids.cart import sell
from tests.store.test_query_plans import full_scans, statement_log  # noqa: F401 - a fixture


def _plan(conn: sqlite3.Connection, sql: str, params: tuple) -> list[str]:
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_each_search_walks_its_index(kiosk) -> None:
    sale = sell(kiosk)
    ref = sale.lines[0].topup.ref_id
    with kiosk.db.write() as conn:
        apply_status(conn, ref, TopUpStatus.SUCCESS, sn="0144123987654321")
    conn = sqlite3.connect(kiosk.db.path)
    try:
        by_number = _plan(conn, _BY_NUMBER, ("081234567890", 10**9, 51))
        by_ref = _plan(conn, _BY_REF, (ref[:8], ref[:8] + "\U0010ffff", 10**9, 51))
        by_sn = _plan(conn, _BY_SN, ("01441239", "01441239\U0010ffff", 10**9, 51))
    finally:
        conn.close()
    assert any("USING COVERING INDEX ix_sale_lines_destination (destination=? AND sale_id<?)"
               in line for line in by_number), by_number
    assert any("sqlite_autoindex_topups" in line and "ref_id>? AND ref_id<?" in line
               for line in by_ref), by_ref
    assert any("INDEX ix_topups_sn (sn>? AND sn<?)" in line for line in by_sn), by_sn
    for plan in (by_number, by_ref, by_sn):
        assert not [line for line in plan if line.startswith("SCAN")], plan


def test_searching_by_number_ref_and_sn_never_scans_history(tmp_path,
                                                            statement_log) -> None:  # noqa: F811
    """Every statement a search runs, as captured from the connection, read back."""
    kiosk = init_kiosk(tmp_path / "kiosk-0", "Konter Uji", "9999", demo=True)
    try:
        sales = [sell(kiosk) for _ in range(3)]
        ref = sales[1].lines[0].topup.ref_id
        with kiosk.db.write() as conn:
            apply_status(conn, ref, TopUpStatus.SUCCESS, sn="0144123987654321")
        for typed in ("0812-3456-7890", ref, ref[:8], "0144123987654321", "01441239"):
            statement_log.statements.clear()
            statement_log.recording = True
            page = kiosk.sales.search(typed, limit=2)
            statement_log.recording = False
            assert page.sales, typed
            assert statement_log.statements, f"no SQL captured for {typed}"
            assert not full_scans(kiosk.db.path, statement_log.statements), typed
    finally:
        kiosk.close()


def test_a_0004_store_gets_the_sn_index_as_a_new_one_has_it(tmp_path) -> None:
    from kiosk_pos.store import open_database
    from kiosk_pos.store.database import Database
    from kiosk_pos.store.migrate import upgrade

    def sn_index(path) -> str | None:
        conn = sqlite3.connect(path)
        try:
            row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_topups_sn'"
                               ).fetchone()
        finally:
            conn.close()
        return None if row is None else row[0]

    old = tmp_path / "old.db"
    db = Database(old)
    upgrade(db, "0004")
    db.close()
    assert sn_index(old) is None
    open_database(old).close()  # migrates to the head
    fresh = tmp_path / "fresh.db"
    open_database(fresh, create=True).close()
    assert sn_index(old) == sn_index(fresh) and "WHERE sn IS NOT NULL" in sn_index(old)
