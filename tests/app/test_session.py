"""A whole counter session as `make run` wires it: window, demo distributor, printer."""

import pytest

from kiosk_pos.core.i18n import set_language
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, TopUpStatus
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.printing.fake_printer import closed_port
from kiosk_pos.printing.receipt_printer import save_settings
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from kiosk_pos.ui.main_window import MainWindow
from kiosk_pos.ui.session_services import AppServices
from kiosk_pos.ui.tasks import TaskManager


@pytest.fixture
def session(qtbot, tmp_path):
    set_language("id")
    kiosk = init_kiosk(tmp_path, "Konter Demo", "9999", demo=True)
    services = AppServices(kiosk, tmp_path, demo=True)
    extras = services.extras()
    window = MainWindow(kiosk, TaskManager(), on_sale_saved=extras.print_receipt,
                        on_reprint=extras.reprint, extra_actions=extras.menu_actions)
    qtbot.addWidget(window)
    services.bind(window)
    window.start_session(kiosk.users.authenticate("1111"))
    window.show()
    stop = extras.start_background(kiosk)
    yield kiosk, window, services
    stop()
    kiosk.close()


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
    kiosk, window, services = session
    save_settings(kiosk, PrinterSettings(connection=ConnectionType.NETWORK, host="127.0.0.1",
                                         port=closed_port(), timeout=1.0))
    services.printer.reload()
    sale = kiosk.sales.sell(kiosk.users.authenticate("1111"),
                            [CartLine("ACC-TG", 1)], Payment())
    window._sale_done(sale)  # what the sales screen does after "saved"
    qtbot.waitUntil(lambda: any("cetak ulang" in t for t in window.notices.texts()),
                    timeout=15_000)
    assert kiosk.sales.get(sale.id).total == sale.total
    assert services.printer.failed()


def test_reprint_without_a_printer_says_how_to_set_one_up(qtbot, session):
    kiosk, window, services = session
    sale = kiosk.sales.sell(kiosk.users.authenticate("1111"), [CartLine("ACC-TG", 1)], Payment())
    services.reprint(sale.id)
    qtbot.waitUntil(lambda: any("Printer" in t for t in window.notices.texts()), timeout=5_000)


def test_a_service_that_starts_after_the_window_closed_is_stopped(qtbot, session):
    _, _, services = session
    services.stop()
    stopped = []
    services._add_stop(lambda: stopped.append(True))
    assert stopped == [True]
