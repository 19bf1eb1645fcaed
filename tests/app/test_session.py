"""A whole counter session as `make run` wires it: the window over the demo session."""

import pytest

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, TopUpStatus
from kiosk_pos.i18n import set_language
from kiosk_pos.printing.receipt_printer import save_settings
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from kiosk_pos.session import AppSession
from kiosk_pos.ui.main_window import MainWindow
from kiosk_pos.ui.tasks import TaskManager
from tests.aids.fake_printer import closed_port


@pytest.fixture
def session(qtbot, tmp_path):
    set_language("id")
    run = AppSession.open(tmp_path, demo=True, verify=False, backups=False)
    clerk = run.kiosk.users.authenticate("1111")
    window = MainWindow(run.kiosk, TaskManager(), session=run)
    qtbot.addWidget(window)
    window.start_session(clerk)
    window.show()
    run.start()
    assert run.started.wait(30)
    yield run.kiosk, window, run
    window.close()
    run.stop()


def status_of(kiosk: Kiosk, ref_id: str) -> TopUpStatus:
    return kiosk.sales.by_ref_id(ref_id).lines[0].topup.status


def test_demo_top_ups_complete_and_fail_as_the_simulator_says(qtbot, session):
    kiosk, window, _ = session
    clerk = kiosk.users.authenticate("1111")
    ok = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    bad = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567892")], Payment())
    ok_ref, bad_ref = ok.lines[0].topup.ref_id, bad.lines[0].topup.ref_id
    qtbot.waitUntil(lambda: status_of(kiosk, ok_ref) is TopUpStatus.SUCCESS, timeout=30_000)
    qtbot.waitUntil(lambda: status_of(kiosk, bad_ref) is TopUpStatus.FAILED, timeout=30_000)
    assert kiosk.sales.by_ref_id(ok_ref).lines[0].topup.sn
    # the clerk is told to hand the money back, with the amount and the number
    qtbot.waitUntil(lambda: any("081234567892" in t for t in window.notices.texts()),
                    timeout=10_000)
    assert any("Rp12.000" in t for t in window.notices.texts())
    assert kiosk.sales.queue_length() == 0


def test_a_dead_printer_tells_the_clerk_and_the_sale_stays(qtbot, session):
    kiosk, window, run = session
    save_settings(kiosk, PrinterSettings(connection=ConnectionType.NETWORK, host="127.0.0.1",
                                         port=closed_port(), timeout=1.0),
                  kiosk.users.authenticate("9999"))
    run.printer.reload()
    # auto-print comes from the core's saved-sale event, not from the screen
    sale = kiosk.sales.sell(kiosk.users.authenticate("1111"), [CartLine("ACC-TG", 1)],
                            Payment())
    qtbot.waitUntil(lambda: any("cetak ulang" in t for t in window.notices.texts()),
                    timeout=15_000)
    assert kiosk.sales.get(sale.id).total == sale.total
    assert run.printer.failed()


def test_reprint_without_a_printer_says_how_to_set_one_up(qtbot, session):
    kiosk, window, _ = session
    sale = kiosk.sales.sell(kiosk.users.authenticate("1111"), [CartLine("ACC-TG", 1)], Payment())
    window._reprint(sale.id)
    qtbot.waitUntil(lambda: any("Printer" in t for t in window.notices.texts()), timeout=5_000)


def test_a_saved_sale_reaches_the_recent_list_once(qtbot, session):
    kiosk, window, _ = session
    added = []
    original = window.sales.recent.add_sale
    window.sales.recent.add_sale = lambda sale: (added.append(sale.id), original(sale))
    kiosk.sales.sell(kiosk.users.authenticate("1111"), [CartLine("ACC-TG", 1)], Payment())
    qtbot.waitUntil(lambda: len(added) > 0, timeout=5_000)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5_000)
    assert len(added) == 1
