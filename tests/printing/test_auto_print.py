"""Auto-print waits for the top-up's result: an instant success prints once with its SN, a
PLN top-up that stays pending prints DIPROSES at the deadline and again with its token, a
failure prints as failed, goods print at once, and no printer is said, not silent.

The sync runs for real (HTTP to the embedded distributor and its simulator); the deadline
is a timer the test fires, so nothing depends on sleeping."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from kiosk_pos.core.events import NOTICE
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.printing.receipt_printer import ReceiptPrinter, save_settings
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from kiosk_pos.sync.service import SyncService
from tests.aids.decode import decode_escpos
from tests.aids.fake_printer import FakeNetworkPrinter
from tests.aids.waiting import wait_for


class ManualTimers:
    """Timers that fire when the test says so."""

    def __init__(self) -> None:
        self.armed: list[tuple[float, Callable[[], None], list[bool]]] = []

    def __call__(self, seconds: float, callback: Callable[[], None]) -> object:
        state = [False]  # cancelled
        entry = (seconds, callback, state)

        class Timer:
            def start(self) -> None:
                timers.armed.append(entry)

            def cancel(self) -> None:
                state[0] = True

        timers = self
        return Timer()

    def fire_first(self) -> None:
        seconds, callback, cancelled = self.armed.pop(0)
        assert not cancelled[0], "the deadline was already cancelled"
        callback()


@pytest.fixture
def counter(shop) -> Iterator[tuple]:
    printer = FakeNetworkPrinter().start()
    save_settings(shop.kiosk, PrinterSettings(connection=ConnectionType.NETWORK,
                                              host="127.0.0.1", port=printer.port, timeout=2.0),
                  shop.kiosk.users.authenticate("9999"))
    receipts = ReceiptPrinter(shop.kiosk)
    timers = ManualTimers()
    detach = receipts.attach(timer=timers)
    sync = SyncService(shop.kiosk, shop.cfg.client(), poll_wait=1)
    sync.start()
    try:
        yield shop, printer, timers
    finally:
        sync.stop()
        detach()
        receipts.close()
        printer.stop()


def receipt_text(data: bytes) -> str:
    return "\n".join(row.text for row in decode_escpos(data).rows)


def test_an_instant_success_prints_once_with_its_sn(counter):
    shop, printer, timers = counter
    ref = shop.sell("081234567890")
    assert printer.wait_for_jobs(1, timeout=20)
    text = receipt_text(printer.jobs[0])
    assert ref[:8] in text and "SN" in text and "DIPROSES" not in text
    assert timers.armed and timers.armed[0][2][0]  # its deadline was cancelled
    assert len(printer.jobs) == 1


def test_a_pending_pln_prints_pending_then_its_token(counter):
    shop, printer, timers = counter
    shop.sell("12345678903", sku="PLN20")  # the simulator keeps ...3 pending for a while
    wait_for(lambda: timers.armed, 10, what="the receipt to wait for the result")
    timers.fire_first()  # the wait is over: print what there is
    assert printer.wait_for_jobs(1, timeout=20)
    assert "DIPROSES" in receipt_text(printer.jobs[0])
    assert printer.wait_for_jobs(2, timeout=30)  # the result came: printed again
    token = receipt_text(printer.jobs[1])
    assert "DIPROSES" not in token
    assert re.search(r"\d{4}-\d{4}-\d{4}-\d{4}-\d{4}|\d{4} \d{4} \d{4} \d{4} \d{4}", token)


def test_a_failure_prints_as_failed(counter):
    shop, printer, _ = counter
    shop.sell("081234567892")  # ends in 2: the simulator fails it at once
    assert printer.wait_for_jobs(1, timeout=20)
    text = receipt_text(printer.jobs[0])
    assert "GAGAL" in text and "DIPROSES" not in text


def test_goods_print_at_once(counter):
    shop, printer, timers = counter
    shop.kiosk.sales.sell(shop.clerk, [CartLine("ACC-TG", 1)], Payment(cash_given=50_000))
    assert printer.wait_for_jobs(1, timeout=10)
    assert not timers.armed


def test_auto_print_without_a_printer_says_so(kiosk):
    receipts = ReceiptPrinter(kiosk)
    notices: list[str] = []
    kiosk.events.register(NOTICE, notices.append)
    detach = receipts.attach()
    clerk = kiosk.users.authenticate("1111")
    sale = kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment(cash_given=50_000))
    assert notices == [f"Struk #{sale.id} tidak tercetak: belum ada printer. Atur di Alat → "
                       "Printer, lalu cetak ulang dari Riwayat."]
    kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment(cash_given=50_000))
    assert len(notices) == 1  # said once, not at every sale of a shop without a printer
    detach()
    receipts.close()
