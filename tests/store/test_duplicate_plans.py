"""The repeat-sale check runs before every payment, so it must walk an index however long
the history: a number's lines by ix_sale_lines_destination, each sale and top-up by its key."""

from __future__ import annotations

import sqlite3

from kiosk_pos.core.duplicates import EARLIER_SAME
from kiosk_pos.core.records import CartLine
from kiosk_pos.core.setup import init_kiosk
from tests.aids.cart import sell
from tests.store.test_query_plans import full_scans, statement_log  # noqa: F401 - a fixture


def test_the_repeat_check_walks_the_destination_index(kiosk) -> None:
    sell(kiosk)
    conn = sqlite3.connect(kiosk.db.path)
    try:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {EARLIER_SAME}",
                                               ("081234567890", 20))]
    finally:
        conn.close()
    assert any("INDEX ix_sale_lines_destination (destination=?)" in line for line in plan), plan
    assert not [line for line in plan if line.startswith("SCAN")], plan
    assert not [line for line in plan if "TEMP B-TREE" in line], plan  # no sort of the lines


def test_the_repeat_check_never_scans_history(tmp_path, statement_log) -> None:  # noqa: F811
    kiosk = init_kiosk(tmp_path / "kiosk-0", "Konter Uji", "9999", demo=True)
    try:
        for _ in range(3):
            sell(kiosk)
        statement_log.statements.clear()
        statement_log.recording = True
        found = kiosk.sales.earlier_same([CartLine("TSEL10", 1, "081234567890")])
        statement_log.recording = False
        assert found and statement_log.statements
        assert not full_scans(kiosk.db.path, statement_log.statements)
    finally:
        kiosk.close()
