"""Defects a new clerk met on the selling screen, each driven through the real widgets at
1024x768 and 1366x768 with nothing clipped (tests/ui/fit.py) and nothing off the window:
the repeat-sale warning, search with a number typed, an unknown prefix, the "added" hint
over an empty cart, the grid after a sale, one change figure, tiles and cart lines whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk_pos.core.records import CartLine, Payment, ProductKind
from kiosk_pos.ui.sales_screen import ENTRY, PAYMENT
from tests.ui.fit import assert_whole
from tests.ui.helpers import TSEL_NUMBER, pay_cash, to_payment, type_number
from tests.ui.test_screen_fit import SIZES, _fit


def _sales_count(kiosk) -> int:
    return len(kiosk.sales.for_day(kiosk.today()))


@pytest.mark.parametrize("size", SIZES)
def test_a_repeat_sale_waits_for_f2_and_shows_the_earlier_sale(qtbot, window, sales, kiosk,
                                                                clerk, size):
    earlier = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, TSEL_NUMBER)], Payment())
    _fit(qtbot, window, size)
    window.notices.show_notice("Belum ada printer.")  # the tallest state: a notice as well
    to_payment(qtbot, sales, TSEL_NUMBER, 2)  # Telkomsel Pulsa 10.000 again
    warning = sales.repeat
    qtbot.waitUntil(warning.isVisible, timeout=3000)
    stamp = earlier.created_at.astimezone(sales.repeat._zone).strftime("%H:%M")
    text = warning.text.text()
    assert f"#{earlier.id}" in text and stamp in text and "Antre" in text, text
    assert "0812-3456-7890" in text and "Telkomsel Pulsa 10.000" in text
    assert window.minimumSizeHint().height() <= size[1]
    assert window.width() <= size[0] and window.height() <= size[1]
    assert_whole(qtbot, sales, window)
    pay_cash(qtbot, sales, "20000")  # the habitual Enter does not sell it again
    assert "F2" in sales.payment.error.text()
    assert _sales_count(kiosk) == 1
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_F2)
    assert not warning.isVisible()
    pay_cash(qtbot, sales, "")
    qtbot.waitUntil(lambda: _sales_count(kiosk) == 2, timeout=5000)
    qtbot.waitUntil(lambda: sales.stack.currentIndex() == ENTRY, timeout=3000)


def test_enter_before_the_check_answers_still_waits_for_f2(qtbot, window, sales, kiosk,
                                                           clerk):
    kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, TSEL_NUMBER)], Payment())
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    assert sales.repeat.pending  # its answer comes through the event loop, not yet turned
    pay_cash(qtbot, sales, "20000")  # at once, before the look-up has answered
    assert sales.payment.save.text() == "Menyimpan..."  # the sale waits for the answer
    qtbot.waitUntil(sales.repeat.isVisible, timeout=3000)
    assert sales.payment.save.isEnabled()  # not stuck "saving"
    assert "F2" in sales.payment.error.text()
    assert _sales_count(kiosk) == 1
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_Escape)
    assert sales.stack.currentIndex() == ENTRY and len(sales.cart) == 1


def test_esc_on_a_repeat_goes_back_to_the_cart(qtbot, window, sales, kiosk, clerk):
    kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, TSEL_NUMBER)], Payment())
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    qtbot.waitUntil(sales.repeat.isVisible, timeout=3000)
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_Escape)
    assert sales.stack.currentIndex() == ENTRY
    assert len(sales.cart) == 1 and not sales.repeat.isVisible()
    assert _sales_count(kiosk) == 1


def test_a_different_product_or_number_is_sold_without_asking(qtbot, window, sales, kiosk,
                                                               clerk):
    kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, TSEL_NUMBER)], Payment())
    to_payment(qtbot, sales, TSEL_NUMBER, 3)  # Telkomsel Pulsa 20.000
    pay_cash(qtbot, sales, "50000")
    qtbot.waitUntil(lambda: _sales_count(kiosk) == 2, timeout=5000)
    assert not sales.repeat.isVisible()


@pytest.mark.parametrize("size", SIZES)
def test_search_with_a_number_typed_sells_to_it_or_names_the_operator(qtbot, window, sales,
                                                                      size):
    _fit(qtbot, window, size)
    type_number(qtbot, sales, TSEL_NUMBER)
    sales.open_search()
    qtbot.keyClicks(sales.search.field, "XL Pulsa 20")
    qtbot.keyClick(sales.search.field, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == ENTRY
    error = sales.error.text()
    assert "butuh nomor" not in error
    assert "Telkomsel" in error and "XL" in error, error
    assert len(sales.cart) == 0
    assert_whole(qtbot, sales, window)
    sales.open_search()
    qtbot.keyClicks(sales.search.field, "Telkomsel Pulsa 20")
    qtbot.keyClick(sales.search.field, Qt.Key.Key_Return)
    assert [(e.product.sku, e.destination) for e in sales.cart.entries] == [
        ("TSEL20", TSEL_NUMBER)]
    assert sales.error.text() == ""


def test_search_is_titled_for_every_product_it_lists(qtbot, sales):
    assert sales.search_button.text() == "Cari produk (F5)"
    sales.open_search()
    assert sales.search.title.text() == "Cari produk"


@pytest.mark.parametrize("size", SIZES)
def test_an_unknown_prefix_says_why_there_are_no_products(qtbot, window, sales, size):
    _fit(qtbot, window, size)
    type_number(qtbot, sales, "080112345678")
    assert "0801" in sales.error.text()
    assert "0801" in sales.grid.empty.text()
    qtbot.keyClick(sales.number, Qt.Key.Key_Return)
    assert "0801" in sales.error.text()  # not "pick a product first"
    assert_whole(qtbot, sales, window)
    sales.number.clear()
    type_number(qtbot, sales, TSEL_NUMBER)
    assert sales.error.text() == "" and sales.grid.products


def test_the_added_hint_leaves_with_the_last_cart_line(qtbot, sales):
    type_number(qtbot, sales, TSEL_NUMBER)
    sales.focus_grid()
    sales.add_selected()
    assert "masuk keranjang" in sales.hint.text()
    sales.cart.table.setFocus()
    sales.cart.table.selectRow(0)
    qtbot.keyClick(sales.cart.table, Qt.Key.Key_Delete)
    assert len(sales.cart) == 0
    assert "masuk keranjang" not in sales.hint.text()


def test_after_a_sale_the_grid_starts_again_at_pulsa(qtbot, window, sales, kiosk):
    type_number(qtbot, sales, TSEL_NUMBER)
    qtbot.keyClick(sales.number, Qt.Key.Key_F4)  # e-wallet
    qtbot.keyClicks(sales.grid, "1")
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == PAYMENT
    pay_cash(qtbot, sales, "")
    qtbot.waitUntil(lambda: sales.last_record is not None, timeout=5000)
    assert sales.grid.kind is ProductKind.PULSA
    assert sales.grid.current is None and sales.grid.products == ()
    assert not any(b.isChecked() for b in sales.grid.buttons())


@pytest.mark.parametrize("size", SIZES)
def test_one_change_figure_while_paying(qtbot, window, sales, size):
    _fit(qtbot, window, size)
    to_payment(qtbot, sales, TSEL_NUMBER, 1)
    pay_cash(qtbot, sales, "10000")
    qtbot.waitUntil(lambda: sales.last_sale.isVisible(), timeout=5000)
    assert sales.change_amount.text() == "Rp3.000"
    assert_whole(qtbot, sales, window)
    to_payment(qtbot, sales, "081234567891", 1)
    qtbot.keyClicks(sales.payment.cash, "50000")
    changes = [w for w in (sales.change_amount, sales.payment.change) if w.isVisible()]
    assert changes == [sales.payment.change]
    assert sales.payment.change.text() == "Rp43.000"
    assert_whole(qtbot, sales, window)


@pytest.mark.parametrize("size", SIZES)
def test_tiles_cart_lines_and_recent_sales_are_whole(qtbot, window, sales, kiosk, clerk,
                                                     size):
    for sku, to in (("XL20", "081712345678"), ("PLN50", "12345678901"), ("SP-XL", "")):
        kiosk.sales.sell(clerk, [CartLine(sku, 1, to)], Payment())
    window.start_session(clerk)
    qtbot.waitUntil(lambda: len(sales.recent.sales) == 3, timeout=5000)
    _fit(qtbot, window, size)
    type_number(qtbot, sales, TSEL_NUMBER)
    for kind in (ProductKind.PULSA, ProductKind.DATA, ProductKind.PLN, ProductKind.EWALLET):
        sales.grid.set_kind(kind)
        qtbot.waitUntil(lambda: sales.grid.buttons() and sales.grid.buttons()[0].isVisible(),
                        timeout=3000)
        assert_whole(qtbot, sales, window)
    sales.grid.set_kind(ProductKind.PULSA)
    for i in range(4):
        sales.grid.select(i)
        sales.add_selected()
        type_number(qtbot, sales, TSEL_NUMBER)
    assert len(sales.cart) == 4
    table = sales.cart.table
    rows = sum(table.rowHeight(r) for r in range(4))
    assert rows <= table.viewport().height(), "four cart lines show whole, unscrolled"
    assert_whole(qtbot, sales, window)


@pytest.mark.parametrize("size", SIZES)
def test_a_long_product_name_breaks_onto_a_second_line_instead_of_being_cut(
        qtbot, window, sales, kiosk, size):
    from kiosk_pos.core.records import Product

    long_name = "Telkomsel Data Combo Sakti 25GB + 5GB Malam + Nelpon 100 Menit 30 hari"
    kiosk.catalog.upsert([Product("TSELDCOMBO", long_name, ProductKind.DATA, "telkomsel",
                                  0, 98_000, 101_000)])
    window.sales.catalog_changed()
    _fit(qtbot, window, size)
    type_number(qtbot, sales, TSEL_NUMBER)
    sales.grid.set_kind(ProductKind.DATA)
    qtbot.waitUntil(lambda: any(p.sku == "TSELDCOMBO" for p in sales.grid.products),
                    timeout=3000)
    assert_whole(qtbot, sales, window)
    tile = next(b for b in sales.grid.buttons() if b.property("sku") == "TSELDCOMBO")
    assert tile.text().replace("\n", " ").startswith(f"4. {long_name[15:]}")  # all of it
    assert tile.text().endswith("\nRp101.000")
    if size[0] == 1024:  # too long for the column there: on two lines, not cut
        assert tile.text().count("\n") == 2
