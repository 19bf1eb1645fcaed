"""Backup during sales: sale commit while a backup of a 100k-sale kiosk runs, vs alone.

The backup (``kiosk_pos.store.backup.write_backup``) reads one snapshot on a connection of
its own; in WAL mode that reader never takes the writer's lock, so a sale should only
feel the disk being busy, not wait for the copy. A thread writes backups back to back
for the whole "during" batch; "alone" batches alternate with them so that disk noise
lands on both sides.
"""

from __future__ import annotations

import shutil
import threading
import time

from bench.common import DATA_DIR, Result, median, ratio_result, say
from bench.datagen import ensure_database
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import DEMO_CLERK
from kiosk_pos.store.backup import write_backup

NAME = "backup_during_sale"
TARGET_RATIO = 1.5
HISTORY = 100_000
BATCH = 25
SKU, DESTINATION = "TSEL10", "081234567890"


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class _BackupLoop:
    """Backups back to back in a thread, until stopped."""

    def __init__(self, kiosk: Kiosk, target_dir) -> None:  # noqa: ANN001 - Path
        self.kiosk, self.target = kiosk, target_dir / "loop.db"
        self.durations: list[float] = []
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            self._started.set()
            write_backup(self.kiosk.db.path, self.target)
            self.durations.append(time.perf_counter() - start)

    def __enter__(self) -> _BackupLoop:
        self._thread.start()
        self._started.wait()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(quick: bool) -> list[Result]:
    rounds = 4 if quick else 10
    source = ensure_database(HISTORY)
    work = DATA_DIR / NAME
    shutil.rmtree(work, ignore_errors=True)
    (work / "kiosk").mkdir(parents=True)
    # The cached history stays untouched: sales go into a copy (made the way backups are).
    write_backup(source / DB_FILENAME, work / "kiosk" / DB_FILENAME)
    kiosk = Kiosk.open(work / "kiosk")
    try:
        clerk = kiosk.users.authenticate(DEMO_CLERK[1])
        kiosk.deposit.credit(10**12, reference="bench")
        cart, payment = [CartLine(SKU, 1, DESTINATION)], Payment(PaymentMethod.CASH, None)

        def sell() -> float:
            start = time.perf_counter()
            kiosk.sales.sell(clerk, cart, payment)
            return time.perf_counter() - start

        for _ in range(10):  # warm caches and the WAL
            sell()
        alone: list[float] = []
        during: list[float] = []
        backups: list[float] = []
        for i in range(rounds):
            for side in ("alone", "during")[::1 if i % 2 == 0 else -1]:
                if side == "alone":
                    alone.extend(sell() for _ in range(BATCH))
                    continue
                with _BackupLoop(kiosk, work) as loop:
                    during.extend(sell() for _ in range(BATCH))
                backups += loop.durations
        size = (work / "loop.db").stat().st_size / 2**20
        say(f"  {len(alone)} sales alone, {len(during)} while {len(backups)} backups of a "
            f"{HISTORY:,}-sale kiosk ({size:.0f} MiB) ran back to back; backup median "
            f"{median(backups) * 1e3:.0f} ms")
        return [
            ratio_result(NAME, "sell() during a backup, median", median(during), median(alone),
                         "s", TARGET_RATIO, note=f"baseline: sell() alone; backup "
                         f"{median(backups) * 1e3:.0f} ms of {size:.0f} MiB"),
            ratio_result(NAME, "sell() during a backup, p99", _p99(during), _p99(alone), "s",
                         TARGET_RATIO, note="baseline: p99 of sell() alone"),
        ]
    finally:
        kiosk.close()
        shutil.rmtree(work, ignore_errors=True)
