"""Goods run by the owner: add, edit, retire; duplicates refused naming the other item; a
price below cost only when confirmed; every barcode of an item scans to it."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.goods import GoodsChange, NewGoods, PriceBelowCost, whole_rupiah
from kiosk_pos.core.records import CartLine, Payment


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


MIE = NewGoods("MIE-1", "Indomie Goreng", 3500, 2800, "Makanan", ("8998866200011", "MIE1"), 5)


def rows(kiosk, sql):
    conn = sqlite3.connect(kiosk.db.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_an_item_added_scans_by_each_barcode_and_sells(kiosk, owner, clerk):
    item = kiosk.goods.add(owner, MIE)
    assert (item.sku, item.category, item.min_stock, item.stock) == ("MIE-1", "Makanan", 5, 0)
    assert item.barcodes == ("8998866200011", "MIE1")
    kiosk.stock.receive(owner, "MIE-1", 10)
    catalog = kiosk.catalog.catalog
    assert catalog.by_barcode["8998866200011"].sku == catalog.by_barcode["MIE1"].sku == "MIE-1"
    kiosk.sales.sell(clerk, [CartLine("MIE-1", 2)], Payment())
    assert kiosk.catalog.catalog.by_barcode["MIE1"].stock == 8  # every barcode sees the sale


def test_a_duplicate_sku_or_barcode_is_refused_naming_the_other_item(kiosk, owner):
    kiosk.goods.add(owner, MIE)
    with pytest.raises(KioskError) as sku:
        kiosk.goods.add(owner, NewGoods("MIE-1", "Mie Lain", 3000, 2000))
    assert sku.value.key == "error.goods_sku_taken" and "Indomie Goreng" in sku.value.message
    with pytest.raises(KioskError) as code:
        kiosk.goods.add(owner, NewGoods("MIE-2", "Mie Soto", 3000, 2000, barcodes=("MIE1",)))
    assert code.value.key == "error.goods_barcode_taken"
    assert "Indomie Goreng" in code.value.message and "MIE-1" in code.value.message
    with pytest.raises(KioskError):  # a demo item's barcode, on an edit
        kiosk.goods.edit(owner, "MIE-1", GoodsChange(add_barcodes=("8991234500011",)))
    assert rows(kiosk, "SELECT count(*) FROM products WHERE sku = 'MIE-2'") == [(0,)]
    assert kiosk.goods.get("MIE-1").barcodes == MIE.barcodes


def test_a_price_below_cost_needs_the_owners_confirmation(kiosk, owner):
    cheap = NewGoods("GULA", "Gula 1kg", 14000, 15000)
    with pytest.raises(PriceBelowCost):
        kiosk.goods.add(owner, cheap)
    assert kiosk.goods.add(owner, cheap, allow_below_cost=True).price == 14000
    with pytest.raises(PriceBelowCost):
        kiosk.goods.edit(owner, "GULA", GoodsChange(price=13000))
    assert kiosk.goods.get("GULA").price == 14000


@pytest.mark.parametrize("item", [
    NewGoods("X1", "Barang", 0, 0), NewGoods("X1", "Barang", -5, 0),
    NewGoods("X1", "Barang", 5000, -1), NewGoods("", "Barang", 5000, 100),
    NewGoods("X 1", "Barang", 5000, 100), NewGoods("X1", "  ", 5000, 100),
    NewGoods("X1", "Barang", 5000, 100, min_stock=-1),
    NewGoods("X1", "Barang", 5000, 100, barcodes=("ada spasi",)),
])
def test_bad_items_are_refused_and_nothing_is_written(kiosk, owner, item):
    before = rows(kiosk, "SELECT count(*) FROM products")
    with pytest.raises(KioskError):
        kiosk.goods.add(owner, item)
    assert rows(kiosk, "SELECT count(*) FROM products") == before


def test_a_clerk_may_not_change_goods(kiosk, clerk, owner):
    with pytest.raises(PermissionDenied) as denied:
        kiosk.goods.add(clerk, MIE)
    assert "pemilik" in denied.value.message
    kiosk.goods.add(owner, MIE)
    for change in (lambda: kiosk.goods.edit(clerk, "MIE-1", GoodsChange(price=1)),
                   lambda: kiosk.goods.retire(clerk, "MIE-1")):
        with pytest.raises(PermissionDenied):
            change()
    assert kiosk.goods.get("MIE-1").active


def test_a_retired_item_is_no_longer_sold_but_stays_in_history(kiosk, owner, clerk):
    kiosk.goods.add(owner, MIE)
    kiosk.stock.receive(owner, "MIE-1", 5)
    sale = kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], Payment())
    kiosk.goods.retire(owner, "MIE-1")
    assert "MIE-1" not in kiosk.catalog.catalog.by_sku
    with pytest.raises(KioskError):
        kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], Payment())
    assert kiosk.sales.get(sale.id).lines[0].name == "Indomie Goreng"
    assert not kiosk.goods.get("MIE-1").active
    assert [i.sku for i in kiosk.goods.iter_all()].count("MIE-1") == 1


def test_barcodes_can_be_added_and_removed(kiosk, owner):
    kiosk.goods.add(owner, MIE)
    item = kiosk.goods.edit(owner, "MIE-1", GoodsChange(add_barcodes=("NEW",),
                                                        remove_barcodes=("8998866200011",)))
    assert item.barcodes == ("MIE1", "NEW")
    assert rows(kiosk, "SELECT barcode FROM products WHERE sku = 'MIE-1'") == [("MIE1",)]
    with pytest.raises(KioskError):
        kiosk.goods.edit(owner, "MIE-1", GoodsChange(remove_barcodes=("8991234500011",)))


def test_an_electronic_product_is_not_shop_goods(kiosk, owner):
    with pytest.raises(KioskError) as refused:
        kiosk.goods.edit(owner, "TSEL10", GoodsChange(price=1))
    assert refused.value.key == "error.goods_is_electronic"


@pytest.mark.parametrize(("text", "value"), [("15000", 15000), ("15.000", 15000),
                                             ("Rp15.000", 15000), ("1.250.000", 1250000)])
def test_whole_rupiah_reads_what_a_shop_writes(text, value):
    assert whole_rupiah(text) == value


@pytest.mark.parametrize("text", ["1500,50", "1500.5", "-5", "lima ribu", "", "15.00"])
def test_whole_rupiah_refuses_fractions_and_words(text):
    with pytest.raises(KioskError):
        whole_rupiah(text)
