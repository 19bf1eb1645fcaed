"""Mode latihan in the window: the orange strip on every screen, switching with the owner's
PIN only (a clerk's or a wrong PIN is one sentence and nothing changes), and the whole
round trip through ``run_gui``: the real counter, the practice one, the real one again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication

from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.i18n import tr

REAL_OWNER = "4826"


@pytest.fixture
def practice_window(qtbot, themed, tmp_path):
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.training import ensure_training_kiosk
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.training_mode import install

    real = tmp_path / "shop"
    init_kiosk(real, "Konter Asli", REAL_OWNER, demo=True).close()
    kiosk = Kiosk.open(ensure_training_kiosk(real))
    window = MainWindow(kiosk)
    qtbot.addWidget(window)
    install(window, real, training=True)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    kiosk.close()


def test_the_strip_is_on_every_screen(qtbot, practice_window):
    window = practice_window
    banner = window.training_switch.banner
    assert banner.isVisible() and "MODE LATIHAN" in banner.text()
    assert window.windowTitle().startswith("[MODE LATIHAN]")
    assert window.login.title.text() == "KONTER LATIHAN"
    clerk = window.kiosk.users.authenticate("1111")  # the practice PIN the strip names
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    for page in range(3):
        window.show_page(page)
        assert banner.isVisible()
    window.language.setCurrentIndex(window.language.findData("en"))  # as the clerk does
    assert "TRAINING MODE" in banner.text()
    assert window.windowTitle().startswith("[TRAINING MODE]")


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_the_strip_fits_the_counter_screens(qtbot, practice_window, size):
    window = practice_window
    window.fit_to(QRect(0, 0, *size))
    qtbot.waitUntil(lambda: window.width() <= size[0], timeout=3000)
    banner = window.training_switch.banner
    top_left = banner.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(QRect(top_left, banner.size()))
    assert banner.heightForWidth(banner.width()) <= banner.height()  # no line cut off
    assert window.minimumSizeHint().height() <= size[1]


def test_leaving_needs_the_real_owners_pin(qtbot, practice_window):
    window = practice_window
    switch = window.training_switch
    dialog = switch.open()
    for pin, sentence in (("9999", tr("error.pin_wrong")),  # the practice owner's PIN
                          ("1111", tr("error.owner_only",
                                      action=tr("permission.switch_training")))):
        dialog.pin.setText(pin)
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.go.isEnabled(), timeout=5000)
        assert dialog.message.text() == sentence, pin
        assert switch.to is None and window.isVisible()
    dialog.pin.setText(REAL_OWNER)
    dialog.submit()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert switch.to is False  # back to the real counter


def test_a_round_trip_through_the_app(qtbot, themed, tmp_path: Path):
    """run_gui: the real counter, switch in with the owner's PIN, the practice counter with
    its strip, switch out, close: the folder lock is held throughout, one window at a time."""
    from kiosk_pos.app import run_gui
    from kiosk_pos.ui.main_window import MainWindow

    real = tmp_path / "shop"
    init_kiosk(real, "Konter Asli", REAL_OWNER, demo=True).close()
    seen: list[str] = []

    def shown() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, MainWindow) and w.isVisible()]
        return found[0] if len(found) == 1 else None

    def drive() -> None:
        window = shown()
        if window is None:
            return
        switch = window.training_switch
        step = ("training" if switch.training else "real")
        if seen and seen[-1] == step:
            return  # this window is already being driven
        seen.append(step)
        if len(seen) == 3:
            window.close()  # the real counter again: the app ends
            return
        if switch.training:
            assert switch.banner is not None and switch.banner.isVisible()
        menu = window.tools_button.menu()
        menu.aboutToShow.emit()  # as Alt+M opens it: the switch is the menu's last entry
        menu.aboutToShow.emit()
        entries = [a.text() for a in menu.actions()]
        assert entries[-1] == switch.menu_text() and entries.count(entries[-1]) == 1
        menu.actions()[-1].trigger()
        dialog = switch.dialog
        dialog.pin.setText(REAL_OWNER)
        dialog.submit()

    timer = QTimer()
    timer.timeout.connect(drive)
    timer.start(50)
    try:
        assert run_gui(real) == 0
    finally:
        timer.stop()
    assert seen == ["real", "training", "real"]
    assert (real / "training" / "kiosk.db").exists()
