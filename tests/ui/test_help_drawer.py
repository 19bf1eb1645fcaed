"""Bantuan has a page for counting the drawer and the Z report, in both languages, reached
with the arrow keys from the pages before it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.i18n import set_language
from kiosk_pos.ui.help_view import HelpDialog, help_pages, page_for_screen


def test_the_drawer_page_explains_the_count_and_the_z_report(qtbot):
    assert page_for_screen("shift") == "drawer"
    dialog = HelpDialog(page_for_screen("history"))  # statuses, just before it
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.topics, Qt.Key.Key_Down)
    assert dialog.current_key() == "drawer"
    text = dialog.text.toPlainText()
    for words in ("laporan Z", "Seharusnya", "Selisih", "Buka shift", "kas keluar"):
        assert words in text, words


def test_the_drawer_page_in_english():
    set_language("en")
    page = next(p for p in help_pages("en") if p.key == "drawer")
    assert page.title.startswith("Count the drawer")
    assert "Z report" in page.markdown and "Expected" in page.markdown


def test_alt_h_in_the_shift_window_opens_the_drawer_page(qtbot, kiosk, clerk):
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk_pos.session import AppSession
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.tools import ToolDialogs

    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    tasks = TaskManager()
    tools = ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: clerk,
                        paper_width_changed=lambda _w: None, close_app=lambda: None)
    dialog = tools.open_shift()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.findChild(HelpDialog) is not None, timeout=3000)
    assert dialog.findChild(HelpDialog).current_key() == "drawer"
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    tasks.shutdown()
