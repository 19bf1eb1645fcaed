"""The owner's back office screens driven through their real widgets: add an item (a price
below cost asks first, a taken SKU is refused with the core's sentence), receive a delivery,
count the shelf with a difference shown before saving, the Stok menipis list and the badge
in the tools menu; a clerk is not offered them and the core refuses them anyway."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kiosk_pos.core.goods import GoodsChange
from kiosk_pos.core.records import Role, User
from kiosk_pos.session import AppSession
from kiosk_pos.ui.goods_view import GoodsView
from kiosk_pos.ui.stock_view import OPNAME, RECEIVE, LowStockView, StockCountView
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.tools import ToolDialogs

ROOT = Path(__file__).resolve().parents[2]


def owner_of(kiosk) -> User:
    return next(u for u in kiosk.users.list() if u.role is Role.OWNER)


# Each operation holds its widget; a finished one can be dropped on a worker thread, and a
# parentless widget whose last reference goes there is deleted off the GUI thread (a crash).
# The screens keep their widgets here until every pool has stopped.
KEPT: list[QWidget] = []


@pytest.fixture
def tasks(qtbot):
    manager = TaskManager()
    yield manager
    qtbot.waitUntil(lambda: not manager.busy, timeout=5000)
    manager.shutdown()
    for pool in manager._pools.values():  # every worker done with its operations
        pool.shutdown(wait=True)
    KEPT.clear()


def kept(widget):
    KEPT.append(widget)
    return widget


def shown(view, qtbot) -> None:
    kept(view)
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_owner_adds_an_item_after_confirming_a_price_below_cost(qtbot, kiosk, tasks):
    asked: list[str] = []
    view = GoodsView(kiosk, owner_of(kiosk), tasks, confirm=lambda q: asked.append(q) or True)
    shown(view, qtbot)
    qtbot.waitUntil(lambda: view.table.rowCount() == 9, timeout=5000)
    view.sku.setText("ACC-CASE")
    view.name.setText("Softcase HP")
    view.barcodes.setText("8990000000011, 8990000000028")
    view.cost.setText("12.000")
    view.price.setText("10000")
    view.min_stock.setText("3")
    with qtbot.waitSignal(view.saved, timeout=5000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert "di bawah modal" in asked[0]
    item = kiosk.goods.get("ACC-CASE")
    assert (item.price, item.cost, item.min_stock) == (10000, 12000, 3)
    assert item.barcodes == ("8990000000011", "8990000000028")
    qtbot.waitUntil(lambda: view.table.rowCount() == 10, timeout=5000)


def test_saying_no_below_cost_saves_nothing_and_a_taken_sku_names_the_other(qtbot, kiosk,
                                                                          tasks):
    view = GoodsView(kiosk, owner_of(kiosk), tasks, confirm=lambda _q: False)
    shown(view, qtbot)
    view.sku.setText("NEW-1")
    view.name.setText("Baru")
    view.cost.setText("5000")
    view.price.setText("4000")
    view.save_button.click()
    qtbot.waitUntil(lambda: "di bawah modal" in view.status.text(), timeout=5000)
    assert all(i.sku != "NEW-1" for i in kiosk.goods.iter_all())
    view.sku.setText("ACC-TG")
    view.price.setText("6000")
    view.save_button.click()
    qtbot.waitUntil(lambda: "sudah dipakai oleh Tempered Glass" in view.status.text(),
                    timeout=5000)


def test_search_by_barcode_then_edit_and_retire(qtbot, kiosk, tasks):
    view = GoodsView(kiosk, owner_of(kiosk), tasks, confirm=lambda _q: True)
    shown(view, qtbot)
    qtbot.waitUntil(lambda: view.table.rowCount() == 9, timeout=5000)
    view.search.setText("8991234500097")
    with qtbot.waitSignal(view.listed, timeout=5000):
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.table.rowCount() == 1
    view.table.selectRow(0)
    assert view.sku.text() == "ACC-TG" and view.sku.isReadOnly()
    view.price.setText("17.500")
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    assert kiosk.goods.get("ACC-TG").price == 17500
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.retire_button.click()
    assert not kiosk.goods.get("ACC-TG").active
    assert not view.retire_button.isEnabled()
    qtbot.waitUntil(lambda: view.table.item(0, 4).text() == "Pensiun", timeout=5000)


def test_receive_shows_units_and_value_then_saves_all(qtbot, kiosk, tasks):
    owner = owner_of(kiosk)
    view = StockCountView(kiosk, owner, tasks, RECEIVE)
    shown(view, qtbot)
    for code, qty in (("8991234500097", "10"), ("SP-XL", "5")):
        qtbot.keyClicks(view.code, code)
        qtbot.keyClick(view.code, Qt.Key.Key_Return)
        qtbot.keyClicks(view.qty, qty)
        if code == "SP-XL":
            qtbot.keyClicks(view.cost, "9.000")  # this delivery's price (was 8000)
        with qtbot.waitSignal(view.previewed, timeout=5000):
            qtbot.keyClick(view.qty, Qt.Key.Key_Return)
    assert cells(view.table, 0) == ["ACC-TG", "Tempered Glass Universal", "40", "10", "+10",
                                    "Rp50.000"]
    assert cells(view.table, 1)[3:] == ["5", "+5", "Rp45.000"]
    assert "2 barang, +15 unit, senilai Rp95.000" in view.total.text()
    view.note.setText("CV Maju")
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    assert kiosk.goods.get("ACC-TG").stock == 50 and kiosk.goods.get("SP-XL").stock == 25
    assert kiosk.stock.movements("SP-XL")[0].supplier == "CV Maju"
    assert kiosk.goods.get("SP-XL").cost == 8200  # (20 x 8000 + 5 x 9000) / 25
    assert kiosk.goods.get("ACC-TG").cost == 5000
    assert view.table.rowCount() == 0 and "2 barang masuk" in view.status.text()


def test_opname_shows_the_difference_before_saving(qtbot, kiosk, tasks):
    view = StockCountView(kiosk, owner_of(kiosk), tasks, OPNAME)
    shown(view, qtbot)
    view.code.setText("ACC-CHG")
    view.qty.setText("7")
    with qtbot.waitSignal(view.previewed, timeout=5000):
        view.add_button.click()
    assert cells(view.table, 0)[2:] == ["10", "7", "-3", "-Rp75.000"]
    assert "selisih -3 unit, senilai -Rp75.000" in view.total.text()
    assert kiosk.goods.get("ACC-CHG").stock == 10  # nothing saved yet
    view.code.setText("NOPE")
    view.qty.setText("1")
    view.add_button.click()
    qtbot.waitUntil(lambda: "NOPE tidak ada" in view.status.text(), timeout=5000)
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    assert kiosk.goods.get("ACC-CHG").stock == 7
    assert kiosk.stock.movements("ACC-CHG")[0].note == "stock opname"
    assert kiosk.stock.check() == []


def test_low_stock_list_and_badge(qtbot, kiosk, tasks):
    owner = owner_of(kiosk)
    kiosk.goods.edit(owner, "ACC-EAR", GoodsChange(min_stock=8))
    kiosk.goods.edit(owner, "SP-XL", GoodsChange(min_stock=30))
    view = LowStockView(kiosk, tasks)
    shown(view, qtbot)
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    assert {cells(view.table, r)[0] for r in range(2)} == {"ACC-EAR", "SP-XL"}
    assert "2 barang perlu dipesan" in view.status.text()

    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    window = kept(QWidget())
    qtbot.addWidget(window)
    tools = ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: owner,
                        paper_width_changed=lambda _w: None, close_app=lambda: None)
    qtbot.waitUntil(lambda: tools.low_count == 2, timeout=5000)
    assert "Stok menipis (2)" in [text for text, _ in tools.actions()]
    kiosk.stock.receive(owner, "SP-XL", 11)  # 31: above its minimum of 30
    tools.actions()  # opening the menu reads the count again
    qtbot.waitUntil(lambda: tools.low_count == 1, timeout=5000)
    assert "Stok menipis (1)" in [text for text, _ in tools.actions()]


def test_a_clerk_is_not_offered_the_back_office_and_the_core_refuses(qtbot, kiosk, clerk,
                                                                    tasks):
    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    window = kept(QWidget())
    qtbot.addWidget(window)
    tools = ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: clerk,
                        paper_width_changed=lambda _w: None, close_app=lambda: None)
    texts = [text for text, _ in tools.actions()]
    assert not {"Barang", "Terima barang", "Stok opname"} & set(texts)
    assert not any(t.startswith("Stok menipis") for t in texts)
    view = StockCountView(kiosk, clerk, tasks, OPNAME)
    shown(view, qtbot)
    view.code.setText("ACC-TG")
    view.qty.setText("1")
    with qtbot.waitSignal(view.previewed, timeout=5000):
        view.add_button.click()
    view.save_button.click()
    qtbot.waitUntil(lambda: "pemilik" in view.status.text(), timeout=5000)
    assert kiosk.goods.get("ACC-TG").stock == 40


def test_office_texts_in_both_languages():
    ids = json.loads((ROOT / "resources/locale/office.id.json").read_text())
    ens = json.loads((ROOT / "resources/locale/office.en.json").read_text())
    assert set(ids) == set(ens)
    used: set[str] = set()
    for name in ("goods_view.py", "stock_view.py", "office_tools.py"):
        used |= set(re.findall(r"tr\(['\"](office\.[a-z_.]+)['\"]",
                               (ROOT / "kiosk_pos/ui" / name).read_text()))
    assert used and not used - set(ids)


def test_the_owner_sees_the_badge_in_the_main_windows_tools_menu(qtbot, kiosk, tasks):
    from kiosk_pos.ui.main_window import MainWindow

    owner = owner_of(kiosk)
    kiosk.goods.edit(owner, "ACC-EAR", GoodsChange(min_stock=9))
    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    window = kept(MainWindow(kiosk, tasks, session=session))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(owner)
    menu = window.tools_button.menu()
    menu.aboutToShow.emit()  # what opening the menu does, without a blocking popup
    texts = lambda: [a.text() for a in menu.actions()]  # noqa: E731
    assert {"Barang", "Terima barang", "Stok opname"} <= set(texts())
    qtbot.waitUntil(lambda: "Stok menipis (1)" in texts(), timeout=5000)
    window.tools.low_count = None  # the count read again when the menu opens next
    menu.aboutToShow.emit()
    qtbot.waitUntil(lambda: window.tools.low_count == 1, timeout=5000)
