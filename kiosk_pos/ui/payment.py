"""Payment: cash given with quick buttons for common notes, or QRIS / transfer recorded;
with a customer picked (Alt+K, ``ui/customer_picker.py``) all or part of it on kasbon.

Keys: F6 uang pas, F7 10.000, F8 20.000, F9 50.000, F10 100.000; Alt+T/Q/R pick the
method (button mnemonics); Enter saves; Esc goes back to the products. The change
comes from the core's ``settle`` (``core/payments.py``, which the sale uses too), so the
screen and the saved sale agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulsa_protocol.money import format_rupiah, parse_rupiah
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.payments import settle
from kiosk_pos.core.records import Payment, PaymentMethod
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label

if TYPE_CHECKING:
    from kiosk_pos.ui.customer_picker import CustomerPicker

QUICK_NOTES = (None, 10_000, 20_000, 50_000, 100_000)  # None = uang pas (exact money)
QUICK_KEYS = ("F6", "F7", "F8", "F9", "F10")
METHOD_KEYS = {PaymentMethod.CASH: "ui.pay.cash", PaymentMethod.QRIS: "ui.pay.qris",
               PaymentMethod.TRANSFER: "ui.pay.transfer"}


class PaymentPanel(QWidget):
    submitted = Signal(object)  # Payment
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, *,
                 picker: CustomerPicker | None = None) -> None:
        super().__init__(parent)
        self.picker = picker
        self._total = 0
        self._busy = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.title = label("", "large")
        self.total_label = label("", "huge")
        # what the money buys, large: the clerk reads the number back before taking the cash
        self.destinations = label("", "large")
        self.destinations.setObjectName("destinations")
        self.destinations.setWordWrap(True)
        self.destinations.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.methods: dict[PaymentMethod, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        method_row = QHBoxLayout()
        for method in METHOD_KEYS:  # kasbon is chosen with a customer, not a button
            button = QPushButton()
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, m=method: self.set_method(m))
            group.addButton(button)
            method_row.addWidget(button)
            self.methods[method] = button
        self.cash_caption = label("")
        self.cash = QLineEdit()
        self.cash.setObjectName("big")
        self.cash.textEdited.connect(self._update_change)
        self.cash.returnPressed.connect(self.submit)
        self.quick: list[QPushButton] = []
        quick_row = QHBoxLayout()
        for note, key in zip(QUICK_NOTES, QUICK_KEYS, strict=True):
            button = QPushButton()
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(64)
            button.clicked.connect(lambda _c=False, n=note: self.quick_cash(n))
            QShortcut(QKeySequence(key), self, lambda n=note: self.quick_cash(n),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            quick_row.addWidget(button)
            self.quick.append(button)
        self.change_caption = label("", "large")
        self.change = label("", "huge")
        self.error = label("", "error")
        self.error.setWordWrap(True)
        self.back = QPushButton()
        self.back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back.clicked.connect(self.cancelled)
        self.save = QPushButton()
        self.save.setObjectName("primary")
        self.save.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save.clicked.connect(self.submit)
        QShortcut(QKeySequence("Esc"), self, self._escape,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addWidget(self.save, 2)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.total_label)
        change_row = QHBoxLayout()
        change_row.addWidget(self.change_caption)
        change_row.addStretch(1)
        change_row.addWidget(self.change)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.destinations)
        layout.addLayout(method_row)
        layout.addWidget(self.cash_caption)
        layout.addWidget(self.cash)
        layout.addLayout(quick_row)
        layout.addLayout(change_row)
        if picker is not None:  # its row takes the quick notes' place (no taller page)
            method_row.addWidget(picker.toggle)
            picker.changed.connect(self._update_change)
            picker.done.connect(self.cash.setFocus)
            picker.opened.connect(lambda open_: [b.setVisible(not open_) for b in self.quick])
            QShortcut(QKeySequence("Alt+K"), self, lambda: picker.set_open(True),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            layout.insertWidget(layout.indexOf(self.cash) + 1, picker)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(actions)
        self.method = PaymentMethod.CASH
        self.methods[self.method].setChecked(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("ui.pay.title"))
        self.total_label.setText(tr("ui.pay.total", amount=self._total))
        for method, button in self.methods.items():
            button.setText(tr(METHOD_KEYS[method]))
        self.cash_caption.setText(tr("ui.pay.cash_given"))
        if self.picker is not None:
            self.picker.retranslate()
        self.cash.setPlaceholderText(tr("ui.pay.cash_placeholder"))
        for note, key, button in zip(QUICK_NOTES, QUICK_KEYS, self.quick, strict=True):
            text = tr("ui.pay.exact") if note is None else format_rupiah(note).removeprefix("Rp")
            button.setText(f"{text}\n{key}")
        self.change_caption.setText(tr("ui.pay.change"))
        self.back.setText(tr("ui.pay.back"))
        self.save.setText(tr("ui.pay.save"))
        self._update_change()

    # -- state ----------------------------------------------------------------------------
    def start(self, total: int, destinations: list[str] | None = None,
              numbers: list[str] | None = None) -> None:
        """Open the panel for a cart of ``total`` rupiah, cash first; ``destinations`` are
        the top-ups' numbers with their product, shown large to be read back."""
        self._total = total
        self.destinations.setText("\n".join(destinations or []))
        self.destinations.setVisible(bool(destinations))
        self.total_label.setText(tr("ui.pay.total", amount=total))
        self.cash.clear()
        self.error.clear()
        self.set_busy(False)
        self.set_method(PaymentMethod.CASH)
        if self.picker is not None:  # the cart's numbers may belong to a customer
            self.picker.start(total, numbers or [])
        self.cash.setFocus()

    def set_method(self, method: PaymentMethod) -> None:
        self.method = method
        self.methods[method].setChecked(True)
        cash = method is PaymentMethod.CASH
        for widget in (self.cash, self.cash_caption, *self.quick):
            widget.setEnabled(cash)
        self.error.clear()
        self._update_change()
        (self.cash if cash else self).setFocus()

    def quick_cash(self, note: int | None) -> None:
        if self.method is not PaymentMethod.CASH:
            self.set_method(PaymentMethod.CASH)
        self.cash.setText(str(self._total if note is None else note))
        self.cash.setFocus()
        self._update_change()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save.setEnabled(not busy)
        self.save.setText(tr("ui.pay.saving") if busy else tr("ui.pay.save"))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        if self.method is PaymentMethod.CASH:
            self.cash.setFocus()
            self.cash.selectAll()

    # -- reading the form -----------------------------------------------------------------
    def payment(self) -> Payment:
        """The payment as typed; raises KioskError with a sentence if it cannot be."""
        part = self.picker.part() if self.picker is not None else None
        if part is not None and part[1] >= self._total:  # all of it on kasbon
            return Payment(PaymentMethod.KASBON, customer_id=part[0])
        customer_id, kasbon = part if part is not None else (None, None)
        if self.method is not PaymentMethod.CASH:
            if part is not None:
                return Payment(self.method, customer_id=customer_id, kasbon_amount=kasbon)
            return Payment(self.method)
        text = self.cash.text().strip()
        if not text:
            return Payment(PaymentMethod.CASH, None, customer_id, kasbon)  # empty = uang pas
        try:
            given = parse_rupiah(text)
        except ValueError:
            raise KioskError("error.amount_format", text=text) from None
        payment = Payment(PaymentMethod.CASH, given, customer_id, kasbon)
        settle(self._total, payment)  # cash short -> PaymentError sentence
        return payment

    def submit(self) -> None:
        if self._busy:
            return
        try:
            payment = self.payment()
        except KioskError as exc:
            self.show_error(exc.message)
            return
        self.error.clear()
        self.submitted.emit(payment)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)

    def _escape(self) -> None:
        if not self._busy:
            self.cancelled.emit()

    def _update_change(self, _text: str = "") -> None:
        state = self.picker.state if self.picker is not None else ""
        self.cash_caption.setText(state or tr("ui.pay.cash_given"))
        try:
            payment = self.payment()
            _given, change = settle(self._total, payment)
        except KioskError:
            self.change.setText("-")
            return
        self.change.setText(format_rupiah(change))
        self.error.clear()
