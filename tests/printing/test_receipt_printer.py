"""Receipts for real sales: auto-print, a dead or stalled printer, reprint, the CLI."""

import subprocess
import sys

import pytest

from kiosk_pos.cli import main
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.printing.receipt_printer import ReceiptPrinter, load_settings, save_settings
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from tests.aids.decode import decode_escpos
from tests.aids.fake_printer import FakeNetworkPrinter, closed_port


def use_lan_printer(kiosk, port, **extra):
    extra.setdefault("timeout", 1.0)
    save_settings(kiosk, PrinterSettings(connection=ConnectionType.NETWORK, host="127.0.0.1",
                                         port=port, **extra), kiosk.users.authenticate("9999"))


def printed(data: bytes) -> list[str]:
    return [row.text for row in decode_escpos(data).rows]


def sell(kiosk):
    clerk = kiosk.users.authenticate("1111")
    return kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")],
                            Payment(cash_given=20_000))


def sell_goods(kiosk):
    """Goods only: the receipt prints at once (a top-up's waits for its result, see
    test_auto_print.py)."""
    clerk = kiosk.users.authenticate("1111")
    return kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment(cash_given=20_000))


def test_settings_persist_in_the_kiosk(kiosk):
    use_lan_printer(kiosk, 9100, paper_width=80, copies=2)
    again = load_settings(kiosk)
    assert (again.connection, again.paper_width, again.copies) == (ConnectionType.NETWORK, 80, 2)


def test_auto_print_sends_the_receipt_after_the_sale(kiosk):
    with FakeNetworkPrinter() as printer:
        use_lan_printer(kiosk, printer.port)
        receipts = ReceiptPrinter(kiosk)
        receipts.attach()
        sale = sell_goods(kiosk)
        assert printer.wait_for_jobs(1, timeout=10)
        text = "\n".join(printed(printer.jobs[0]))
        assert f"#{sale.id}" in text and "Tempered Glass" in text and "Rp15.000" in text
        receipts.close()


def test_a_stalled_printer_neither_delays_nor_loses_the_sale(kiosk):
    printer = FakeNetworkPrinter(mode="stall").start()  # accepts, never answers, until stopped
    use_lan_printer(kiosk, printer.port, timeout=60.0)
    receipts = ReceiptPrinter(kiosk)
    receipts.attach()
    sale = sell_goods(kiosk)
    # The sale returned while its receipt job cannot have finished: the printer holds it.
    job = receipts.queue.jobs()[0]
    assert not receipts.queue.status(job.job_id).state.finished
    assert kiosk.sales.get(sale.id).total == 15_000
    printer.stop()  # unplugged
    status = receipts.queue.wait(job.job_id, 30)
    assert status.state.value == "failed" and "cetak ulang" in status.error
    assert [f.job_id for f in receipts.failed()] == [job.job_id]
    receipts.close()


def test_failed_job_can_be_retried_when_the_printer_is_back(kiosk):
    port = closed_port()
    use_lan_printer(kiosk, port)
    receipts = ReceiptPrinter(kiosk)
    job = receipts.print_sale(sell(kiosk))
    assert receipts.queue.wait(job, 10).state.value == "failed"
    with FakeNetworkPrinter(port=port) as printer:
        assert receipts.retry(job)
        assert receipts.queue.wait(job, 10).state.value == "done"
        assert printer.wait_for_jobs(1, timeout=10)
    receipts.close()


def test_reprint_is_marked_as_a_copy(kiosk):
    sale = sell(kiosk)
    with FakeNetworkPrinter() as printer:
        use_lan_printer(kiosk, printer.port)
        receipts = ReceiptPrinter(kiosk)
        job = receipts.reprint(sale.id)
        assert receipts.queue.wait(job, 10).state.value == "done"
        assert printer.wait_for_jobs(1, timeout=10)
        assert "SALINAN" in "\n".join(printed(printer.jobs[0]))
        receipts.close()


def test_no_printer_configured_prints_nothing(kiosk):
    receipts = ReceiptPrinter(kiosk)
    receipts.attach()
    assert receipts.print_sale(sell(kiosk)) is None
    receipts.close()


def test_cli_receipt_text_escpos_and_pdf(kiosk, tmp_path, capsys):
    sale = sell(kiosk)
    d = str(kiosk.db.path.parent)
    assert main(["receipt", str(sale.id), "--data-dir", d]) == 0
    text = capsys.readouterr().out
    assert "Rp12.000" in text and "DIPROSES" in text
    assert max(len(line) for line in text.splitlines()) <= 32
    out = tmp_path / "r.bin"
    assert main(["receipt", str(sale.id), "--escpos", str(out), "--width", "80",
                 "--data-dir", d]) == 0
    assert all(len(line) <= 48 for line in printed(out.read_bytes()))
    pdf = tmp_path / "r.pdf"
    assert main(["receipt", str(sale.id), "--pdf", str(pdf), "--data-dir", d]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_cli_print_test_exit_codes(kiosk, capsys):
    d = str(kiosk.db.path.parent)
    assert main(["print-test", "--data-dir", d]) == 2  # no printer set up
    assert "kiosk-pos printer" in capsys.readouterr().err
    assert main(["printer", "--connection", "network", "--host", "127.0.0.1", "--port",
                 str(closed_port()), "--pin", "9999", "--data-dir", d]) == 0
    capsys.readouterr()
    assert main(["print-test", "--data-dir", d]) == 3
    assert "Printer" in capsys.readouterr().err
    with FakeNetworkPrinter() as printer:
        assert main(["printer", "--port", str(printer.port), "--pin", "9999", "--data-dir", d]) == 0
        assert main(["print-test", "--data-dir", d]) == 0
        assert printer.wait_for_jobs(1, timeout=10)


def test_cli_unknown_sale(kiosk):
    proc = subprocess.run([sys.executable, "-m", "kiosk_pos", "receipt", "999", "--data-dir",
                           str(kiosk.db.path.parent)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "#999" in proc.stderr


def test_a_printer_dead_all_day_does_not_pile_up_jobs(kiosk):
    """Failed jobs are kept for retry, but not forever: the queue stays bounded, so a
    dead printer cannot make every later sale slower."""
    from kiosk_pos.printing.queue import HISTORY_LIMIT, PrintJob

    receipts = ReceiptPrinter(kiosk)
    refused = closed_port()
    ids = [receipts.queue.submit(PrintJob(f"job {i}", b"x", lambda: _refusing(refused)))
           for i in range(HISTORY_LIMIT + 60)]
    assert receipts.queue.wait(ids[-1], 30).state.value == "failed"
    receipts.queue.submit(PrintJob("one more", b"x", lambda: _refusing(refused)))
    assert len(receipts.queue.jobs()) <= HISTORY_LIMIT + 1
    assert receipts.queue.status(ids[-1]) is not None  # the newest failures stay retryable
    receipts.close()


def _refusing(port):
    from kiosk_pos.printing.connections import open_connection

    return open_connection(PrinterSettings(connection=ConnectionType.NETWORK, host="127.0.0.1",
                                           port=port, timeout=1.0))


def test_cli_reports_on_a4(kiosk, tmp_path, capsys):
    """The PDFs carry the same numbers as the JSON."""
    import json
    import shutil

    d = str(kiosk.db.path.parent)
    sell(kiosk)
    assert main(["report", "daily", "--json", "--pdf", str(tmp_path / "d.pdf"),
                 "--data-dir", d]) == 0
    daily = json.loads(capsys.readouterr().out)
    assert main(["report", "stock", "--json", "--pdf", str(tmp_path / "s.pdf"),
                 "--data-dir", d]) == 0
    stock = json.loads(capsys.readouterr().out)
    assert {r["sku"] for r in stock} >= {"ACC-CBL", "SP-TSEL"}
    assert all(r["value"] == r["stock"] * r["cost"] for r in stock)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    daily_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "d.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "Rp12.000" in daily_text and f"{daily['count']}" in daily_text
    stock_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "Kabel Data USB-C 1m" in stock_text
