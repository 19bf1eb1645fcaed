"""Daily report: one day of ~550 sales on five years of history vs on three weeks.

The same days hold the same sales in both databases (see datagen), so the ratio
isolates what the history behind the day costs. Days are taken in turn from the
last two weeks, and the two databases alternate call by call.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bench import datagen
from bench.common import Result, median, ratio_result, say
from kiosk_pos.core.kiosk import Kiosk

NAME = "daily_report"
BIG, SMALL = datagen.LARGE, datagen.SMALL
LIMIT_S = 0.020
TARGET_RATIO = 2.0
DAYS = 14


def _open(n_sales: int) -> tuple[Kiosk, float]:
    folder = datagen.ensure_database(n_sales)
    start = time.perf_counter()
    kiosk = Kiosk.open(folder)
    return kiosk, time.perf_counter() - start


def run(quick: bool) -> list[Result]:
    rounds = 3 if quick else 10
    small, small_open = _open(SMALL)
    big, big_open = _open(BIG)
    try:
        days = [datagen.END_DATE - timedelta(days=k) for k in range(DAYS)]
        first_big = _time(big, days[0])
        first_small = _time(small, days[0])
        counts = [big.reports.daily(d).count for d in days]
        small_counts = [small.reports.daily(d).count for d in days]
        if counts != small_counts:
            say(f"  WARNING: the two databases disagree on the days' counts: "
                f"{counts} vs {small_counts}")
        big_times: list[float] = []
        small_times: list[float] = []
        for i in range(rounds):
            for j, day in enumerate(days):
                if (i + j) % 2 == 0:
                    big_times.append(_time(big, day))
                    small_times.append(_time(small, day))
                else:
                    small_times.append(_time(small, day))
                    big_times.append(_time(big, day))
        say(f"  {len(big_times)} reports on each database, {min(counts)}-{max(counts)} "
            f"sales per day")
        big_med, small_med = median(big_times), median(small_times)
        return [
            ratio_result(NAME, f"daily() on {BIG:,} sales, median", big_med, small_med, "s",
                         TARGET_RATIO, limit=LIMIT_S,
                         note=f"baseline: same days on {SMALL:,} sales"),
            Result(NAME, "first daily() after open", first_big, first_small, "s", "reported",
                   None, "page cache warm; baseline on the small database"),
            Result(NAME, "Kiosk.open()", big_open, small_open, "s", "reported", None,
                   "includes open_database's PRAGMA quick_check; baseline: small database"),
        ]
    finally:
        big.close()
        small.close()


def _time(kiosk: Kiosk, day: object) -> float:
    start = time.perf_counter()
    kiosk.reports.daily(day)  # type: ignore[arg-type]
    return time.perf_counter() - start
