"""Goods by barcode (in the number field or anywhere), search, and a mixed cart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.ui.sales_screen import ENTRY, SEARCH
from tests.ui.helpers import TSEL_NUMBER, pay_cash, pick, type_number


def cart_skus(sales) -> list[tuple[str, int]]:
    return [(e.product.sku, e.qty) for e in sales.cart.entries]


def test_barcode_in_the_number_field(qtbot, sales):
    type_number(qtbot, sales, "8991234500011")
    qtbot.keyClick(sales.number, Qt.Key.Key_Return)
    assert cart_skus(sales) == [("SP-TSEL", 1)]
    assert sales.number.text() == ""
    assert sales.stack.currentIndex() == ENTRY


def test_barcode_wedge_anywhere_on_the_screen(qtbot, sales):
    type_number(qtbot, sales, TSEL_NUMBER)
    qtbot.keyClick(sales.number, Qt.Key.Key_Down)
    assert sales.window().focusWidget() is sales.grid
    qtbot.keyClicks(sales.grid, "8991234500028")  # a scanner: fast digits then Enter
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert cart_skus(sales) == [("SP-ISAT", 1)]
    assert sales.stack.currentIndex() == ENTRY  # the Enter did not sell a pulsa


def test_search_finds_an_item_by_name(qtbot, sales):
    qtbot.keyClick(sales.number, Qt.Key.Key_F5)
    assert sales.stack.currentIndex() == SEARCH
    qtbot.keyClicks(sales.search.field, "im3")
    assert sales.search.results.count() == 1
    assert "Kartu Perdana IM3" in sales.search.results.item(0).text()
    qtbot.keyClick(sales.search.field, Qt.Key.Key_Return)
    assert cart_skus(sales) == [("SP-ISAT", 1)]
    assert sales.stack.currentIndex() == ENTRY


def test_mixed_cart_quantities_delete_and_pay(qtbot, sales, kiosk):
    for _ in range(2):
        type_number(qtbot, sales, "8991234500011")
        qtbot.keyClick(sales.number, Qt.Key.Key_Return)
    assert cart_skus(sales) == [("SP-TSEL", 2)]
    type_number(qtbot, sales, TSEL_NUMBER)
    pick(qtbot, sales, 2)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Insert)  # add and continue
    type_number(qtbot, sales, "0817 1234 5678")
    assert sales.badge.text() == "XL"
    pick(qtbot, sales, 1)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Insert)
    assert cart_skus(sales) == [("SP-TSEL", 2), ("TSEL10", 1), ("XL5", 1)]

    qtbot.keyClick(sales.number, Qt.Key.Key_F11)  # into the cart
    sales.cart.table.selectRow(0)
    qtbot.keyClick(sales.cart.table, Qt.Key.Key_Plus)
    assert cart_skus(sales)[0] == ("SP-TSEL", 3)
    qtbot.keyClick(sales.cart.table, Qt.Key.Key_Minus)
    sales.cart.table.selectRow(2)
    qtbot.keyClick(sales.cart.table, Qt.Key.Key_Delete)
    assert cart_skus(sales) == [("SP-TSEL", 2), ("TSEL10", 1)]
    assert sales.cart.total.text() == "Total Rp42.000"

    qtbot.keyClick(sales.cart.table, Qt.Key.Key_F12)
    pay_cash(qtbot, sales, "50.000")
    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 1, timeout=5000)
    sale = kiosk.sales.recent()[0]
    assert [(ln.sku, ln.qty) for ln in sale.lines] == [("SP-TSEL", 2), ("TSEL10", 1)]
    assert sale.change == 8_000
    qtbot.waitUntil(lambda: sales.change_amount.text() == "Rp8.000", timeout=5000)
    assert len(sales.cart) == 0
