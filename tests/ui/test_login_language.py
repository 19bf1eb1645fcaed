"""PIN login and the language setting."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos import i18n


def test_wrong_pin_then_right_pin(qtbot, window):
    login = window.login
    assert window.screens.currentIndex() == 0
    qtbot.keyClicks(login.pin, "0000")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: login.error.text().startswith("PIN salah."), timeout=5000)
    assert window.screens.currentIndex() == 0 and login.pin.text() == ""
    for key in "1111":
        qtbot.mouseClick(login.keys[key], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        qtbot.mouseClick(login.keys["ok"], Qt.MouseButton.LeftButton)
    assert window.screens.currentIndex() == 1
    assert window.status.clerk.text() == "Kasir: kasir"
    assert window.focusWidget() is window.sales.number


def test_lock_returns_to_login(qtbot, window, sales):
    window.lock.click()
    assert window.screens.currentIndex() == 0 and window.user is None


def test_switch_to_english_changes_texts_and_is_remembered(qtbot, window, sales, kiosk):
    assert window.nav[0].text() == "Penjualan (Alt+1)"
    window.language.setCurrentIndex(i18n.LANGUAGES.index("en"))
    assert i18n.language() == "en"
    assert window.nav[0].text() == "Sales (Alt+1)"
    assert sales.cart.title.text() == "Cart"
    assert sales.grid.tabs.tabText(0) == "F1  Airtime"
    assert window.status.sync.text() == "Not connected to the distributor yet"
    qtbot.waitUntil(lambda: kiosk.settings.get("ui.language") == "en", timeout=5000)
