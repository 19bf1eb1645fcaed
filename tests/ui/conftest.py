"""UI tests drive real widgets offscreen (like MusicBrainz Picard's test/conftest.py).

tests/conftest.py chose the offscreen platform before anything imported Qt, and holds the
``kiosk`` and ``clerk`` these screens run on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def window(qtbot, qapp, kiosk):
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.theme import apply_theme

    apply_theme(qapp)
    w = MainWindow(kiosk)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    # what waits for the first paint (the keys, the sales screen: ui/first_paint.py) is done,
    # as it is by the time a clerk has typed a PIN
    qtbot.waitUntil(lambda: not w.first_paint.pending, timeout=5000)
    yield w
    w.close()


@pytest.fixture
def sales(qtbot, window, clerk):
    """The sales screen with the demo clerk logged in and today's figures loaded."""
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    return window.sales


@pytest.fixture
def themed(qapp) -> Iterator[None]:
    """The app's look (fonts, touch sizes) for a widget tested alone; restored afterwards."""
    from kiosk_pos.ui.theme import apply_theme

    font, sheet = qapp.font(), qapp.styleSheet()
    apply_theme(qapp)
    yield
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)
