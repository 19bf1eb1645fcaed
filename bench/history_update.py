"""History screen: a top-up status change and a busy day's opening, at 1,000 and 10,000 sales.

One day holding N sales (generated once into bench/.data, see datagen) is shown on the
History screen offscreen at 1366x768, every page fetched, so the model holds all N rows
(the worst case: the clerk scrolled to the day's first sale). A status change is timed
as the bridge's slot runs it on the GUI thread: ``HistoryView.update_topup`` plus the
``processEvents`` that repaints. The baseline is the same change on a day of 100 sales
(same run, same screen), so the ratio shows what the day's size costs; the target is
one frame (16 ms). Opening the day (newest page, count and total) is timed from
``set_day`` to the page on screen, against the same for a day of 100 sales.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

from bench import datagen
from bench.common import DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.core.records import TopUpRecord, TopUpStatus

NAME = "history_update"
SIZES = (1_000, 10_000)
BASE = 100
FRAME_S = 0.016
OPEN_LIMIT_S = 0.200
OPEN_RATIO = 3.0
VERSION = 1


def _folder(n_sales: int) -> Path:
    """A kiosk whose last day (datagen.END_DATE) holds ``n_sales`` sales."""
    folder = DATA_DIR / f"one-day-{n_sales}"
    stamp = folder / "generator.txt"
    wanted = f"v{VERSION}+{datagen.VERSION} {n_sales} {datagen.END_DATE}"
    if stamp.exists() and stamp.read_text() == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    say(f"  generating one day of {n_sales:,} sales in {folder} ...")
    datagen.generate_days(folder, [(datagen.END_DATE, n_sales)])
    stamp.write_text(wanted)
    return folder


class _Screen:
    """A History screen on a kiosk, offscreen, with the day loaded."""

    def __init__(self, n_sales: int) -> None:
        from kiosk_pos.core.kiosk import Kiosk
        from kiosk_pos.ui.history import HistoryView
        from kiosk_pos.ui.tasks import TaskManager

        self.kiosk = Kiosk.open(_folder(n_sales))
        self.tasks = TaskManager()
        self.view = HistoryView(self.kiosk, self.tasks)
        self.view.resize(1366, 700)
        self.view.show()

    def open_day(self) -> float:
        """Seconds from asking for the day to its newest page painted."""
        from PySide6.QtWidgets import QApplication

        done: list[bool] = []
        self.view.loaded.connect(lambda: done.append(True))
        start = time.perf_counter()
        self.view.set_day(datagen.END_DATE)
        _wait(lambda: bool(done))
        QApplication.processEvents()
        took = time.perf_counter() - start
        self.view.loaded.disconnect()
        return took

    def fetch_all(self) -> None:
        from PySide6.QtCore import QModelIndex

        model = self.view.model
        while True:
            _wait(lambda: not model.fetching)
            if not model.canFetchMore(QModelIndex()):
                return
            model.fetchMore(QModelIndex())

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()
        self.tasks.shutdown()
        self.kiosk.close()


def _wait(condition: object, timeout: float = 60.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError("the History screen did not answer in time")
        QApplication.processEvents()
        time.sleep(0.001)


def _changes(screen: _Screen, count: int) -> list[TopUpRecord]:
    """Status changes for top-ups of the sales on screen (the rows that repaint), each
    one a real change: the status flips between Diproses and Sukses round by round."""
    table = screen.view.table
    visible = [s for row in range(table.rowAt(table.viewport().height() - 1) + 1)
               if (s := screen.view.model.sales[row]).topups]
    out = []
    for i in range(count):
        sale = visible[i % len(visible)]
        flip = (i // len(visible)) % 2
        status = (TopUpStatus.PENDING, TopUpStatus.SUCCESS)[flip]
        out.append(replace(sale.topups[0], status=status,
                           sn="0144123" if status.final else None))
    return out


def _time_changes(screen: _Screen, changes: list[TopUpRecord]) -> list[float]:
    from PySide6.QtWidgets import QApplication

    times = []
    for topup in changes:
        start = time.perf_counter()
        screen.view.update_topup(topup)
        QApplication.processEvents()
        times.append(time.perf_counter() - start)
    return times


def run(quick: bool) -> list[Result]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from kiosk_pos.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app)  # type: ignore[arg-type]
    changes = 20 if quick else 100
    opens = 3 if quick else 10
    screens = {n: _Screen(n) for n in (BASE, *SIZES)}
    try:
        open_times: dict[int, list[float]] = {n: [] for n in screens}
        for _ in range(opens):
            for n, screen in screens.items():
                open_times[n].append(screen.open_day())
        for screen in screens.values():
            screen.fetch_all()
        loaded = {n: len(s.view.model.sales) for n, s in screens.items()}
        say(f"  rows on screen after scrolling to the end: {loaded}")
        change_times: dict[int, list[float]] = {n: [] for n in screens}
        batch = {n: _changes(s, changes + 1) for n, s in screens.items()}
        for n, screen in screens.items():  # one untimed change: first paints, caches
            _time_changes(screen, batch[n][-1:])
        for i in range(changes):  # the sizes alternate change by change
            for n, screen in screens.items():
                change_times[n] += _time_changes(screen, batch[n][i:i + 1])
    finally:
        for screen in screens.values():
            screen.close()
    base_change = median(change_times[BASE])
    base_open = median(open_times[BASE])
    results = []
    for n in SIZES:
        value = median(change_times[n])
        worst = max(change_times[n])
        slowest = ", ".join(f"{t * 1e3:.1f}" for t in sorted(change_times[n])[-5:])
        say(f"  {n:,} sales: the five slowest changes took {slowest} ms")
        results.append(Result(
            NAME, f"status change, {n:,} sales on screen, median", value, base_change, "s",
            f"<= {FRAME_S * 1e3:g} ms", value <= FRAME_S,
            f"worst of {len(change_times[n])}: {worst * 1e3:.2f} ms; baseline: "
            f"the same change with {BASE} sales on screen"))
    n = SIZES[-1]
    results.append(ratio_result(
        NAME, f"open a day of {n:,} sales (first page), median", median(open_times[n]),
        base_open, "s", OPEN_RATIO, limit=OPEN_LIMIT_S,
        note=f"baseline: a day of {BASE} sales; set_day to the page painted"))
    return results
