"""History at 1024x768 and 1366x768: product names and numbers whole in the table, and the
day's total says how much of it failed (the report leaves failed top-ups out), also when a
top-up fails while the day is on screen."""

from __future__ import annotations

import pytest

from kiosk_pos.core.events import TOPUP_CHANGED
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, TopUpStatus
from kiosk_pos.core.topups import apply_status
from tests.ui.fit import assert_whole
from tests.ui.test_screen_fit import SIZES, _fit
from tests.ui.test_status_and_events import fire


def _fail(kiosk, sale) -> None:
    with kiosk.db.write() as conn:
        change = apply_status(conn, sale.lines[0].topup.ref_id, TopUpStatus.FAILED)
    fire(kiosk, TOPUP_CHANGED, change.topup)


@pytest.mark.parametrize("size", SIZES)
def test_history_names_numbers_and_the_failed_part_of_the_total(qtbot, window, sales, kiosk,
                                                                clerk, size):
    kiosk.sales.sell(clerk, [CartLine("TSEL100", 1, "081234567890")], Payment())
    failed = kiosk.sales.sell(clerk, [CartLine("ISAT10", 1, "085612345678")], Payment())
    kiosk.sales.sell(clerk, [CartLine("PLN200", 1, "123456789012")],
                     Payment(PaymentMethod.QRIS))
    kiosk.sales.sell(clerk, [CartLine("DANA100", 1, "081298765432")], Payment())
    _fail(kiosk, failed)
    _fit(qtbot, window, size)
    window.show_page(1)
    history = window.history
    qtbot.waitUntil(lambda: len(history.sales) == 4, timeout=5000)
    summary = history.summary.text()
    assert "4 transaksi, total Rp418.500" in summary
    assert "1 isi ulang gagal (Rp12.000)" in summary and "Laporan" in summary
    report = kiosk.reports.daily(kiosk.today())
    assert report.gross == 418_500 - 12_000  # what the note explains
    assert_whole(qtbot, history, window)


def test_a_top_up_failing_on_screen_updates_the_note(qtbot, window, sales, kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    window.show_page(1)
    history = window.history
    qtbot.waitUntil(lambda: len(history.sales) == 1, timeout=5000)
    assert "gagal" not in history.summary.text()
    _fail(kiosk, sale)
    qtbot.waitUntil(lambda: "1 isi ulang gagal (Rp12.000)" in history.summary.text(),
                    timeout=5000)
