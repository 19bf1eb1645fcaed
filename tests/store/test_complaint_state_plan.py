"""The complaint state read with a page of sales (History's row marker) is a look-up by
ix_complaints_sale_id, never a scan of the complaints, however many there are."""

from __future__ import annotations

import sqlite3

from kiosk_pos.core.sale_reads import _COMPLAINTS
from kiosk_pos.core.setup import init_kiosk


def test_the_complaint_state_query_searches_the_index(tmp_path):
    init_kiosk(tmp_path / "shop", "Konter Uji", "9999", demo=True).close()
    conn = sqlite3.connect(tmp_path / "shop" / "kiosk.db")
    try:
        sql = _COMPLAINTS.format(marks="?,?,?")
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", (1, 2, 3))]
    finally:
        conn.close()
    assert any("SEARCH complaints USING INDEX ix_complaints_sale_id" in p for p in plan), plan
    assert not any(p.startswith("SCAN complaints") for p in plan), plan
