"""The PIN login is all start-up builds and paints: the sales screen is built after that
first paint, while the clerk types a PIN, so a good PIN typed at the keyboard shows it
ready to sell; a PIN typed before that build still gets there."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.ui.main_window import MainWindow


def _type_pin(qtbot, window: MainWindow, pin: str) -> None:
    qtbot.keyClicks(window.login.pin, pin)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)


def test_the_login_paints_first_and_the_sales_screen_is_built_while_the_pin_is_typed(
        qtbot, qapp, kiosk):
    window = MainWindow(kiosk)
    qtbot.addWidget(window)
    assert window._sales is None and window.first_paint.pending  # noqa: SLF001
    assert window.login.names.count() == 2  # the names are on the first paint
    qapp.processEvents()
    assert window._sales is None  # noqa: SLF001 - nothing of it before the window paints
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: not window.first_paint.pending, timeout=5000)
    assert window._sales is not None  # noqa: SLF001 - built in the idle time
    assert window.screens.currentIndex() == 0 and window.user is None  # still the login
    qtbot.waitUntil(window.login.pin.hasFocus, timeout=5000)
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        _type_pin(qtbot, window, "1111")
    assert window.user is not None and window.user.name == "kasir"
    assert window.screens.currentIndex() == 1 and window.pages.currentWidget() is window.sales
    assert window.sales.number.hasFocus()  # the clerk types the customer's number next
    window.close()


def test_a_pin_typed_before_the_sales_screen_is_built_still_gets_there(qtbot, qapp, kiosk):
    window = MainWindow(kiosk)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    window.login.pin.setFocus()
    qtbot.keyClicks(window.login.pin, "1111")  # before any event loop turn: nothing built yet
    assert window._sales is None  # noqa: SLF001
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.sales and window.screens.currentIndex() == 1
    qtbot.waitUntil(lambda: not window.first_paint.pending, timeout=5000)
    assert window.pages.currentWidget() is window.sales  # the warm-up built nothing twice
    assert window.pages.count() == 3
    window.close()


def test_a_window_opened_on_the_sales_screen_starts_its_queries_after_painting(
        qtbot, qapp, kiosk, clerk):
    window = MainWindow(kiosk)
    qtbot.addWidget(window)
    window.show()
    window.start_session(clerk)  # straight in, as a new counter's owner is
    assert not window.tasks.busy  # no worker yet: the screen paints first
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        qtbot.waitExposed(window)
    assert window.status.deposit.text().startswith("Deposit")
    window.close()


def test_held_back_work_runs_in_order_after_the_paint_or_after_the_wait(qtbot, qapp):
    from kiosk_pos.ui.first_paint import AfterFirstPaint

    held = AfterFirstPaint()
    ran: list[str] = []
    held.later(lambda: ran.append("warm-up"))
    held.later(lambda: ran.append("services"), first=True)
    qapp.processEvents()
    assert ran == [] and held.pending  # no paint yet: nothing runs
    held.at_most_after(10)  # a window shown minimised does not paint: the work still runs
    qtbot.waitUntil(lambda: not held.pending, timeout=5000)
    assert ran == ["services", "warm-up"]
    held.later(lambda: ran.append("late"))  # after the paint: at the next turn
    qtbot.waitUntil(lambda: ran[-1] == "late", timeout=5000)
