"""The Laporan page shows what the core gives the logged-in user: the clerk's has no cost or
profit (and only today), the owner's has both."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate

from kiosk_pos.core.records import CartLine, Payment


def _sell_two(kiosk, clerk) -> None:
    kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, "081234567890")], Payment())
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())


def test_the_clerks_report_has_no_cost_or_profit(qtbot, window, sales, kiosk, clerk):
    _sell_two(kiosk, clerk)
    window.show_page(2)
    view = window.report
    qtbot.waitUntil(lambda: view.report is not None and view.report.count == 2, timeout=5000)
    assert view.figures["gross"][1].text() == "Rp34.000"
    for key in ("cost", "profit"):
        caption, value = view.figures[key]
        assert not caption.isVisibleTo(view) and not value.isVisibleTo(view)
    table = view.tables["by_payment"]
    assert table.isColumnHidden(3)
    assert "5.800" not in " ".join(table.item(r, c).text() for r in range(table.rowCount())
                                   for c in range(table.columnCount()))
    yesterday = kiosk.today() - timedelta(days=1)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.day.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert "supervisor" in view.failed.text().lower() and view.report is None


def test_the_owners_report_has_cost_and_profit(qtbot, window, kiosk, clerk):
    _sell_two(kiosk, clerk)
    owner = kiosk.users.authenticate("9999")
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(owner)
    window.show_page(2)
    view = window.report
    qtbot.waitUntil(lambda: view.report is not None and view.report.count == 2, timeout=5000)
    assert view.figures["profit"][1].isVisibleTo(view)
    assert view.figures["profit"][1].text() == "Rp5.800"
    assert not view.tables["by_payment"].isColumnHidden(3)
