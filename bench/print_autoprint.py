"""Auto-print: sale commit with receipts going to a stalled LAN printer vs printing off.

Two kiosks side by side in the same directory, each with a ``ReceiptPrinter`` attached to
its own LAN printer; in each round one has ``auto_print`` on and the other off, and they
swap every round, so a difference between the two database files cannot pass for the cost
of printing. Each printer is a listener on 127.0.0.1 that accepts a job, sleeps 2 s, then
answers the paper status query, reads the receipt and closes: every job keeps the print
queue's worker busy for 2 s (printer timeout 5 s, so the jobs succeed). ``kiosk.sales.sell``
is timed in alternating batches, with a pause between rounds so that jobs print (the worker
renders, connects, waits) while sales are being timed.

The queues' backlog is bounded by the number of sales the run makes (sales outpace a 2 s
printer, so nearly every receipt is still queued when timing ends); at the end the queues
are closed (no new jobs), the printers stopped (the job in progress and the backlog then fail
at once: connection refused) and the workers joined, so nothing is left running.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import threading
import time
from dataclasses import replace

from bench.common import DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import DEMO_CLERK, DEMO_OWNER_PIN, init_kiosk
from kiosk_pos.printing import ConnectionType, JobState, PrinterSettings
from kiosk_pos.printing.receipt_printer import ReceiptPrinter, save_settings

NAME = "print_autoprint"
TARGET_RATIO = 1.1
BATCH = 25
STALL = 2.0        # seconds the printer sits on each job
TIMEOUT = 5.0      # printer timeout, above the stall
PAUSE = 0.5        # seconds between rounds at least, so that the workers cycle during the run
SKU, DESTINATION = "TSEL10", "081234567890"
PAPER_OK = b"\x12"


class SlowPrinter:
    """A LAN printer that takes ``stall`` seconds per job: accept, sleep, answer, read, close."""

    def __init__(self, stall: float) -> None:
        self.stall = stall
        self.jobs = 0
        self._stop = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="bench-slow-printer",
                                        daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                if self._stop.wait(self.stall):
                    return
                self._job(conn)

    def _job(self, conn: socket.socket) -> None:
        conn.settimeout(TIMEOUT)
        try:
            if conn.recv(3):  # DLE EOT 4: the paper status query
                conn.sendall(PAPER_OK)
            while conn.recv(65536):
                pass
        except OSError:
            return
        self.jobs += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(TIMEOUT)
        with contextlib.suppress(OSError):
            self._server.close()


def _kiosk(path: str, printer: SlowPrinter) -> tuple[Kiosk, ReceiptPrinter]:
    kiosk = init_kiosk(DATA_DIR / NAME / path, "Bench Kiosk", DEMO_OWNER_PIN, demo=True)
    kiosk.deposit.credit(10**12, reference="bench")
    save_settings(kiosk, PrinterSettings(
        connection=ConnectionType.NETWORK, host="127.0.0.1", port=printer.port,
        timeout=TIMEOUT, paper_width=58, auto_print=True,
        result_wait=0.0),  # no sync here: print each top-up's receipt at once (PENDING)
        kiosk.users.authenticate(DEMO_OWNER_PIN))
    receipts = ReceiptPrinter(kiosk)
    receipts.attach()
    return kiosk, receipts


def _shut_down(printers: list[SlowPrinter], receipts: list[ReceiptPrinter]) -> None:
    """Bound the backlog: no new jobs, printers gone (the job in progress and the rest of the
    backlog then fail at once: connection refused), workers joined."""
    queue_log = logging.getLogger("kiosk_pos.printing.queue")
    level = queue_log.level
    queue_log.setLevel(logging.ERROR)  # one warning per failed job is noise here
    try:
        for r in receipts:
            r.queue.close(timeout=0)
        for p in printers:
            p.stop()
        for r in receipts:
            r.queue.close(timeout=60)
    finally:
        queue_log.setLevel(level)


def run(quick: bool) -> list[Result]:
    rounds = 4 if quick else 12
    pause = max(PAUSE, 2 * STALL / (rounds - 1))  # the run spans at least two print jobs
    work = DATA_DIR / NAME
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    printers = [SlowPrinter(STALL), SlowPrinter(STALL)]
    kiosks = [_kiosk(name, p) for name, p in zip(("kiosk_a", "kiosk_b"), printers, strict=True)]
    try:
        cart = [CartLine(SKU, 1, DESTINATION)]
        payment = Payment(PaymentMethod.CASH, None)
        clerks = [k.users.authenticate(DEMO_CLERK[1]) for k, _ in kiosks]
        times: dict[bool, list[float]] = {True: [], False: []}

        def batch(index: int, n: int) -> list[float]:
            kiosk, clerk = kiosks[index][0], clerks[index]
            out = []
            for _ in range(n):
                start = time.perf_counter()
                kiosk.sales.sell(clerk, cart, payment)
                out.append(time.perf_counter() - start)
            return out

        def set_auto_print(index: int, on: bool) -> None:
            receipts = kiosks[index][1]
            receipts.settings = replace(receipts.settings, auto_print=on)

        for index in (0, 1):  # warm caches, the catalogue, both WALs (printing off)
            set_auto_print(index, False)
            batch(index, 10)
        started = time.perf_counter()
        for i in range(rounds):
            # Kiosk A prints in even rounds, B in odd ones, so neither file's own speed
            # lands on one side; who goes first changes every two rounds.
            printing = i % 2
            for index in (0, 1):
                set_auto_print(index, index == printing)
            for index in (0, 1) if (i // 2) % 2 == 0 else (1, 0):
                times[index == printing].extend(batch(index, BATCH))
            if i < rounds - 1:
                time.sleep(pause)
        took = time.perf_counter() - started
        printed_during = sum(p.jobs for p in printers)
    finally:
        _shut_down(printers, [r for _, r in kiosks])
        jobs = [j for _, r in kiosks for j in r.queue.jobs()]
        for kiosk, _ in kiosks:
            kiosk.close()
        shutil.rmtree(work, ignore_errors=True)
    on_med, off_med = median(times[True]), median(times[False])
    p90 = {side: sorted(t)[int(len(t) * 0.9)] for side, t in times.items()}
    states = {s: sum(1 for j in jobs if j.state is s) for s in JobState}
    unfinished = states[JobState.QUEUED] + states[JobState.PRINTING]
    say(f"  {len(times[True])} sales each side, {rounds} rounds of {BATCH} per kiosk with "
        f"{pause:.2g} s pauses ({took:.1f} s), the kiosks swapping roles each round; "
        f"{len(jobs)} receipts queued, {printed_during} printed during the run "
        f"({STALL:.0f} s each); at close {states[JobState.DONE]} done, "
        f"{states[JobState.FAILED]} failed fast, {unfinished} unfinished")
    return [ratio_result(
        NAME, "sell() with auto-print to a 2 s printer, median", on_med, off_med, "s",
        TARGET_RATIO,
        note=f"+{(on_med - off_med) * 1e6:.0f} us; p90 {p90[True] * 1e3:.2f} ms vs "
             f"{p90[False] * 1e3:.2f} ms; {len(jobs)} jobs queued, {printed_during} printed "
             "during the run, the rest failed at close; baseline: sell() with auto-print off, "
             "two kiosks in one dir swapping roles")]
