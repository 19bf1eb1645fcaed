"""The screen never touches the database on the GUI thread: every read, write and PIN
check goes through an operation. The store counts (and refuses) any access from the GUI
thread once the app forbids it, as the real app does after building its window."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from kiosk_pos import i18n
from kiosk_pos.store.database import UIThreadAccess
from tests.ui.helpers import TSEL_NUMBER, pay_cash, to_payment


@pytest.fixture
def guarded(window, kiosk):
    kiosk.db.forbid_thread(threading.get_ident())
    yield window
    kiosk.db.forbid_thread(None)


def test_the_guard_refuses_the_gui_thread(guarded, kiosk):
    with pytest.raises(UIThreadAccess):
        kiosk.deposit.balance()
    assert kiosk.db.ui_thread_violations == 1
    kiosk.db.ui_thread_violations = 0


def test_login_sale_history_report_and_language_stay_off_the_gui_thread(qtbot, guarded,
                                                                         kiosk):
    window = guarded
    for key in "1111":
        qtbot.mouseClick(window.login.keys[key], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        qtbot.mouseClick(window.login.keys["ok"], Qt.MouseButton.LeftButton)
    assert window.status.deposit.text() == "Deposit: Rp5.000.000"

    sales = window.sales
    to_payment(qtbot, sales, TSEL_NUMBER, 2)
    with qtbot.waitSignal(sales.sale_done, timeout=5000) as saved:
        pay_cash(qtbot, sales, "20000")
    sale = saved.args[0]
    qtbot.waitUntil(lambda: sales.recent.model.rowCount() == 1, timeout=3000)
    qtbot.waitUntil(lambda: window.status.queue.text() == "Antrean kirim: 1", timeout=3000)

    with qtbot.waitSignal(window.history.loaded, timeout=5000):
        window.show_page(1)
    assert window.history.model.data(window.history.model.index(0, 1)) == str(sale.id)
    window.show_page(2)
    qtbot.waitUntil(lambda: window.report.figures["count"][1].text() == "1", timeout=5000)
    window.language.setCurrentIndex(i18n.LANGUAGES.index("en"))
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    window.lock.click()
    assert kiosk.db.ui_thread_violations == 0

    kiosk.db.forbid_thread(None)
    assert kiosk.settings.get("ui.language") == "en"
    assert kiosk.sales.get(sale.id).total == 12_000


def test_a_new_price_list_is_read_again_off_the_gui_thread(qtbot, sales, guarded, kiosk):
    from kiosk_pos.core.events import CATALOG_CHANGED

    kiosk.catalog.invalidate()  # what the price-list sync does, on its own thread
    thread = threading.Thread(target=kiosk.events.trigger, args=(CATALOG_CHANGED,))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: kiosk.catalog._catalog is not None, timeout=5000)  # noqa: SLF001
    qtbot.keyClicks(sales.number, TSEL_NUMBER)
    assert sales.badge.text() == "Telkomsel"
    assert kiosk.db.ui_thread_violations == 0


def test_an_operation_after_shutdown_is_not_started_and_raises_nothing(qtbot):
    """A late event while the app closes (a price list arriving) starts no work and puts
    no traceback in the event loop."""
    from kiosk_pos.ui.operations import QueryOp
    from kiosk_pos.ui.tasks import TaskManager

    tasks = TaskManager()
    tasks.shutdown()
    ran: list[int] = []
    future = QueryOp(None, lambda: ran.append(1)).run(tasks)
    assert future.cancelled() and ran == [] and not tasks.busy
