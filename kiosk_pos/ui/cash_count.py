"""Counting cash: a total typed in, or notes and coins counted by denomination (100.000 ...
100). Used for a shift's opening float and for the drawer at close."""

from __future__ import annotations

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from kiosk_pos.core.shift_figures import DENOMINATIONS
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label


def amount_field() -> QLineEdit:
    """A whole-rupiah amount field (digits only)."""
    field = QLineEdit()
    field.setValidator(QIntValidator(0, 2_000_000_000, field))  # owned by the field
    field.setPlaceholderText("0")
    return field


def field_amount(field: QLineEdit) -> int | None:
    text = field.text().strip().replace(".", "")
    return int(text) if text.isdigit() else None


class CashCount(QWidget):
    """Either a count per denomination (when any is above zero) or the total typed in."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.counts: dict[int, QSpinBox] = {}
        half = (len(DENOMINATIONS) + 1) // 2
        for i, value in enumerate(DENOMINATIONS):
            spin = QSpinBox()
            spin.setRange(0, 9999)
            spin.setSuffix(" x")
            spin.valueChanged.connect(self._changed)
            self.counts[value] = spin
            row, col = i % half, (i // half) * 2
            grid.addWidget(QLabel(format_rupiah(value)), row, col)
            grid.addWidget(spin, row, col + 1)
        self.total_field = amount_field()
        self.total_field.textChanged.connect(self._changed)
        grid.addWidget(QLabel(tr("ui.shift.or_total")), half, 0)
        grid.addWidget(self.total_field, half, 1, 1, 3)
        self.sum_label = label("", "large")
        grid.addWidget(self.sum_label, half + 1, 0, 1, 4)
        self._changed()

    def denominations(self) -> dict[int, int]:
        return {value: spin.value() for value, spin in self.counts.items() if spin.value()}

    def value(self) -> tuple[int | None, dict[int, int] | None]:
        """(total, None) or (None, denominations): what the core's count takes."""
        counts = self.denominations()
        if counts:
            return None, counts
        return field_amount(self.total_field), None

    def total(self) -> int | None:
        total, counts = self.value()
        return sum(v * n for v, n in counts.items()) if counts else total

    def set_counts(self, counts: dict[int, int]) -> None:
        for value, n in counts.items():
            self.counts[value].setValue(n)

    def clear(self) -> None:
        for spin in self.counts.values():
            spin.setValue(0)
        self.total_field.clear()

    def _changed(self) -> None:
        counts = self.denominations()
        self.total_field.setEnabled(not counts)
        total = self.total()
        self.sum_label.setText(tr("ui.shift.count_total",
                                  amount=format_rupiah(total) if total is not None else "-"))
        self.changed.emit()
