"""Routine refusals are sentences next to the field; nothing is recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk_pos.ui.sales_screen import ENTRY, PAYMENT
from tests.ui.helpers import TSEL_NUMBER, pay_cash, pick, to_payment, type_number


def nothing_recorded(kiosk) -> bool:
    return kiosk.sales.recent() == [] and kiosk.sales.queue_length() == 0


def test_wrong_operator(qtbot, sales, kiosk):
    type_number(qtbot, sales, TSEL_NUMBER)
    assert not sales.add_product(kiosk.catalog.catalog.get("XL10"), pay=True)
    assert "bukan XL" in sales.error.text() and "Telkomsel" in sales.error.text()
    assert len(sales.cart) == 0 and sales.stack.currentIndex() == ENTRY
    assert nothing_recorded(kiosk)


def test_bad_number(qtbot, sales, kiosk):
    type_number(qtbot, sales, "08123")
    pick(qtbot, sales, 1)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert "5 digit" in sales.error.text()
    assert len(sales.cart) == 0 and sales.stack.currentIndex() == ENTRY
    assert nothing_recorded(kiosk)


def test_cash_short(qtbot, sales, kiosk):
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    pay_cash(qtbot, sales, "5000")
    assert "kurang Rp7.000" in sales.payment.error.text()
    assert sales.stack.currentIndex() == PAYMENT
    assert nothing_recorded(kiosk)
    assert sales.payment.error.isVisible()


def test_insufficient_deposit_shows_the_shortfall(qtbot, sales, kiosk):
    kiosk.deposit.credit(-(kiosk.deposit.balance() - 1_000), "adjust")
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    pay_cash(qtbot, sales, "20000")
    qtbot.waitUntil(lambda: "deposit" in sales.payment.error.text(), timeout=5000)
    assert "kurang Rp9.350" in sales.payment.error.text()
    assert sales.payment.save.isEnabled()
    assert nothing_recorded(kiosk)


def test_insufficient_stock(qtbot, sales, kiosk):
    stock = kiosk.catalog.catalog.get("SP-XL").stock
    kiosk.catalog.receive_stock("SP-XL", -stock, reason="writeoff")
    type_number(qtbot, sales, "8991234500035")
    qtbot.keyClick(sales.number, Qt.Key.Key_Return)
    assert len(sales.cart) == 1
    qtbot.keyClick(sales.number, Qt.Key.Key_F12)
    assert sales.stack.currentIndex() == PAYMENT
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Stok" in sales.payment.error.text(), timeout=5000)
    assert "tinggal 0" in sales.payment.error.text()
    assert kiosk.sales.recent() == []


def test_pay_with_empty_cart_says_so(qtbot, sales):
    qtbot.keyClick(sales.number, Qt.Key.Key_F12)
    assert sales.error.text() == "Keranjang masih kosong. Pilih produk dulu."
