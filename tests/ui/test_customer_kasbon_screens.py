"""The owner's customer and kasbon screens driven through their real widgets: add a customer
with a credit limit, find them by name or by part of their number, see who owes (oldest debt
first) and the total owed; on a customer's page the statement, a cash payment, a refused
overpayment, a correction that needs its reason, and the WhatsApp text; the tools menu
offers the screen to the owner only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, Role, User
from kiosk_pos.session import AppSession
from kiosk_pos.ui.customer_view import CustomerView
from kiosk_pos.ui.kasbon_view import KasbonView
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.tools import ToolDialogs

ROOT = Path(__file__).resolve().parents[2]
KEPT: list[QWidget] = []  # widgets outlive their operations (see test_goods_stock_screens)


@pytest.fixture
def tasks(qtbot):
    manager = TaskManager()
    yield manager
    qtbot.waitUntil(lambda: not manager.busy, timeout=5000)
    manager.shutdown()
    for pool in manager._pools.values():
        pool.shutdown(wait=True)
    KEPT.clear()


def owner_of(kiosk) -> User:
    return next(u for u in kiosk.users.list() if u.role is Role.OWNER)


def shown(view, qtbot):
    KEPT.append(view)
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    return view


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def on_kasbon(kiosk, clerk, customer_id: int, sku: str = "ACC-TG", qty: int = 1) -> int:
    sale = kiosk.sales.sell(clerk, [CartLine(sku, qty)],
                            Payment(PaymentMethod.KASBON, customer_id=customer_id))
    return sale.total


def test_owner_adds_finds_and_edits_a_customer(qtbot, kiosk, tasks):
    view = shown(CustomerView(kiosk, owner_of(kiosk), tasks), qtbot)
    view.name.setText("Bu Sari")
    view.phone.setText("0812-3456-7890")
    view.limit.setText("200.000")
    view.note.setText("warung sebelah")
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    sari = kiosk.customers.search("sari")[0]
    assert (sari.phone, sari.credit_limit, sari.note) == ("081234567890", 200_000,
                                                          "warung sebelah")
    assert view.account_button.isEnabled()
    view.clear_form()
    view.name.setText("Pak Budi")
    view.phone.setText("081234567890")  # Bu Sari's: refused, naming her
    view.save_button.click()
    qtbot.waitUntil(lambda: "Bu Sari" in view.status.text(), timeout=5000)
    assert len(kiosk.customers.search("")) == 1

    view.search.setText("3456")  # part of the number finds her
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.search.returnPressed.emit()
    assert view.table.rowCount() == 1 and cells(view.table, 0)[1] == "Bu Sari"
    assert cells(view.table, 0)[3] == "Rp200.000"
    view.table.selectRow(0)
    assert view.name.text() == "Bu Sari" and view.limit.text() == "200000"
    view.limit.setText("50000")
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_button.click()
    assert kiosk.customers.get(sari.id).credit_limit == 50_000
    view.limit.setText("lima puluh")
    view.save_button.click()
    qtbot.waitUntil(lambda: "lima puluh" in view.status.text(), timeout=5000)
    assert kiosk.customers.get(sari.id).credit_limit == 50_000


def test_who_owes_oldest_first_with_the_total(qtbot, kiosk, clerk, tasks):
    owner = owner_of(kiosk)
    first = kiosk.customers.add(owner, "Ani", None, None, 500_000)
    second = kiosk.customers.add(owner, "Bayu", None, None, 500_000)
    kiosk.customers.add(owner, "Citra", None, None, 0)
    owed = on_kasbon(kiosk, clerk, second.id) + on_kasbon(kiosk, clerk, first.id, "ACC-CBL")
    view = shown(CustomerView(kiosk, owner, tasks), qtbot)
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=5000)
    assert f"Rp{owed:,}".replace(",", ".") in view.owed.text() and "2 orang" in view.owed.text()
    with qtbot.waitSignal(view.listed, timeout=5000):
        view.debtors_button.click()
    assert [cells(view.table, r)[1] for r in range(view.table.rowCount())] == ["Bayu", "Ani"]
    assert cells(view.table, 0)[5] == "0 hari"


def test_kasbon_page_pays_refuses_and_corrects(qtbot, kiosk, clerk, tasks, tmp_path):
    owner = owner_of(kiosk)
    sari = kiosk.customers.add(owner, "Bu Sari", "081234567890", None, 200_000)
    owed = on_kasbon(kiosk, clerk, sari.id, "ACC-TG", 2)
    pdf = tmp_path / "sari.pdf"
    view = shown(KasbonView(kiosk, owner, tasks, sari.id, choose_path=lambda _s: str(pdf)),
                 qtbot)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    assert "Bu Sari" in view.title.text()
    assert f"Rp{owed:,}".replace(",", ".") in view.owed.text()
    assert cells(view.table, 0)[1].startswith("Belanja #")

    view.pay_amount.setText(str(owed + 1000))  # more than the debt
    view.pay_button.click()
    qtbot.waitUntil(lambda: "lebih besar" in view.status.text(), timeout=5000)
    assert kiosk.kasbon.balance(sari.id) == owed

    view.pay_amount.setText("10.000")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.pay_button.click()
    assert kiosk.kasbon.balance(sari.id) == owed - 10_000
    assert view.table.rowCount() == 2 and cells(view.table, 1)[1] == "Bayar (Tunai)"
    assert cells(view.table, 1)[3] == f"Rp{owed - 10_000:,}".replace(",", ".")

    view.fix_amount.setText("-2.000")
    view.fix_button.click()  # no reason
    qtbot.waitUntil(lambda: "alasan" in view.status.text().lower(), timeout=5000)
    view.fix_reason.setText("diskon langganan")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.fix_button.click()
    assert kiosk.kasbon.balance(sari.id) == owed - 12_000
    assert cells(view.table, 2)[1] == "Koreksi - diskon langganan"
    rows = kiosk.kasbon.statement(sari.id).entries
    assert sum(e.amount for e in rows) == kiosk.kasbon.balance(sari.id)

    view.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert "Bu Sari" in text and f"Rp{owed - 12_000:,}".replace(",", ".") in text
    view.pdf_button.click()
    qtbot.waitUntil(lambda: "tersimpan" in view.status.text(), timeout=10000)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_tools_menu_offers_customers_to_the_owner_only(qtbot, kiosk, clerk, tasks):
    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    window = QWidget()
    KEPT.append(window)
    qtbot.addWidget(window)

    def tools(user: User) -> ToolDialogs:
        return ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: user,
                           paper_width_changed=lambda _w: None, close_app=lambda: None)

    assert "Pelanggan & kasbon" not in [t for t, _ in tools(clerk).actions()]
    owner = owner_of(kiosk)
    sari = kiosk.customers.add(owner, "Bu Sari", None, None, 100_000)
    entries = dict(tools(owner).actions())
    entries["Pelanggan & kasbon"]()
    qtbot.waitUntil(lambda: bool(window.findChildren(CustomerView)), timeout=5000)
    view = window.findChildren(CustomerView)[0]
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    view.account_button.click()
    qtbot.waitUntil(lambda: bool(window.findChildren(KasbonView)), timeout=5000)
    page = window.findChildren(KasbonView)[0]
    assert page.customer_id == sari.id
    qtbot.waitUntil(lambda: page.statement is not None, timeout=5000)


def test_customer_texts_in_both_languages():
    ids = json.loads((ROOT / "resources/locale/customers.id.json").read_text())
    ens = json.loads((ROOT / "resources/locale/customers.en.json").read_text())
    assert set(ids) == set(ens)
    used: set[str] = set()
    for name in ("customer_view.py", "kasbon_view.py", "customer_picker.py"):
        used |= set(re.findall(r"tr\(f?['\"]((?:customers|kasbon|picker)\.[a-z_.]+)['\"]",
                               (ROOT / "kiosk_pos/ui" / name).read_text()))
    assert used and not used - set(ids) - {"kasbon.kind."}
