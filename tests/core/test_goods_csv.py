"""Goods CSV: a dry run lists what would be added, changed and refused (with row numbers);
applying is one transaction, and a bad row anywhere means nothing is applied; export then
import shows nothing to change."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.goods import NewGoods
from kiosk_pos.core.goods_csv import GoodsCsv


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


@pytest.fixture
def csv(kiosk):
    return GoodsCsv(kiosk.db, kiosk.catalog, kiosk.events, kiosk.clock)


def snapshot(kiosk):
    conn = sqlite3.connect(kiosk.db.path)
    try:
        return (conn.execute("SELECT * FROM products ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM product_barcodes ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM stock_movements ORDER BY id").fetchall())
    finally:
        conn.close()


GOOD = ("sku;nama;kategori;barcode;harga;modal;stok_min;stok\n"
        "MIE-1;Indomie Goreng;Makanan;8998866200011|MIE1;3.500;2800;10;24\n"
        "ACC-CBL;Kabel Data USB-C 1m;Aksesoris;8991234500073;21000;10000;3;99\n")


def test_the_dry_run_lists_what_would_change_and_writes_nothing(kiosk, owner, csv):
    before = snapshot(kiosk)
    plan = csv.dry_run(owner, GOOD.encode())
    assert [(n.row, n.sku) for n in plan.added] == [(2, "MIE-1")]
    assert [(n.row, n.sku) for n in plan.changed] == [(3, "ACC-CBL")]
    assert "price: 20000 -> 21000" in plan.changed[0].detail
    assert plan.refused == [] and snapshot(kiosk) == before


def test_apply_adds_with_opening_stock_and_changes_but_never_moves_existing_stock(
        kiosk, owner, csv):
    csv.apply(owner, GOOD.encode())
    mie, cable = kiosk.goods.get("MIE-1"), kiosk.goods.get("ACC-CBL")
    assert (mie.price, mie.cost, mie.min_stock, mie.stock, mie.category) == (
        3500, 2800, 10, 24, "Makanan")
    assert mie.barcodes == ("8998866200011", "MIE1")
    assert (cable.price, cable.stock) == (21000, 15)  # stock moves only by movements
    assert kiosk.catalog.catalog.by_barcode["MIE1"].sku == "MIE-1"
    assert kiosk.stock.check() == []
    assert kiosk.stock.movements("MIE-1")[0].reason == "opening"


def test_a_bad_row_in_the_middle_means_nothing_is_applied(kiosk, owner, csv):
    data = (GOOD.replace("\nACC-CBL", "\nMIE-2;Mie Soto;;MIE1;3000;2000;;\nACC-CBL")
            + "TEH;Teh Botol;;;4000;5000;;\n" + "KOPI;Kopi;;;4000,5;3000;;\n").encode()
    before = snapshot(kiosk)
    plan = csv.dry_run(owner, data)
    assert [(n.row, n.sku) for n in plan.refused] == [(3, "MIE-2"), (5, "TEH"), (6, "KOPI")]
    assert "Indomie Goreng" in plan.refused[0].detail  # the barcode's other item, named
    assert "modal" in plan.refused[1].detail
    with pytest.raises(KioskError) as refused:
        csv.apply(owner, data)
    assert refused.value.key == "error.csv_refused" and refused.value.params["row"] == 3
    assert snapshot(kiosk) == before


def test_export_then_import_shows_nothing_to_change(kiosk, owner, csv, tmp_path):
    kiosk.goods.add(owner, NewGoods("MIE-1", "Indomie; \"Goreng\", pedas", 3500, 2800,
                                    "Makanan, kering", ("A1", "B2"), 4))
    kiosk.goods.retire(owner, "ACC-TG")
    path = tmp_path / "goods.csv"
    assert csv.export(kiosk.goods.iter_all(), path) == 10
    plan = csv.dry_run(owner, path.read_bytes())
    assert plan.nothing_to_change and plan.unchanged == 10
    csv.export(kiosk.goods.iter_all(), path, delimiter=",")  # a comma file reads the same
    assert path.read_text(encoding="utf-8-sig").startswith("sku,name,")
    assert csv.dry_run(owner, path.read_bytes()).unchanged == 10


@pytest.mark.parametrize(("data", "key"), [
    (b"sku;name;price\nA;B;1000\n", "error.csv_missing_column"),
    ("sku;name;price;cost\nA;Kopi Susu \u2615;5000;3000\n".encode("utf-16"),
     "error.csv_encoding"),
    ("sku;name;price;cost\nA;Kop\u00ed;5000;3000\n".encode("latin-1"), "error.csv_encoding"),
    (b"", "error.csv_empty"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(kiosk, owner, csv, data, key):
    before = snapshot(kiosk)
    for run in (csv.dry_run, csv.apply):
        with pytest.raises(KioskError) as refused:
            run(owner, data)
        assert refused.value.key == key
    assert snapshot(kiosk) == before


def test_the_same_sku_twice_is_refused(kiosk, owner, csv):
    plan = csv.dry_run(owner, b"sku,name,price,cost\nA,Satu,1000,500\nA,Dua,1000,500\n")
    assert [(n.row, n.sku) for n in plan.refused] == [(3, "A")]


def test_only_the_owner_imports(kiosk, clerk, csv):
    with pytest.raises(PermissionDenied):
        csv.dry_run(clerk, GOOD.encode())


def test_an_export_brings_a_shop_over_retired_items_and_all(kiosk, owner, csv, tmp_path,
                                                            template_free_kiosk):
    kiosk.goods.retire(owner, "ACC-TG")
    path = tmp_path / "goods.csv"
    csv.export(kiosk.goods.iter_all(), path)
    other = template_free_kiosk
    other_owner = other.users.authenticate("4321")
    other_csv = GoodsCsv(other.db, other.catalog, other.events, other.clock)
    plan = other_csv.dry_run(other_owner, path.read_bytes())
    other_csv.apply(other_owner, path.read_bytes(), plan)
    moved = {i.sku: i for i in other.goods.iter_all()}
    assert {i.sku: (i.stock, i.active, i.barcodes, i.cost) for i in kiosk.goods.iter_all()} == {
        sku: (i.stock, i.active, i.barcodes, i.cost) for sku, i in moved.items()}
    assert other.stock.check() == []
    assert other_csv.dry_run(other_owner, path.read_bytes()).nothing_to_change


@pytest.fixture
def template_free_kiosk(tmp_path):
    from kiosk_pos.core.setup import init_kiosk

    k = init_kiosk(tmp_path / "other", "Toko Baru", "4321")
    yield k
    k.close()


def test_apply_checks_again_when_the_goods_changed_after_the_dry_run(kiosk, owner, csv):
    plan = csv.dry_run(owner, GOOD.encode())
    assert not plan.refused
    kiosk.goods.add(owner, NewGoods("LAIN", "Barang Lain", 1000, 500, barcodes=("MIE1",)))
    before = snapshot(kiosk)
    with pytest.raises(KioskError) as refused:
        csv.apply(owner, GOOD.encode(), plan)
    assert "Barang Lain" in refused.value.message
    assert snapshot(kiosk) == before


def test_a_broken_csv_is_a_sentence(kiosk, owner, csv):
    with pytest.raises(KioskError) as refused:  # a cell past the csv module's size limit
        csv.dry_run(owner, b"sku;name;price;cost\nA;" + b"x" * 200_000 + b";1000;500\n")
    assert refused.value.key == "error.csv_malformed"
    plan = csv.dry_run(owner, b"sku;name;price;cost\nA;B\x00;1000;500\nC\x07;D;1000;500\n")
    assert [(n.row, n.sku) for n in plan.refused] == [(2, "A"), (3, "C\x07")]
