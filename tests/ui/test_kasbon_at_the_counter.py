"""Kasbon at the counter, through the real sales screen: the customer whose number is in the
cart is offered first; typing a name suggests customers; the whole sale or only part of it
goes on their account (the rest in cash, with the change from the cash part); the core's
sentence shows when the limit is passed, and nothing is written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, Role
from kiosk_pos.ui.sales_screen import PAYMENT
from tests.ui.helpers import TSEL_NUMBER, pay_cash, to_payment


def owner_of(kiosk):
    return next(u for u in kiosk.users.list() if u.role is Role.OWNER)


def test_the_carts_number_offers_its_customer_and_all_goes_on_kasbon(qtbot, sales, kiosk,
                                                                    clerk):
    sari = kiosk.customers.add(owner_of(kiosk), "Bu Sari", TSEL_NUMBER, None, 100_000)
    kiosk.sales.sell(clerk, [CartLine("TSEL5", 1, TSEL_NUMBER)], Payment())  # bought before
    to_payment(qtbot, sales, TSEL_NUMBER, 2)  # Telkomsel Pulsa 10.000 at Rp12.000
    picker = sales.payment.picker
    qtbot.waitUntil(lambda: picker.toggle.text() == "Kasbon Bu Sari", timeout=5000)
    assert not picker.isVisible() and sales.payment.quick[0].isVisible()
    qtbot.mouseClick(picker.toggle, Qt.MouseButton.LeftButton)
    assert picker.isVisible() and not sales.payment.quick[0].isVisible()
    assert picker.list.isVisible() and picker.list.count() == 1
    assert "Bu Sari" in picker.list.item(0).text() and "Rp100.000" in picker.list.item(0).text()
    assert "Terakhir beli: Telkomsel Pulsa 5.000" in picker.list.item(0).text()
    picker.list.itemClicked.emit(picker.list.item(0))
    assert picker.customer.id == sari.id and not picker.list.isVisible()
    assert sales.payment.cash_caption.text() == "Semua Rp12.000 masuk kasbon Bu Sari"
    assert sales.payment.change.text() == "Rp0"
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 2, timeout=5000)
    sale = kiosk.sales.recent()[0]
    assert sale.payment_method is PaymentMethod.KASBON and sale.cash_given is None
    assert kiosk.kasbon.balance(sari.id) == 12_000


def test_typing_a_name_then_part_on_kasbon_the_rest_in_cash(qtbot, sales, kiosk):
    budi = kiosk.customers.add(owner_of(kiosk), "Pak Budi", "085712345678", None, 50_000)
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    picker = sales.payment.picker
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert picker.name.hasFocus()
    qtbot.keyClicks(picker.name, "bud")
    qtbot.waitUntil(lambda: picker.list.count() == 1, timeout=5000)
    qtbot.keyClick(picker.name, Qt.Key.Key_Return)  # the first suggestion; nothing saved
    assert picker.customer.id == budi.id and picker.amount.hasFocus()
    assert sales.stack.currentIndex() == PAYMENT and not sales.payment.save.text().startswith(
        "Menyimpan")
    qtbot.keyClicks(picker.amount, "5.000")
    assert sales.payment.cash_caption.text() == "Kasbon Rp5.000 · tunai Rp7.000:"
    qtbot.keyClick(picker.amount, Qt.Key.Key_Return)  # on to the cash, nothing saved yet
    assert sales.payment.cash.hasFocus() and kiosk.sales.recent() == []
    pay_cash(qtbot, sales, "10000")
    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 1, timeout=5000)
    sale = kiosk.sales.recent()[0]
    assert (sale.payment_method, sale.total, sale.cash_given, sale.change) == (
        PaymentMethod.CASH, 12_000, 10_000, 3_000)
    assert kiosk.kasbon.balance(budi.id) == 5_000
    qtbot.waitUntil(lambda: sales.change_amount.text() == "Rp3.000", timeout=5000)


def test_over_the_limit_shows_the_sentence_and_writes_nothing(qtbot, sales, kiosk):
    eko = kiosk.customers.add(owner_of(kiosk), "Mas Eko", None, None, 10_000)
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    picker = sales.payment.picker
    picker.set_open(True)
    qtbot.keyClicks(picker.name, "eko")
    qtbot.waitUntil(lambda: picker.list.count() == 1, timeout=5000)
    picker.pick(0)
    sales.payment.save.click()  # all Rp12.000 on a Rp10.000 limit
    qtbot.waitUntil(lambda: "melebihi batas" in sales.payment.error.text(), timeout=5000)
    assert kiosk.sales.recent() == [] and kiosk.kasbon.balance(eko.id) == 0
    picker.amount.setText("20.000")  # more than the sale
    picker.amount.textEdited.emit("20.000")
    assert sales.payment.cash_caption.text() == "Kasbon: ketik 1 s.d. Rp12.000"
    sales.payment.save.click()  # saved anyway: the whole sentence, nothing written
    assert "paling banyak total belanja Rp12.000" in sales.payment.error.text()
    picker.clear_button.click()  # no kasbon after all: a plain cash sale
    assert picker.customer is None and not picker.isVisible()
    assert sales.payment.cash_caption.text() == "Uang diterima (kosong = uang pas)"
    pay_cash(qtbot, sales, "12000")
    qtbot.waitUntil(lambda: len(kiosk.sales.recent()) == 1, timeout=5000)
    assert kiosk.sales.recent()[0].payment_method is PaymentMethod.CASH
    assert kiosk.kasbon.balance(eko.id) == 0


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_the_open_picker_and_its_suggestions_fit_the_screen(qtbot, window, sales, kiosk, size):
    from tests.ui.test_screen_fit import _fit, _inside

    owner = owner_of(kiosk)
    for i in range(6):
        kiosk.customers.add(owner, f"Pelanggan Langganan Nomor {i}", None, None, 50_000)
    _fit(qtbot, window, size)
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    picker = sales.payment.picker
    picker.set_open(True)
    qtbot.keyClicks(picker.name, "langganan")
    qtbot.waitUntil(lambda: picker.list.isVisible() and picker.list.count() == 4, timeout=5000)
    qtbot.wait(0)
    assert window.width() <= size[0] and window.height() <= size[1]
    for widget in (picker.name, picker.amount, picker.clear_button, picker.toggle, picker.list,
                   sales.payment.save, sales.payment.cash):
        assert _inside(widget, window), widget
    metrics, room = picker.list.fontMetrics(), picker.list.viewport().width()
    assert all(metrics.horizontalAdvance(line) <= room
               for line in picker.list.item(0).text().split("\n"))
