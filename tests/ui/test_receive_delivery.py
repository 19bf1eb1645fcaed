"""Terima barang saves one delivery in one transaction: a bad line (here a quantity of 0)
refuses the whole delivery with the core's sentence, the lines stay on screen to fix, and
nothing of it reaches the stock; fixed, all lines are received together."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from kiosk_pos.core.records import Role
from kiosk_pos.ui.stock_view import RECEIVE, StockCountView
from kiosk_pos.ui.tasks import TaskManager

KEPT: list[QWidget] = []


@pytest.fixture
def tasks(qtbot):
    manager = TaskManager()
    yield manager
    qtbot.waitUntil(lambda: not manager.busy, timeout=5000)
    manager.shutdown()
    for pool in manager._pools.values():
        pool.shutdown(wait=True)
    KEPT.clear()


def test_a_bad_line_refuses_the_whole_delivery(qtbot, kiosk, tasks):
    owner = next(u for u in kiosk.users.list() if u.role is Role.OWNER)
    view = StockCountView(kiosk, owner, tasks, RECEIVE)
    KEPT.append(view)
    qtbot.addWidget(view)
    view.show()
    for code, qty in (("ACC-TG", "10"), ("SP-XL", "0")):
        view.code.setText(code)
        view.qty.setText(qty)
        with qtbot.waitSignal(view.previewed, timeout=5000):
            view.add_button.click()
    moved = len(kiosk.stock.movements())
    view.save_button.click()
    qtbot.waitUntil(lambda: "Kartu Perdana XL" in view.status.text(), timeout=5000)
    assert kiosk.goods.get("ACC-TG").stock == 40 and len(kiosk.stock.movements()) == moved
    assert view.table.rowCount() == 2  # still there, to fix
    view.table.selectRow(1)
    with qtbot.waitSignal(view.previewed, timeout=5000):
        view.remove_button.click()
    view.code.setText("SP-XL")
    view.qty.setText("6")
    with qtbot.waitSignal(view.previewed, timeout=5000):
        view.add_button.click()
    with qtbot.waitSignal(view.saved, timeout=5000) as saved:
        view.save_button.click()
    assert [m.sku for m in saved.args[0]] == ["ACC-TG", "SP-XL"]
    assert (kiosk.goods.get("ACC-TG").stock, kiosk.goods.get("SP-XL").stock) == (50, 26)
    assert len({m.created_at for m in saved.args[0]}) == 1  # one delivery, one moment


def test_a_delivery_csv_fills_the_list_then_saves_in_one_go(qtbot, kiosk, tasks, tmp_path):
    owner = next(u for u in kiosk.users.list() if u.role is Role.OWNER)
    note = tmp_path / "kiriman.csv"
    note.write_text("sku;qty;cost\nSP-XL;5;7.000\nACC-TG;3;\n", encoding="utf-8")
    bad = tmp_path / "rusak.csv"
    bad.write_text("sku;qty\nSP-XL;lima\n", encoding="utf-8")
    paths = [str(bad), str(note)]
    view = StockCountView(kiosk, owner, tasks, RECEIVE, choose_csv=lambda: paths.pop(0))
    KEPT.append(view)
    qtbot.addWidget(view)
    view.show()
    assert view.csv_button.isVisible()
    view.csv_button.click()
    qtbot.waitUntil(lambda: "Baris 2" in view.status.text(), timeout=5000)
    assert view.table.rowCount() == 0
    with qtbot.waitSignal(view.previewed, timeout=5000):
        view.csv_button.click()
    assert [view.table.item(r, 0).text() for r in range(2)] == ["SP-XL", "ACC-TG"]
    assert "2 barang, +8 unit" in view.total.text()
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    assert (kiosk.goods.get("SP-XL").stock, kiosk.goods.get("ACC-TG").stock) == (25, 43)


def test_the_opname_screen_has_no_csv_button(qtbot, kiosk, tasks):
    from kiosk_pos.ui.stock_view import OPNAME

    view = StockCountView(kiosk, None, tasks, OPNAME)
    KEPT.append(view)
    qtbot.addWidget(view)
    view.show()
    assert not view.csv_button.isVisible()
