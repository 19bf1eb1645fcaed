"""Look of the counter screen: big readable fonts, touch-size buttons, status colours."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk_pos.resources import resource_path

BASE_PT = 15          # body text, readable at arm's length
LARGE_PT = 20         # operator badge, totals in lists
HUGE_PT = 34          # total to pay and change (Kembalian)
TOUCH_PX = 52         # minimum button height
NOTICE_BUTTON_PX = 40  # a notice's button: the strip stays two text lines high
LIST_PT = 13          # the recent sales beside the cart: three short lines a row at 1024 px
TAB_PT = 13           # tab titles: the four kinds' tabs fit the sales screen at 1024 px
STATUS_PT = 12        # the status bar: its four figures fit a 1024 px wide screen

STATUS_COLOURS = {
    "queued": "#8a6d00",    # Antre: amber
    "pending": "#0b5cad",   # Diproses: blue
    "success": "#1b7a2f",   # Sukses: green
    "failed": "#c0172b",    # Gagal: red
    "done": "#1b7a2f",
}
ERROR_COLOUR = "#c0172b"
OK_COLOUR = "#1b7a2f"
WARN_BG = "#fff4d6"

STYLE = f"""
QWidget {{ font-size: {BASE_PT}pt; }}
QPushButton, QToolButton {{ min-height: {TOUCH_PX}px; padding: 4px 12px; border-radius: 6px;
    border: 1px solid #9aa3ad; background: #f4f6f8; }}
QPushButton:hover {{ background: #e8eef5; }}
QPushButton:checked {{ background: #0b5cad; color: white; border-color: #08457f; }}
QPushButton:disabled {{ color: #9aa3ad; }}
QPushButton#primary {{ background: #1b7a2f; color: white; border-color: #145c23;
    font-weight: bold; }}
QPushButton#primary:disabled {{ background: #9fc3a7; }}
QPushButton#product {{ text-align: left; padding: 6px 10px; background: white; }}
QPushButton#product:focus {{ border: 3px solid #0b5cad; }}
QPushButton#product:checked {{ background: #0b5cad; color: white; }}
QLineEdit, QDateEdit, QComboBox {{ min-height: 44px; padding: 2px 8px; border: 1px solid #9aa3ad;
    border-radius: 6px; background: white; }}
QLineEdit:focus {{ border: 2px solid #0b5cad; }}
QLineEdit#big {{ font-size: {LARGE_PT + 4}pt; min-height: 56px; }}
QTabBar::tab {{ min-height: 44px; min-width: 80px; padding: 4px 8px; font-size: {TAB_PT}pt; }}
QTabBar::tab:selected {{ background: #0b5cad; color: white; }}
QTableWidget {{ background: white; gridline-color: #dde2e7; }}
QHeaderView::section {{ padding: 4px; font-weight: bold; background: #eef1f4; border: none; }}
QLabel#error {{ color: {ERROR_COLOUR}; font-weight: bold; }}
QLabel#huge {{ font-size: {HUGE_PT}pt; font-weight: bold; }}
QLabel#large {{ font-size: {LARGE_PT}pt; font-weight: bold; }}
QLabel#caption {{ color: #4a5561; }}
QFrame#notice {{ background: {WARN_BG}; border: 2px solid {ERROR_COLOUR}; border-radius: 8px; }}
QFrame#notice_info {{ background: #eef4fb; border: 2px solid #0b5cad; border-radius: 8px; }}
QFrame#notice QPushButton, QFrame#notice_info QPushButton {{ min-height: {NOTICE_BUTTON_PX}px;
    padding: 2px 10px; }}
QLabel#notice_text {{ font-weight: bold; }}
QFrame#panel {{ background: #fafbfc; border: 1px solid #dde2e7; border-radius: 8px; }}
QStatusBar QLabel {{ padding: 0 6px; font-size: {STATUS_PT}pt; }}
QStatusBar QPushButton {{ font-size: {STATUS_PT}pt; min-height: 36px; padding: 2px 8px; }}
"""


def apply_theme(app: QApplication) -> None:
    """Load the bundled fonts (same look on every PC) and the style sheet."""
    apply_fonts(app)
    apply_style(app)


def apply_fonts(app: QApplication) -> None:
    """The bundled fonts, and the body size as the application's font."""
    family = None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        path = resource_path("fonts", name)
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            family = family or (families[0] if families else None)
    font = QFont(family) if family else app.font()
    font.setPointSize(BASE_PT)
    app.setFont(font)


def apply_style(app: QApplication) -> None:
    """The style sheet. The app sets it once its window is built: while an application
    style sheet is set, Qt restyles a widget's whole subtree each time it is put into a
    layout, which made building the window cost 5x as much (``bench/startup.py``)."""
    app.setStyleSheet(STYLE)


def badge_style(colour: str) -> str:
    """A coloured operator badge with text that stays readable on its colour."""
    text = "black" if QColor(colour).lightnessF() > 0.6 else "white"
    return (f"background: {colour}; color: {text}; border-radius: 8px; padding: 4px 14px;"
            f" font-size: {LARGE_PT}pt; font-weight: bold;")


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, "#333333"))


def set_role(widget: QWidget, name: str) -> QWidget:
    """Give a widget a style-sheet object name (``error``, ``huge``, ``primary``...)."""
    widget.setObjectName(name)
    return widget


def label(text: str = "", role: str | None = None) -> QLabel:
    lbl = QLabel(text)
    if role:
        lbl.setObjectName(role)
    return lbl


# The first screen sets its few Qt enums through Qt's property system, by value: the first
# `Qt.` attribute of a process makes PySide build the whole Qt namespace (94 Python enum
# classes, ~19 ms), which now happens after the PIN login's first paint (tests/ui/test_theme.py
# checks the values against Qt's).
NO_FOCUS = 0          # Qt.FocusPolicy.NoFocus
ALIGN_CENTER = 0x84   # Qt.AlignmentFlag.AlignCenter (AlignHCenter | AlignVCenter)


def no_focus(widget: QWidget) -> None:
    """``widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)``, without PySide's Qt namespace."""
    widget.setProperty("focusPolicy", NO_FOCUS)


def centre_text(widget: QWidget) -> None:
    """``widget.setAlignment(Qt.AlignmentFlag.AlignCenter)`` (a label or a line edit),
    without PySide's Qt namespace."""
    widget.setProperty("alignment", ALIGN_CENTER)
