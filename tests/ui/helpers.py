"""Small steps the UI tests share: type a number, pick a product, pay."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.ui.sales_screen import PAYMENT

TSEL_NUMBER = "081234567890"


def type_number(qtbot, sales, number: str) -> None:
    sales.number.setFocus()
    qtbot.keyClicks(sales.number, number)


def pick(qtbot, sales, index: int) -> None:
    """Down into the grid, then the product's number key (1-9)."""
    qtbot.keyClick(sales.number, Qt.Key.Key_Down)
    qtbot.keyClicks(sales.grid, str(index))


def to_payment(qtbot, sales, number: str, index: int) -> None:
    type_number(qtbot, sales, number)
    pick(qtbot, sales, index)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == PAYMENT


def pay_cash(qtbot, sales, given: str) -> None:
    qtbot.keyClicks(sales.payment.cash, given)
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_Return)
