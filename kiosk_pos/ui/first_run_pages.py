"""The first-run wizard's pages (``ui/first_run.py`` puts them together).

Each page asks one thing and checks it with the rules of :mod:`kiosk_pos.first_run` when
the owner presses Next (Enter): a refusal is one sentence under the fields and the page
stays. The distributor page runs the signed test of ``kiosk-pos connect`` as a network
operation; the printer page is the printer settings screen itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from kiosk_pos.core.errors import KioskError
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import ERROR_COLOUR, OK_COLOUR

DIGITS = QRegularExpression(r"\d{0,8}")
FIELD_PX = 44


def line(*, secret: bool = False, digits: bool = False, width: int = 0) -> QLineEdit:
    field = QLineEdit()
    field.setMinimumHeight(FIELD_PX)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    if digits:
        field.setValidator(QRegularExpressionValidator(DIGITS, field))
        field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    if width:
        field.setMaximumWidth(width)
    return field


class Page(QWizardPage):
    """A page with an explanation at the top and a sentence (error or progress) below."""

    def __init__(self, title_key: str, text_key: str | None = None) -> None:
        super().__init__()
        self._title_key, self._text_key = title_key, text_key
        self.intro = QLabel(wordWrap=True)
        self.message = QLabel(wordWrap=True)
        self.message.setMinimumHeight(48)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.intro)
        self.body.addLayout(self.form)
        self.body.addWidget(self.message)
        self.body.addStretch(1)
        self._labels: list[tuple[QLabel, str]] = []

    def row(self, key: str, widget: QWidget) -> QWidget:
        lbl = QLabel()
        self._labels.append((lbl, key))
        self.form.addRow(lbl, widget)
        return widget

    def retranslate(self) -> None:
        self.setTitle(tr(self._title_key))
        self.intro.setText(tr(self._text_key) if self._text_key else "")
        self.intro.setVisible(bool(self._text_key))
        for lbl, key in self._labels:
            lbl.setText(tr(key))

    def say(self, text: str, *, error: bool = True) -> None:
        colour = ERROR_COLOUR if error else OK_COLOUR
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message.setText(text)

    def checked(self, check: Callable[[], None]) -> bool:
        """Run a rule: True when it passes; else its sentence is shown and the page stays."""
        try:
            check()
        except KioskError as exc:
            self.say(exc.message)
            return False
        self.message.clear()
        return True


class ShopPage(Page):
    def __init__(self) -> None:
        super().__init__("first_run.shop.title", "first_run.shop.text")
        self.name = self.row("first_run.shop.name", line())
        self.address = self.row("first_run.shop.address", line())
        self.name.setMaxLength(80)
        self.address.setMaxLength(200)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        from kiosk_pos.first_run import check_shop

        return self.checked(lambda: check_shop(self.name.text(), self.address.text()))


class OwnerPage(Page):
    def __init__(self) -> None:
        super().__init__("first_run.owner.title", "first_run.owner.text")
        self.pin = self.row("first_run.owner.pin", line(secret=True, digits=True, width=240))
        self.again = self.row("first_run.owner.again", line(secret=True, digits=True, width=240))

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        from kiosk_pos.first_run import check_owner_pin

        ok = self.checked(lambda: check_owner_pin(self.pin.text(), self.again.text()))
        if not ok:  # both typed again: a mistyped first one is the likelier slip
            self.pin.clear()
            self.again.clear()
            self.pin.setFocus()
        return ok


class ClerkPage(Page):
    def __init__(self, owner_pin: Callable[[], str]) -> None:
        super().__init__("first_run.clerk.title", "first_run.clerk.text")
        self._owner_pin = owner_pin
        self.name = self.row("first_run.clerk.name", line())
        self.name.setMaxLength(80)
        self.pin = self.row("first_run.clerk.pin", line(secret=True, digits=True, width=240))

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        from kiosk_pos.first_run import check_clerk

        return self.checked(lambda: check_clerk(self.name.text(), self.pin.text(),
                                                self._owner_pin()))


class FinishPage(Page):
    """What will be kept; Finish writes it all (``FirstRunWizard.finish``)."""

    def __init__(self, summary: Callable[[], list[str]], finish: Callable[[], bool]) -> None:
        super().__init__("first_run.done.title", "first_run.done.text")
        self._summary = summary
        self._finish = finish
        self.lines = QLabel(wordWrap=True)
        self.lines.setObjectName("large")
        self.body.insertWidget(1, self.lines)
        self.setFinalPage(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.lines.setText("\n".join(self._summary()))
        self.message.clear()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        return self._finish()


def choice(group_parent: QWidget, now_key: str, later_key: str
           ) -> tuple[QRadioButton, QRadioButton, list[tuple[QRadioButton, str]]]:
    """"Now" and "later" as two radio buttons (arrow keys move between them)."""
    now, later = QRadioButton(group_parent), QRadioButton(group_parent)
    for button in (now, later):
        button.setMinimumHeight(FIELD_PX)
    now.setChecked(True)
    return now, later, [(now, now_key), (later, later_key)]


def checkbox() -> QCheckBox:
    box = QCheckBox()
    box.setMinimumHeight(FIELD_PX)
    return box
