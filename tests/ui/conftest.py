"""UI tests drive real widgets offscreen (like MusicBrainz Picard's test/conftest.py).

The platform must be chosen BEFORE anything imports Qt.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from kiosk_pos.core import i18n  # noqa: E402
from kiosk_pos.core.kiosk import Kiosk  # noqa: E402
from kiosk_pos.core.records import Role  # noqa: E402
from kiosk_pos.core.setup import init_kiosk  # noqa: E402

TSEL_NUMBER = "081234567890"


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    i18n.set_language("id")
    yield
    i18n.set_language("id")


@pytest.fixture
def kiosk(tmp_path) -> Iterator[Kiosk]:
    k = init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True)
    yield k
    k.close()


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
    yield w
    w.close()


@pytest.fixture
def clerk(kiosk):
    return next(u for u in kiosk.users.list() if u.role is Role.CLERK)


@pytest.fixture
def sales(qtbot, window, clerk):
    """The sales screen with the demo clerk logged in and today's figures loaded."""
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    return window.sales

