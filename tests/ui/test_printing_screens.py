"""The receipt preview and the printer settings screen, driven with pytest-qt.

``KIOSK_POS_SCREENSHOTS=1`` refreshes docs/screenshots/receipt-preview.png and
printer-settings.png.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk_pos.printing import receipt_from_sale
from kiosk_pos.printing.connections import PrinterError
from kiosk_pos.printing.escpos_render import drawer_kick_bytes
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from kiosk_pos.ui.printer_settings import ORDER, PrinterSettingsWidget
from kiosk_pos.ui.receipt_preview import ReceiptPreview
from tests.aids.decode import decode_escpos
from tests.aids.fake_printer import FakeNetworkPrinter, closed_port
from tests.aids.samples import KIOSK, MIXED, PLN

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REFRESH = os.environ.get("KIOSK_POS_SCREENSHOTS") == "1"
UNREACHABLE = "Printer tidak terjangkau — cetak ulang dari riwayat."


def shot(widget, name: str, tmp_path: Path) -> Path:
    target = (SCREENSHOTS if REFRESH else tmp_path) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    widget.resize(widget.size().expandedTo(widget.minimumSizeHint()))
    QApplication.processEvents()  # let the layout settle before grabbing
    assert widget.grab().save(str(target))
    return target


class Store:
    """Stands in for the app's key/value settings store."""

    def __init__(self, data: dict | None = None) -> None:
        self.data = data
        self.saves = 0

    def load(self) -> dict | None:
        return self.data

    def save(self, data: dict) -> None:
        self.data = dict(data)
        self.saves += 1


def test_preview_shows_the_printed_rows_at_both_widths(qtbot, themed, tmp_path):
    printed: list[tuple[object, int]] = []
    saved: list[int] = []
    preview = ReceiptPreview(receipt_from_sale(MIXED, KIOSK),
                             on_print=lambda doc, width: printed.append((doc, width)),
                             on_save_pdf=lambda doc, width: saved.append(width))
    qtbot.addWidget(preview)
    preview.resize(520, 900)
    preview.show()
    lines = preview.text().splitlines()
    assert "STRUK PEMBELIAN" in preview.text() and max(map(len, lines)) == 32
    qtbot.mouseClick(preview.width_buttons.button(80), Qt.MouseButton.LeftButton)
    assert preview.paper_width() == 80
    assert max(map(len, preview.text().splitlines())) == 48
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert printed == [(preview.document(), 80)]
    assert preview.message.text() == "Struk dikirim ke printer."
    qtbot.mouseClick(preview.pdf_button, Qt.MouseButton.LeftButton)
    assert saved == [80] and preview.message.text() == "PDF tersimpan."
    preview.set_paper_width(58)
    preview.set_document(receipt_from_sale(PLN, KIOSK))
    assert "1234-5678-9012-3456-7890" in preview.text()
    assert shot(preview, "receipt-preview.png", tmp_path).stat().st_size > 5_000


def test_preview_shows_a_printer_problem_as_a_sentence(qtbot):
    def refuse(doc, width):
        raise PrinterError(UNREACHABLE)

    preview = ReceiptPreview(receipt_from_sale(MIXED, KIOSK), on_print=refuse)
    qtbot.addWidget(preview)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert preview.message.text() == UNREACHABLE
    assert not preview.pdf_button.isVisible() and not preview.pdf_button.isEnabled()
    empty = ReceiptPreview()
    qtbot.addWidget(empty)
    assert not empty.print_button.isEnabled()
    assert "Belum ada struk" in empty.text()


def _set_network(widget: PrinterSettingsWidget, port: int, timeout: float = 2.0) -> None:
    widget.connection.setCurrentIndex(ORDER.index(ConnectionType.NETWORK))
    widget.host.setText("127.0.0.1")
    widget.port.setValue(port)
    widget._base = PrinterSettings(timeout=timeout)  # short timeouts in tests


def test_settings_change_save_and_reload(qtbot, print_queue, themed, tmp_path):
    store = Store()
    widget = PrinterSettingsWidget(print_queue, KIOSK, load=store.load, save=store.save,
                                   detect=lambda: {"cups": ["Kasir_58"]})
    qtbot.addWidget(widget)
    widget.resize(760, 900)
    widget.show()
    assert widget.settings() == PrinterSettings()
    assert not widget.test_button.isEnabled()  # nothing to test without a printer
    widget.connection.setCurrentIndex(ORDER.index(ConnectionType.NETWORK))
    assert widget.test_button.isEnabled()
    widget.host.setText("192.168.1.50")
    widget.port.setValue(9101)
    qtbot.mouseClick(widget.width_group.button(80), Qt.MouseButton.LeftButton)
    widget.copies.setValue(2)
    assert widget.result_wait.value() == 15 and widget.result_wait.isEnabled()
    widget.result_wait.setValue(30)
    widget.auto_print.setChecked(False)
    assert not widget.result_wait.isEnabled()  # only means something with auto-print on
    widget.drawer.setChecked(False)
    with qtbot.waitSignal(widget.saved, timeout=2000) as blocker:
        qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)
    expected = PrinterSettings(connection=ConnectionType.NETWORK, host="192.168.1.50",
                               port=9101, paper_width=80, copies=2, auto_print=False,
                               open_drawer_on_cash=False, result_wait=30.0)
    assert blocker.args == [expected]
    assert store.saves == 1 and PrinterSettings.from_dict(store.data) == expected
    assert widget.message.text() == "Pengaturan printer tersimpan."
    shot(widget, "printer-settings.png", tmp_path)

    again = PrinterSettingsWidget(print_queue, KIOSK, load=store.load, save=store.save)
    qtbot.addWidget(again)
    assert again.settings() == expected
    assert again.host.text() == "192.168.1.50" and again.width_group.checkedId() == 80


def test_other_connections_round_trip(qtbot, print_queue):
    for settings in (
        PrinterSettings(connection=ConnectionType.USB, usb_vendor=0x0416, usb_product=0x5011),
        PrinterSettings(connection=ConnectionType.SERIAL, serial_port="/dev/rfcomm0",
                        baudrate=115200),
        PrinterSettings(connection=ConnectionType.CUPS, queue_name="Kasir_58"),
        PrinterSettings(connection=ConnectionType.FILE, file_path="/dev/usb/lp0"),
    ):
        store = Store(settings.to_dict())
        widget = PrinterSettingsWidget(print_queue, KIOSK, load=store.load, save=store.save)
        qtbot.addWidget(widget)
        assert widget.settings() == settings
        assert widget.save() and PrinterSettings.from_dict(store.data) == settings


def test_bad_stored_settings_and_failing_store_are_sentences(qtbot, print_queue):
    def broken_load() -> dict:
        raise OSError("disk")

    def broken_save(data: dict) -> None:
        raise OSError("disk full")

    widget = PrinterSettingsWidget(print_queue, KIOSK, load=broken_load, save=broken_save)
    qtbot.addWidget(widget)
    assert "pengaturan bawaan" in widget.message.text()
    assert not widget.save()
    assert widget.message.text() == "Pengaturan tidak bisa disimpan: disk full"
    widget.connection.setCurrentIndex(ORDER.index(ConnectionType.USB))
    widget.usb_device.setEditText("printer")
    assert not widget.save() and "vendor:produk" in widget.message.text()


def test_test_print_reaches_a_lan_printer(qtbot, print_queue):
    store = Store()
    widget = PrinterSettingsWidget(print_queue, KIOSK, load=store.load, save=store.save)
    qtbot.addWidget(widget)
    with FakeNetworkPrinter() as printer:
        _set_network(widget, printer.port)
        qtbot.mouseClick(widget.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: widget.message.text() == "Cetak uji terkirim ke printer.",
                        timeout=5000)
        assert printer.wait_for_jobs(1, timeout=5)
        decoded = decode_escpos(printer.jobs[0])
        assert "CETAK UJI" in decoded.text and decoded.cuts == 1
        assert all(row.width <= 32 for row in decoded.rows)
        qtbot.mouseClick(widget.drawer_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: widget.message.text() == "Perintah buka laci terkirim.",
                        timeout=5000)
        assert printer.wait_for_jobs(2, timeout=5)
        assert printer.jobs[1] == drawer_kick_bytes()
    assert store.saves == 0  # testing does not save


def test_unreachable_printer_shows_the_sentence_without_freezing(qtbot, print_queue):
    widget = PrinterSettingsWidget(print_queue, KIOSK, load=lambda: None, save=lambda d: None)
    qtbot.addWidget(widget)
    _set_network(widget, closed_port())
    qtbot.mouseClick(widget.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.message.text() == UNREACHABLE, timeout=5000)
    failed = print_queue.failed()
    assert len(failed) == 1 and failed[0].error == UNREACHABLE


def test_stalled_printer_never_blocks_the_screen(qtbot, print_queue):
    widget = PrinterSettingsWidget(print_queue, KIOSK, load=lambda: None, save=lambda d: None)
    qtbot.addWidget(widget)
    with FakeNetworkPrinter(mode="stall") as printer:
        _set_network(widget, printer.port, timeout=1.0)
        started = time.monotonic()
        qtbot.mouseClick(widget.test_button, Qt.MouseButton.LeftButton)
        assert time.monotonic() - started < 0.3
        assert widget.message.text() == "Mengirim ke printer…"
        qtbot.waitUntil(lambda: "Printer tidak menjawab" in widget.message.text(), timeout=5000)


def test_detected_devices_fill_the_lists(qtbot, print_queue):
    found = {"usb": ["0416:5011 Winbond POS58"], "serial": ["/dev/ttyUSB0"],
             "cups": ["Kasir_58", "Gudang_80"], "windows": []}
    widget = PrinterSettingsWidget(print_queue, KIOSK, load=lambda: None, save=lambda d: None,
                                   detect=lambda: found)
    qtbot.addWidget(widget)
    qtbot.mouseClick(widget.detect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.message.text().startswith("Ditemukan"), timeout=5000)
    assert widget.message.text() == ("Ditemukan: 1 USB, 1 serial, 2 antrean CUPS, "
                                      "0 printer Windows.")
    assert [widget.cups_queue.itemText(i) for i in range(2)] == ["Kasir_58", "Gudang_80"]
    widget.connection.setCurrentIndex(ORDER.index(ConnectionType.USB))
    assert widget.settings().usb_vendor == 0x0416 and widget.settings().usb_product == 0x5011


@pytest.mark.parametrize("width", [58, 80])
def test_preview_follows_the_language(qtbot, width):
    from kiosk_pos import i18n

    i18n.set_language("en")
    preview = ReceiptPreview(receipt_from_sale(MIXED, KIOSK), paper_width=width)
    qtbot.addWidget(preview)
    assert "SALES RECEIPT" in preview.text()
    assert preview.print_button.text() == "Print"
