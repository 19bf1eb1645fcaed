"""Komplain from History: the dialog files a complaint (the core refuses what breaks the
rules, with a sentence), and an answer arriving on the change feed shows on the sale's
detail and as a notice, printable for the customer."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from kiosk_pos.core import change_feed
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.complaints import ComplaintState, ServerAnswer
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.printing.escpos_render import render_escpos
from kiosk_pos.printing.pdf_render import render_pdf


def _history_with_topup(qtbot, window, sales, kiosk, clerk):  # noqa: ANN001, ANN202
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    window.show_page(1)
    history = window.history
    qtbot.waitUntil(lambda: len(history.sales) == 1, timeout=5000)
    history.table.selectRow(0)
    qtbot.waitUntil(lambda: history.complaint.isVisible()
                    and history.complaint.button.isEnabled(), timeout=5000)
    return sale, history


def test_a_complaint_is_filed_from_history_and_waits_to_be_sent(qtbot, window, sales, kiosk,
                                                                 clerk):
    sale, history = _history_with_topup(qtbot, window, sales, kiosk, clerk)
    dialog = history.complaint.open_dialog()
    qtbot.mouseClick(dialog.reason_buttons["other"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)  # "Lainnya" without a note
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "tulis catatan" in dialog.error.text()
    assert kiosk.complaints.for_sale(sale.id) is None  # nothing written
    qtbot.mouseClick(dialog.reason_buttons["wrong_number"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.filed, timeout=5000):
        qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
    record = kiosk.complaints.for_sale(sale.id)
    assert record.reason.value == "wrong_number" and record.status is ComplaintState.QUEUED
    assert kiosk.complaints.queue_length() == 1
    assert "Menunggu dikirim" in history.complaint.status.text()
    assert not history.complaint.button.isEnabled()  # one open complaint per top-up


def test_the_answer_shows_on_the_sale_and_as_a_notice_and_prints(qtbot, window, sales, kiosk,
                                                                 clerk, tmp_path):
    sale, history = _history_with_topup(qtbot, window, sales, kiosk, clerk)
    record = kiosk.complaints.file(clerk, sale.id, "not_received")
    answer = ServerAnswer(7001, record.complaint_id, "refund", "Maaf, dana kembali", "",
                          10_500, "answered", datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    change_feed.apply_page(kiosk, [FeedChange(1, complaint=answer)], 1, last=False)
    qtbot.waitUntil(lambda: "Rp10.500 dikembalikan" in history.complaint.status.text(),
                    timeout=5000)
    assert "Maaf, dana kembali" in history.complaint.status.text()
    qtbot.waitUntil(lambda: any(f"#{sale.id}" in t for t in window.notices.texts()),
                    timeout=5000)
    change_feed.apply_page(kiosk, [FeedChange(2, complaint=answer)], 2, last=False)
    assert len(kiosk.complaints.for_sale(sale.id).answers) == 1  # the same step: stored once
    dialog = history.complaint.show_answer()
    text = dialog.preview.text()
    assert "JAWABAN KOMPLAIN" in text and "Maaf, dana kembali" in text
    document = history.complaint.document()
    assert b"Maaf, dana kembali" in render_escpos(document, 58)
    assert render_pdf(document, 80, tmp_path / "jawaban.pdf").startswith(b"%PDF")
