"""The name check on the sales screen, driven with real widgets against a real distributor on
127.0.0.1: a PLN token or e-wallet shows the customer's name (and daya) large on the payment
page before the money is taken; offline, refused or not found the clerk is told and may go
on; nothing is clipped or off screen at 1024x768 and 1366x768; no database on the GUI thread.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from kiosk_pos.core.records import ProductKind
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.ui.sales_screen import PAYMENT
from kiosk_pos.ui.theme import LARGE_PT
from tests.ui.helpers import TSEL_NUMBER, pay_cash, pick, to_payment, type_number

SIZES = [(1024, 768), (1366, 768)]
METER = "52345678901"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UNCHECKED = "Nama tidak dapat dicek — boleh lanjut"


@pytest.fixture
def connected(distributor):
    creds = distributor.create_kiosk("Konter Cek Nama")
    client = DistributorClient(distributor.url, creds.kiosk_id, creds.secret)
    yield client
    client.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _inside(widget: QWidget, window: QWidget) -> bool:
    box = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(box)


def _whole(label: QLabel) -> bool:
    """The label's text fits it: one line within its width, or wrapped within its height."""
    metrics = label.fontMetrics()
    room = label.contentsRect()
    if not label.wordWrap():
        return metrics.horizontalAdvance(label.text()) <= room.width()
    needed = metrics.boundingRect(room, int(Qt.TextFlag.TextWordWrap), label.text())
    return needed.height() <= room.height() and needed.width() <= room.width()


def _shot(window: QWidget, size: tuple[int, int], name: str) -> None:
    """With KIOSK_SCREENSHOTS=1, the screen as the clerk sees it into docs/screenshots
    (``make screenshots`` makes the same pictures through tools/inquiry_screenshots.py)."""
    if os.environ.get("KIOSK_SCREENSHOTS") != "1":
        return
    folder = SHOTS if size == (1366, 768) else SHOTS / f"{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(folder / f"{name}.png"))


def _pln_to_payment(qtbot, sales) -> None:
    type_number(qtbot, sales, METER)
    assert sales.grid.kind is ProductKind.PLN  # an 11-digit id is PLN's
    pick(qtbot, sales, 1)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == PAYMENT


def _name_label(sales) -> QLabel:
    return sales.inquiry.rows[0][0]


@pytest.mark.parametrize("size", SIZES)
def test_pln_name_and_daya_large_before_payment(qtbot, window, sales, connected, kiosk,
                                               size) -> None:
    window.fit_to(QRect(0, 0, *size))
    qtbot.waitUntil(lambda: window.width() <= size[0] and window.height() <= size[1],
                    timeout=3000)
    sales.inquiry.client_factory = lambda: connected
    expected = connected.inquiry("PLN20", METER)
    kiosk.db.forbid_thread(threading.get_ident())  # the check runs off the GUI thread
    try:
        _pln_to_payment(qtbot, sales)
        name, detail = sales.inquiry.rows[0]
        qtbot.waitUntil(lambda: name.text() == expected.name, timeout=5000)
    finally:
        kiosk.db.forbid_thread(None)
    assert kiosk.db.ui_thread_violations == 0
    assert detail.text() == f"Daya {expected.segment_power}" and detail.isVisible()
    assert name.font().pointSize() > LARGE_PT  # larger than the cart's and totals' text
    assert sales.payment.cash.hasFocus()  # the clerk types the cash while the name shows
    qtbot.wait(50)
    _shot(window, size, "sales-inquiry")
    for widget in (sales.inquiry, name, detail, sales.payment.save, sales.payment.change):
        assert _inside(widget, window), widget
    assert _whole(name) and _whole(detail)
    with qtbot.waitSignal(sales.sale_done, timeout=5000):
        pay_cash(qtbot, sales, "50000")


def test_ewallet_account_name_is_shown(qtbot, window, sales, connected) -> None:
    sales.inquiry.client_factory = lambda: connected
    expected = connected.inquiry("DANA20", "081234567890")
    type_number(qtbot, sales, "0812 3456 7890")
    sales.choose_kind(ProductKind.EWALLET)
    dana20 = next(i for i, p in enumerate(sales.grid.products) if p.sku == "DANA20")
    sales.grid.select(dana20)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    assert sales.stack.currentIndex() == PAYMENT
    qtbot.waitUntil(lambda: _name_label(sales).text() == expected.name, timeout=5000)
    assert not sales.inquiry.rows[0][1].isVisible()  # no daya for an e-wallet


@pytest.mark.parametrize("size", SIZES)
def test_offline_the_clerk_is_told_and_may_go_on(qtbot, window, sales, kiosk, size) -> None:
    window.fit_to(QRect(0, 0, *size))
    qtbot.waitUntil(lambda: window.width() <= size[0] and window.height() <= size[1],
                    timeout=3000)
    offline = DistributorClient(f"http://127.0.0.1:{_closed_port()}", 1, "x")
    sales.inquiry.client_factory = lambda: offline
    _pln_to_payment(qtbot, sales)
    name, detail = sales.inquiry.rows[0]
    qtbot.waitUntil(lambda: name.text() == UNCHECKED, timeout=10000)
    assert detail.text() and detail.isVisible()  # why: the distributor is not reachable
    qtbot.wait(50)
    _shot(window, size, "sales-inquiry-offline")
    assert _inside(name, window) and _whole(name) and _whole(detail)
    assert sales.payment.save.isEnabled()
    with qtbot.waitSignal(sales.sale_done, timeout=5000) as saved:
        pay_cash(qtbot, sales, "50000")
    assert saved.args[0].lines[0].destination == METER
    offline.close()


def test_not_connected_and_not_found_are_said_in_the_clerks_language(
        qtbot, window, sales, connected) -> None:
    _pln_to_payment(qtbot, sales)  # no client: a kiosk never connected
    qtbot.waitUntil(lambda: _name_label(sales).text() == UNCHECKED, timeout=5000)
    assert "belum tersambung" in sales.inquiry.rows[0][1].text()
    qtbot.keyClick(sales.payment.cash, Qt.Key.Key_Escape)  # back, empty the cart
    sales.cart.clear()
    sales.inquiry.client_factory = lambda: connected
    type_number(qtbot, sales, "52345678902")  # the simulator knows no such customer
    pick(qtbot, sales, 1)
    qtbot.keyClick(sales.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _name_label(sales).text().startswith("ID tidak ditemukan"),
                    timeout=5000)
    assert len([r for r in sales.inquiry.rows if r[0].isVisible()]) == 1  # the old line gone
    window.set_language("en")
    assert _name_label(sales).text() == "ID not found — check the number"


def test_pulsa_has_no_name_check(qtbot, window, sales, connected) -> None:
    sales.inquiry.client_factory = lambda: connected
    to_payment(qtbot, sales, TSEL_NUMBER, 1)
    assert not sales.inquiry.isVisible() and sales.inquiry.results == {}


def test_two_meters_in_one_cart_each_get_their_name(qtbot, window, sales, connected) -> None:
    sales.inquiry.client_factory = lambda: connected
    names = {m: connected.inquiry("PLN20", m).name for m in (METER, "52345678905")}
    for meter in names:
        type_number(qtbot, sales, meter)
        sales.grid.select(0)
        sales.add_selected()  # into the cart, the name asked at once
    sales.open_payment()
    rows = [name for name, _detail in sales.inquiry.rows[:2]]
    qtbot.waitUntil(lambda: all(not r.text().endswith("…") for r in rows), timeout=5000)
    assert [r.text() for r in rows] == [f"5234-5678-901: {names[METER]}",
                                        f"5234-5678-905: {names['52345678905']}"]
    assert not sales.inquiry.rows[2][0].isVisible()
