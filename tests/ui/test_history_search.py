"""History's "Cek status": the clerk types a number, Ref or SN, presses Enter and sees the
sales of every day that match (with their dates) in the same table; Esc goes back to the day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.ui.history_model import ID, TIME
from tests.aids.cart import FixedClock, cash, pulsa


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))  # 10:00 in Jakarta


@pytest.fixture
def kiosk(tmp_path, clock):  # the window's kiosk, on a clock the test moves a day on
    init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True).close()
    k = Kiosk.open(tmp_path / "data", clock=clock)
    yield k
    k.close()


def _column(model, col: int) -> list[str]:
    return [model.data(model.index(row, col)) for row in range(model.rowCount())]


def _search(qtbot, history, text: str) -> None:
    history.search.setFocus()
    history.search.selectAll()
    qtbot.keyClicks(history.search, text)
    with qtbot.waitSignal(history.searched, timeout=5000):
        qtbot.keyClick(history.search, Qt.Key.Key_Return)


def test_search_finds_the_sales_of_every_day_and_esc_returns_to_the_day(
        qtbot, window, sales, kiosk, clerk, clock):
    yesterday = kiosk.sales.sell(clerk, [pulsa()], cash())
    clock.moment += timedelta(days=1)
    kiosk.sales.sell(clerk, [pulsa(to="081298765432")], cash())
    today = kiosk.sales.sell(clerk, [pulsa()], cash())
    history, model = window.history, window.history.model
    with qtbot.waitSignal(history.loaded, timeout=5000):
        window.show_page(1)
    assert model.rowCount() == 2 and history.summary.text().startswith("2 transaksi")

    kiosk.db.forbid_thread(threading.get_ident())
    try:
        _search(qtbot, history, "0812-3456-7890")
        assert kiosk.db.ui_thread_violations == 0
    finally:
        kiosk.db.forbid_thread(None)
    assert _column(model, ID) == [str(today.id), str(yesterday.id)]
    assert _column(model, TIME) == ["23-11-2026 10:00", "22-11-2026 10:00"]
    assert "2 transaksi ditemukan" in history.summary.text()
    assert history.current_sale().id == today.id  # the newest, its detail shown
    assert history.detail.rowCount() == 1

    _search(qtbot, history, yesterday.lines[0].topup.ref_id[:8])
    assert _column(model, ID) == [str(yesterday.id)]

    with qtbot.waitSignal(history.loaded, timeout=5000):
        qtbot.keyClick(history.search, Qt.Key.Key_Escape)
    assert history.search.text() == "" and not history.searching
    assert len(_column(model, ID)) == 2 and _column(model, TIME)[0] == "10:00"
    assert history.summary.text().startswith("2 transaksi")


def test_nothing_found_and_a_too_short_text_each_say_what_to_do(qtbot, window, sales, kiosk,
                                                                clerk):
    kiosk.sales.sell(clerk, [pulsa()], cash())
    history = window.history
    with qtbot.waitSignal(history.loaded, timeout=5000):
        window.show_page(1)
    _search(qtbot, history, "085799998888")
    assert history.model.rowCount() == 0
    assert "Tidak ada penjualan untuk \"085799998888\"" in history.summary.text()
    _search(qtbot, history, "abc")
    assert history.model.rowCount() == 0 and "minimal 8 karakter" in history.summary.text()
    with qtbot.waitSignal(history.loaded, timeout=5000):
        history.search.clear()  # the field's clear button
    assert history.model.rowCount() == 1 and not history.searching

    history.table.setFocus()
    qtbot.keyClick(history.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert history.search.hasFocus()  # Ctrl+F: straight to the field
    _search(qtbot, history, "081234567890")
    assert history.model.rowCount() == 1 and history.searching
    history.table.setFocus()
    with qtbot.waitSignal(history.loaded, timeout=5000):
        qtbot.keyClick(history.table, Qt.Key.Key_Escape)  # Esc from the results too
    assert not history.searching and history.search.text() == ""
