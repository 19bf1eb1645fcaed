"""The History screen touches one row per change: a top-up's new status repaints its
sale's row, a new sale is one row at the top, and older sales come a page at a time
through an operation (never a read on the GUI thread)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QModelIndex

from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import announce, apply_status
from kiosk_pos.ui.history_model import ID, STATUS
from tests.aids.cart import cash, pulsa


def _texts(model, col: int) -> list[str]:
    return [model.data(model.index(row, col)) for row in range(model.rowCount())]


def _all_fetched(model) -> bool:
    """Scroll to the end as a clerk would (the view may also fetch by itself while its
    viewport is not full); True once no older page remains."""
    if model.fetching:
        return False
    if model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        return False
    return True


def _open_history(qtbot, window) -> None:
    with qtbot.waitSignal(window.history.loaded, timeout=5000):
        window.show_page(1)


def test_a_status_change_repaints_only_its_sales_row(qtbot, window, sales, kiosk, clerk):
    sold = [kiosk.sales.sell(clerk, [pulsa()], cash()) for _ in range(4)]
    _open_history(qtbot, window)
    model = window.history.model
    assert _texts(model, ID) == [str(s.id) for s in reversed(sold)]
    before = _texts(model, STATUS)
    changed, reset = [], []
    model.dataChanged.connect(lambda tl, br, _roles=(): changed.append((tl.row(), br.row())))
    model.modelReset.connect(lambda: reset.append(1))

    target = sold[1]  # row 2: newest first
    with kiosk.db.write() as conn:
        change = apply_status(conn, target.lines[0].topup.ref_id, TopUpStatus.SUCCESS,
                              sn="0144123")
    announce(kiosk.events, [change], None)
    qtbot.waitUntil(lambda: bool(changed), timeout=3000)

    assert changed == [(2, 2)] and not reset
    after = _texts(model, STATUS)
    assert after[2] == "Sukses" and before[2] != "Sukses"
    assert after[:2] + after[3:] == before[:2] + before[3:]


def test_a_new_sale_is_one_row_inserted_at_the_top(qtbot, window, sales, kiosk, clerk):
    first = kiosk.sales.sell(clerk, [pulsa()], cash())
    _open_history(qtbot, window)
    model = window.history.model
    inserted, reset = [], []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.modelReset.connect(lambda: reset.append(1))

    second = kiosk.sales.sell(clerk, [pulsa("TSEL20")], cash())
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)

    assert inserted == [(0, 0)] and not reset
    assert _texts(model, ID) == [str(second.id), str(first.id)]
    assert window.history.summary.text().startswith("2 transaksi")


def test_older_sales_load_a_page_at_a_time_off_the_gui_thread(qtbot, window, sales, kiosk,
                                                              clerk):
    sold = [kiosk.sales.sell(clerk, [pulsa()], cash()) for _ in range(7)]
    history, model = window.history, window.history.model
    history.page_size = 3
    at_load, pages = [], []
    history.page_loaded.connect(lambda: pages.append(model.rowCount()))
    history.loaded.connect(lambda: at_load.append((model.rowCount(), history.summary.text())))
    kiosk.db.forbid_thread(threading.get_ident())
    try:
        _open_history(qtbot, window)
        rows, summary = at_load[-1]
        assert rows == 3  # the newest page only
        assert summary.startswith("7 transaksi")  # the day's count, not the rows loaded
        qtbot.waitUntil(lambda: _all_fetched(model), timeout=5000)
        assert kiosk.db.ui_thread_violations == 0
    finally:
        kiosk.db.forbid_thread(None)
    assert pages == [6, 7]  # two more pages, each one operation
    assert _texts(model, ID) == [str(s.id) for s in reversed(sold)]
    assert history.summary.text().startswith("7 transaksi")
