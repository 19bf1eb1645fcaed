"""Damage found on a worker thread reaches the window as one notice (the bridge re-emits
the core's DATABASE_DAMAGED on the GUI thread)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication

from kiosk_pos.store.damage import damaged_error


def test_damage_found_off_the_gui_thread_is_one_notice(qtbot, window, kiosk):
    error = damaged_error(kiosk.db.path, detail="database disk image is malformed")

    def meet_damage() -> None:  # as the full check or a sale would, twice
        kiosk.db.damage.found(error=error)
        kiosk.db.damage.found(error=error)

    thread = threading.Thread(target=meet_damage)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: window.notices.texts() != [], timeout=3000)
    QCoreApplication.processEvents()  # both triggers ran before join: a second is queued
    assert window.notices.texts() == [error.message]
    assert "pemilik toko" in error.message and str(kiosk.db.path) in error.message
