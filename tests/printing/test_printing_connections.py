"""Printing to a real TCP listener on 127.0.0.1 that stands in for a LAN printer,
through the background PrintQueue; failures are sentences and jobs are retryable."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from kiosk_pos.printing import receipt_from_sale
from kiosk_pos.printing.connections import (
    CupsConnection,
    FileConnection,
    NetworkConnection,
    PrinterError,
    UsbConnection,
    detect_cups_queues,
    detect_usb_printers,
    open_connection,
)
from kiosk_pos.printing.queue import JobState, JobStatus, PrintJob, print_job_for
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from tests.aids.fake_printer import FakeNetworkPrinter, closed_port
from tests.aids.samples import CASES, KIOSK, PULSA

GOLDEN = Path(__file__).parent / "golden"
UNREACHABLE = "Printer tidak terjangkau — cetak ulang dari riwayat."


def lan(port: int, timeout: float = 2.0, **extra: object) -> PrinterSettings:
    return PrinterSettings(connection=ConnectionType.NETWORK, host="127.0.0.1", port=port,
                           timeout=timeout, **extra)


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("case", sorted(CASES))
def test_lan_printer_receives_exactly_the_golden_bytes(print_queue, case, width):
    sale, copy = CASES[case]
    with FakeNetworkPrinter() as printer:
        settings = lan(printer.port, paper_width=width)
        job_id = print_queue.submit(print_job_for(receipt_from_sale(sale, KIOSK, copy=copy),
                                                  settings))
        status = print_queue.wait(job_id, timeout=10)
        assert status is not None and status.state is JobState.DONE, status
        assert printer.wait_for_jobs(1, timeout=5)
        assert printer.jobs == [(GOLDEN / f"{case}-{width}.bin").read_bytes()]


def test_refused_printer_fails_fast_then_retry_succeeds(print_queue):
    port = closed_port()
    events: list[JobStatus] = []
    print_queue.add_listener(events.append)
    started = time.monotonic()
    job_id = print_queue.submit(print_job_for(receipt_from_sale(PULSA, KIOSK), lan(port)))
    assert time.monotonic() - started < 0.2  # the caller is never held up
    status = print_queue.wait(job_id, timeout=10)
    assert status.state is JobState.FAILED
    assert status.error == UNREACHABLE
    assert print_queue.failed() == [status]
    with FakeNetworkPrinter(port=port) as printer:
        assert print_queue.retry(job_id)
        status = print_queue.wait(job_id, timeout=10)
        assert status.state is JobState.DONE and status.attempts == 2
        assert printer.wait_for_jobs(1, timeout=5)
        assert printer.jobs[0] == (GOLDEN / "pulsa-58.bin").read_bytes()
    assert [e.state for e in events] == [JobState.QUEUED, JobState.PRINTING, JobState.FAILED,
                                         JobState.QUEUED, JobState.PRINTING, JobState.DONE]
    assert not print_queue.retry(job_id)  # a printed job is not printed twice by accident


def test_stalled_printer_times_out_without_blocking_the_caller(print_queue):
    stalled = FakeNetworkPrinter(mode="stall").start()
    port = stalled.port
    try:
        started = time.monotonic()
        job_id = print_queue.submit(print_job_for(receipt_from_sale(PULSA, KIOSK),
                                                  lan(port, timeout=0.5)))
        second = print_queue.submit(print_job_for(receipt_from_sale(PULSA, KIOSK, copy=True),
                                                  lan(port, timeout=0.5)))
        assert time.monotonic() - started < 0.2
        assert print_queue.status(job_id).state in (JobState.QUEUED, JobState.PRINTING)
        status = print_queue.wait(job_id, timeout=10)
        assert status.state is JobState.FAILED and status.reason == "timeout"
        assert "Printer tidak menjawab" in status.error and "cetak ulang" in status.error
        assert print_queue.wait(second, timeout=10).state is JobState.FAILED
    finally:
        stalled.stop()
    with FakeNetworkPrinter(port=port) as printer:
        assert print_queue.retry(job_id)
        assert print_queue.wait(job_id, timeout=10).state is JobState.DONE
        assert printer.wait_for_jobs(1, timeout=5)


def test_paper_out_is_reported_and_nothing_is_sent(print_queue):
    with FakeNetworkPrinter(mode="paper_out") as printer:
        job_id = print_queue.submit(print_job_for(receipt_from_sale(PULSA, KIOSK),
                                                  lan(printer.port)))
        status = print_queue.wait(job_id, timeout=10)
        assert status.state is JobState.FAILED and status.reason == "paper_out"
        assert status.error.startswith("Kertas printer habis")
        printer.mode = "ok"
        assert print_queue.retry(job_id)
        assert print_queue.wait(job_id, timeout=10).state is JobState.DONE
        assert printer.wait_for_jobs(1, timeout=5)
        assert printer.jobs == [(GOLDEN / "pulsa-58.bin").read_bytes()]


def test_status_check_can_be_turned_off_for_printers_that_never_answer():
    with FakeNetworkPrinter() as printer:
        NetworkConnection("127.0.0.1", printer.port, 2.0, status_check=False).send(b"hello\n")
        assert printer.wait_for_jobs(1, timeout=5)
        assert printer.jobs == [b"hello\n"]


def test_submit_returns_while_a_job_is_printing_slowly(print_queue):
    release = threading.Event()
    sent: list[bytes] = []

    class SlowPrinter:
        description = "slow"

        def send(self, data: bytes) -> None:
            release.wait(10)
            sent.append(data)

    first = print_queue.submit(PrintJob("slow", b"a", SlowPrinter()))
    started = time.monotonic()
    second = print_queue.submit(PrintJob("next", b"b", SlowPrinter()))
    assert time.monotonic() - started < 0.1
    release.set()
    assert print_queue.wait(first, 10).state is JobState.DONE
    assert print_queue.wait(second, 10).state is JobState.DONE
    assert sent == [b"a", b"b"]


def test_broken_listener_and_broken_job_never_reach_the_caller(print_queue):
    def bad_listener(status: JobStatus) -> None:
        raise RuntimeError("listener bug")

    print_queue.add_listener(bad_listener)

    def boom() -> bytes:
        raise ValueError("renderer bug")

    job_id = print_queue.submit(PrintJob("x", boom, FileConnection("/dev/null")))
    status = print_queue.wait(job_id, 10)
    assert status.state is JobState.FAILED and "renderer bug" in status.error
    unset = print_queue.submit(print_job_for(receipt_from_sale(PULSA, KIOSK), PrinterSettings()))
    status = print_queue.wait(unset, 10)
    assert status.state is JobState.FAILED
    assert status.error == "Printer belum diatur — buka Pengaturan Printer."


def test_file_connection_appends_bytes(tmp_path):
    target = tmp_path / "printer.bin"
    conn = open_connection(PrinterSettings(connection=ConnectionType.FILE,
                                           file_path=str(target)))
    conn.send(b"one")
    conn.send(b"two")
    assert target.read_bytes() == b"onetwo"
    with pytest.raises(PrinterError, match="tidak bisa ditulis"):
        FileConnection(str(tmp_path / "missing-dir" / "x.bin")).send(b"x")


def _fake_tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_cups_queue_gets_raw_bytes(tmp_path, monkeypatch):
    out = tmp_path / "lp.out"
    _fake_tool(tmp_path, "lp", f'echo "$@" > {out}.args\ncat > {out}\n')
    _fake_tool(tmp_path, "lpstat", 'echo "Kasir_58 accepting"\necho "Dapur_80"\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    CupsConnection("Kasir_58").send(b"\x1b@struk\n")
    assert out.read_bytes() == b"\x1b@struk\n"
    assert Path(f"{out}.args").read_text().split() == ["-d", "Kasir_58", "-o", "raw"]
    assert detect_cups_queues() == ["Kasir_58", "Dapur_80"]


def test_cups_refusal_is_a_sentence(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "lp", 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterError) as err:
        CupsConnection("Nope").send(b"x")
    assert "Antrean cetak Nope menolak" in err.value.sentence
    assert detect_cups_queues() == []  # no lpstat: tolerated


def test_missing_lp_is_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterError, match="lp"):
        CupsConnection("Kasir").send(b"x")


def test_missing_pyusb_names_the_extra():
    try:
        import usb  # noqa: F401
    except ImportError:
        with pytest.raises(PrinterError) as err:
            UsbConnection(0x0416, 0x5011).send(b"x")
        assert err.value.sentence == "Pasang dukungan USB: pip install kiosk-pos[usb]"
        assert detect_usb_printers() == []
    else:
        pytest.skip("pyusb is installed here")


def test_settings_round_trip_through_json():
    settings = PrinterSettings(connection=ConnectionType.USB, usb_vendor=0x0416,
                               usb_product=0x5011, paper_width=80, copies=2, auto_print=False,
                               open_drawer_on_cash=False, logo_path="/tmp/logo.png")
    data = json.loads(json.dumps(settings.to_dict()))
    assert PrinterSettings.from_dict(data) == settings
    assert data["connection"] == "usb"


def test_settings_from_bad_data_fall_back_to_safe_values():
    settings = PrinterSettings.from_dict({
        "connection": "carrier-pigeon", "paper_width": 70, "copies": 99, "port": "x",
        "usb_vendor": "0x0416", "auto_print": "false", "unknown": 1, "timeout": -3,
    })
    assert settings.connection is ConnectionType.NONE
    assert settings.paper_width == 58 and settings.copies == 5 and settings.port == 9100
    assert settings.usb_vendor == 0x0416 and settings.auto_print is False
    assert settings.timeout == 0.2
    assert PrinterSettings.from_dict(None) == PrinterSettings()
