"""The PIN pad with its name picker, "Ganti kasir" and the idle lock, driven as a clerk
would: names only on the pad, wrong PINs after a name lock that user alone (the anonymous
PIN-only counter stays untouched), a switch of clerk keeps the cart and the shift, and an
idle screen locks to the PIN pad with the cart still there."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.core import lockout
from kiosk_pos.core.records import Role


def _names(login) -> list[str]:
    return [login.names.item(i).text() for i in range(login.names.count())]


def _pick(qtbot, login, name: str) -> None:
    item = next(login.names.item(i) for i in range(login.names.count())
                if login.names.item(i).text() == name)
    rect = login.names.visualItemRect(item)
    qtbot.mouseClick(login.names.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert login.chosen == name


def _type_pin(qtbot, login, pin: str) -> None:
    for key in pin:
        qtbot.mouseClick(login.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(login.keys["ok"], Qt.MouseButton.LeftButton)


def test_the_pad_lists_active_names_only_and_logs_in_the_picked_user(qtbot, window, kiosk):
    owner = kiosk.users.authenticate("9999")
    kiosk.staff.add(owner, "Sari", Role.SUPERVISOR, "4826")
    kiosk.staff.add(owner, "Dodi", Role.CLERK, "5937")
    kiosk.staff.disable(owner, "Dodi")
    login = window.login
    with qtbot.waitSignal(login.names_loaded, timeout=5000):
        login.reset()
    assert _names(login) == ["Pemilik", "kasir", "Sari"]  # Dodi is disabled; no roles shown
    _pick(qtbot, login, "Sari")
    assert login.prompt.text() == "PIN untuk Sari"
    with qtbot.waitSignal(window.logged_in, timeout=5000) as signed:
        _type_pin(qtbot, login, "4826")
    assert signed.args[0].name == "Sari" and window.screens.currentIndex() == 1


def test_a_pin_typed_after_a_name_is_checked_against_that_name_only(qtbot, window):
    login = window.login
    qtbot.waitUntil(lambda: login.names.count() == 2, timeout=5000)
    _pick(qtbot, login, "Pemilik")
    _type_pin(qtbot, login, "1111")  # the clerk's PIN is not the owner's
    qtbot.waitUntil(lambda: login.error.text().startswith("PIN salah."), timeout=5000)
    assert window.screens.currentIndex() == 0 and login.chosen == "Pemilik"


def test_five_wrong_pins_lock_the_named_user_not_the_pin_pad(qtbot, window, kiosk):
    login = window.login
    qtbot.waitUntil(lambda: login.names.count() == 2, timeout=5000)
    _pick(qtbot, login, "kasir")
    for _ in range(5):
        login.error.clear()
        _type_pin(qtbot, login, "8642")
        qtbot.waitUntil(lambda: login.error.text() != "" and login.pin.isEnabled(), timeout=5000)
    assert "kasir terkunci" in login.error.text() and "5 menit" in login.error.text()
    _type_pin(qtbot, login, "1111")  # the right PIN, but the user is locked
    qtbot.waitUntil(lambda: login.pin.isEnabled(), timeout=5000)
    assert "kasir terkunci" in login.error.text() and window.screens.currentIndex() == 0
    with kiosk.db.read_raw() as cur:
        assert lockout.state(cur, lockout.ANONYMOUS).failures == 0
    # the owner, picking their own name, still gets in
    _pick(qtbot, login, "Pemilik")
    with qtbot.waitSignal(window.logged_in, timeout=5000):
        _type_pin(qtbot, login, "9999")
    actions = [e.action for e in kiosk.audit.for_day(window.user, kiosk.today())]
    assert "user.locked" in actions


def test_a_tap_on_the_picked_name_lets_it_go_and_the_pin_alone_still_works(qtbot, window):
    login = window.login
    qtbot.waitUntil(lambda: login.names.count() == 2, timeout=5000)
    _pick(qtbot, login, "kasir")
    rect = login.names.visualItemRect(login.names.item(1))
    qtbot.mouseClick(login.names.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert login.chosen is None and login.prompt.text() == "Masukkan PIN Anda"
    with qtbot.waitSignal(window.logged_in, timeout=5000) as signed:
        _type_pin(qtbot, login, "1111")
    assert signed.args[0].name == "kasir"


def test_switch_clerk_keeps_the_cart_and_the_shift(qtbot, window, sales, kiosk, clerk):
    shift = kiosk.shifts.open(clerk, 50_000)
    sales.scan("8991234500011")
    assert len(sales.cart.lines()) == 1
    window.lock.click()
    assert window.lock.text() == "Ganti kasir"
    assert window.screens.currentIndex() == 0 and window.user is None
    login = window.login
    qtbot.waitUntil(lambda: login.names.count() == 2, timeout=5000)
    _pick(qtbot, login, "Pemilik")
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        _type_pin(qtbot, login, "9999")
    assert window.user.name == "Pemilik" and sales.clerk.name == "Pemilik"
    assert len(sales.cart.lines()) == 1                     # the cart is still there
    assert kiosk.shifts.current().id == shift.id          # and the shift still open


def test_the_idle_screen_locks_to_the_pin_pad_with_the_cart_kept(qtbot, window, sales, kiosk):
    qtbot.waitUntil(lambda: window.idle.armed, timeout=5000)
    assert window.idle.minutes == 10                     # the default
    sales.scan("8991234500011")
    window.idle.arm(0)
    assert not window.idle.armed                         # 0 minutes: never
    window.idle.timer.setInterval(30)                    # the owner's minutes, shortened
    window.idle.timer.start()
    qtbot.waitUntil(lambda: window.screens.currentIndex() == 0, timeout=5000)
    assert window.user is None and not window.idle.armed
    assert len(sales.cart.lines()) == 1
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        _type_pin(qtbot, window.login, "1111")
    assert len(sales.cart.lines()) == 1 and window.idle.armed


def test_typing_restarts_the_idle_timer(qtbot, window, sales):
    qtbot.waitUntil(lambda: window.idle.armed, timeout=5000)
    window.idle.minutes = 1
    window.idle.timer.start(600_000)  # ten minutes left: an input restarts the one minute
    before = window.idle.timer.remainingTime()
    assert before > 500_000
    qtbot.keyClicks(sales.number, "08")
    assert window.idle.timer.remainingTime() < 120_000  # restarted, not 10 minutes on


def test_the_owners_idle_minutes_are_used_at_the_next_login(qtbot, window, kiosk):
    owner = kiosk.users.authenticate("9999")
    kiosk.staff.set_idle_lock(owner, 3)
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(owner)
    qtbot.waitUntil(lambda: window.idle.minutes == 3, timeout=5000)
    assert window.idle.timer.interval() == 180_000


def test_the_lock_closes_a_tool_left_open(qtbot, window, kiosk):
    from PySide6.QtWidgets import QDialog

    owner = kiosk.users.authenticate("9999")
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(owner)
    dialog = QDialog(window)  # as ToolDialogs opens the owner's screens
    dialog.open()
    assert dialog.isVisible()
    window.idle.timer.setInterval(30)
    window.idle.timer.start()
    qtbot.waitUntil(lambda: window.screens.currentIndex() == 0, timeout=5000)
    assert not dialog.isVisible()
