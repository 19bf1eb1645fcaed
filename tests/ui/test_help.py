"""Bantuan: every task page exists in Indonesian and English, opens on the page the screen
needs, and is read with the keyboard alone."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.i18n import set_language
from kiosk_pos.resources import resource_path
from kiosk_pos.ui.help_view import HelpDialog, _index, help_pages, page_for_screen


def test_every_page_in_both_languages_and_every_screen_has_one():
    for lang in ("id", "en"):
        for key in _index()["pages"]:
            assert resource_path("help", lang, f"{key}.md").exists(), (lang, key)
    ids = {p.key: p.title for p in help_pages("id")}
    ens = {p.key: p.title for p in help_pages("en")}
    assert ids.keys() == ens.keys() and all(ids.values()) and ids != ens
    for screen in _index()["screens"]:
        assert page_for_screen(screen) in ids


def test_opens_on_the_screens_page_and_the_arrows_turn_pages(qtbot):
    dialog = HelpDialog(page_for_screen("history"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current_key() == "statuses"
    assert "Antre" in dialog.text.toPlainText()
    qtbot.keyClick(dialog.topics, Qt.Key.Key_Up)
    assert dialog.current_key() == "failed"
    assert "kembalikan" in dialog.text.toPlainText().lower()
    qtbot.keyClick(dialog.topics, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_english(qtbot):
    set_language("en")
    dialog = HelpDialog("printer")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Help"
    assert "Test Print" in dialog.text.toPlainText()


def test_alt_h_from_the_pin_pad_and_from_history(qtbot, window, clerk):
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window._help is not None and window._help.isVisible())
    assert window._help.current_key() == "sell"  # the PIN pad leads to selling
    qtbot.keyClick(window._help.topics, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window._help.isVisible())

    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    window.show_page(1)
    window.help_button.click()
    qtbot.waitUntil(lambda: window._help.isVisible())
    assert window._help.current_key() == "statuses"
    assert window.help_button.text() == "Bantuan (Alt+H)"
