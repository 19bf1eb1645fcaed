"""The counter's main path, keyboard only: number -> operator -> product -> cash -> change."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.core.records import PaymentMethod
from kiosk_pos.ui.sales_screen import ENTRY, PAYMENT
from tests.ui.helpers import TSEL_NUMBER, pay_cash, pick, to_payment, type_number


def test_pulsa_sale_without_the_mouse(qtbot, window, sales, kiosk):
    saved = []
    sales.sale_done.connect(saved.append)
    type_number(qtbot, sales, "0812-3456-7890")
    assert sales.badge.text() == "Telkomsel"
    assert [b.text().split("\n")[0] for b in sales.grid.buttons()][:2] == [
        "1. Pulsa 5.000", "2. Pulsa 10.000"]
    pick(qtbot, sales, 2)
    assert sales.grid.current.sku == "TSEL10"
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == PAYMENT
    assert "Rp12.000" in sales.payment.total_label.text()
    pay_cash(qtbot, sales, "20000")

    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 1, timeout=5000)
    sale = kiosk.sales.recent()[0]
    assert [(ln.sku, ln.destination) for ln in sale.lines] == [("TSEL10", TSEL_NUMBER)]
    assert (sale.total, sale.cash_given, sale.change) == (12_000, 20_000, 8_000)
    qtbot.waitUntil(lambda: sales.last_sale.isVisible(), timeout=5000)
    assert sales.change_amount.text() == "Rp8.000"
    assert sales.stack.currentIndex() == ENTRY
    assert sales.number.text() == "" and len(sales.cart) == 0
    assert window.focusWidget() is sales.number
    assert "Telkomsel Pulsa 10.000" in sales.recent.text_of_row(0)
    assert sales.recent.status_of_row(0) == "Antre"
    assert [s.id for s in saved] == [sale.id]
    assert kiosk.sales.for_day(kiosk.today())[0].id == sale.id


def test_arrow_keys_pick_and_tabs_switch_kind(qtbot, sales):
    type_number(qtbot, sales, TSEL_NUMBER)
    qtbot.keyClick(sales.number, Qt.Key.Key_Down)
    assert sales.grid.current.sku == "TSEL5"
    qtbot.keyClick(sales.grid, Qt.Key.Key_Right)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Down)
    # second row, second column (as many columns as the tiles' text allows, up to 3)
    assert sales.grid.current is sales.grid.products[1 + sales.grid.columns]
    qtbot.keyClick(sales.grid, Qt.Key.Key_F2)
    assert sales.grid.products[0].sku == "TSELD1GB"
    qtbot.keyClick(sales.grid, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert {p.kind.value for p in sales.grid.products} == {"ewallet"}


def test_exact_money_with_quick_key_and_qris(qtbot, sales, kiosk):
    to_payment(qtbot, sales, TSEL_NUMBER, 1)
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_F6)  # uang pas
    assert sales.payment.cash.text() == "7000"
    assert sales.payment.change.text() == "Rp0"
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_F8)
    assert sales.payment.change.text() == "Rp13.000"
    sales.payment.methods[PaymentMethod.QRIS].click()
    qtbot.keyClick(sales.payment, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 1, timeout=5000)
    assert kiosk.sales.recent()[0].payment_method is PaymentMethod.QRIS
    assert kiosk.sales.recent()[0].change == 0


def test_pln_token_by_meter_number(qtbot, sales, kiosk):
    type_number(qtbot, sales, "12345678901")
    assert sales.grid.kind.value == "pln"
    pick(qtbot, sales, 1)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    pay_cash(qtbot, sales, "")
    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 1, timeout=5000)
    assert kiosk.sales.recent()[0].lines[0].destination == "12345678901"
