"""The first screen sets its Qt enums by value (ui/theme.py), without PySide's Qt namespace:
the values are Qt's own, and the login's widgets get the policies and alignments Qt's names
would have given them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from kiosk_pos.ui.theme import ALIGN_CENTER, NO_FOCUS, centre_text, no_focus


def test_the_values_are_qts(qapp):
    assert NO_FOCUS == Qt.FocusPolicy.NoFocus.value
    assert ALIGN_CENTER == Qt.AlignmentFlag.AlignCenter.value
    button, text, field = QPushButton(), QLabel(), QLineEdit()
    no_focus(button)
    centre_text(text)
    centre_text(field)
    assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert text.alignment() == Qt.AlignmentFlag.AlignCenter
    assert field.alignment() == Qt.AlignmentFlag.AlignCenter


def test_the_login_keeps_the_keys_on_the_pin_field(window):
    login = window.login
    assert all(key.focusPolicy() == Qt.FocusPolicy.NoFocus for key in login.keys.values())
    assert login.names.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert all(button.focusPolicy() == Qt.FocusPolicy.NoFocus
               for button in (*window.nav, window.lock, window.help_button))
    assert window.language.focusPolicy() == Qt.FocusPolicy.NoFocus
    for centred in (login.title, login.prompt, login.pin, login.error):
        assert centred.alignment() == Qt.AlignmentFlag.AlignCenter
    assert login.pin.hasFocus()
