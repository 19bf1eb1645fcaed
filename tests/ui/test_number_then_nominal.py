"""After the number, F1-F4 lead to the nominals and 1-9 picks one: the digit never grows the
number (0812-3456-7890 once became 0812-3456-78902 and reached payment). Payment shows each
number large with its product, to be read back before the money is taken."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.ui.sales_screen import PAYMENT
from tests.ui.helpers import TSEL_NUMBER, type_number


def test_f1_then_a_digit_picks_a_nominal_not_a_longer_number(qtbot, sales):
    type_number(qtbot, sales, TSEL_NUMBER)
    qtbot.keyClick(sales.number, Qt.Key.Key_F1)
    assert sales.grid.hasFocus()
    second = sales.grid.products[1]
    qtbot.keyClicks(sales.grid, "2")
    assert sales.number.text() == TSEL_NUMBER
    assert sales.grid.current is second
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == PAYMENT
    shown = sales.payment.destinations.text()
    assert shown == f"0812-3456-7890  ·  {second.name}"
    assert sales.payment.destinations.isVisible()


def test_f_keys_before_a_number_keep_the_typing_in_the_number(qtbot, sales):
    sales.number.setFocus()
    qtbot.keyClick(sales.number, Qt.Key.Key_F2)
    assert sales.number.hasFocus()  # nothing typed yet: the digits still go to the number
    qtbot.keyClicks(sales.number, "0812")
    assert sales.number.text() == "0812"


def test_goods_only_payment_shows_no_destination(qtbot, sales):
    sales.add_product(sales.kiosk.catalog.catalog.get("ACC-TG"), pay=True)
    assert sales.stack.currentIndex() == PAYMENT
    assert not sales.payment.destinations.isVisible()
