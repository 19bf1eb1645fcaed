"""What one PIN guess costs an attacker holding a copy of kiosk.db: one scrypt check at the
production cost (``kiosk_pos.core.users.PRODUCTION_COST``), the target being >= 100 ms.

The baseline is the cost kiosks used before (N=2**14), measured in the same run. Also
printed: what trying every 4-digit PIN against one stored hash then costs, offline.
"""

from __future__ import annotations

import time

from bench.common import Result, median, say
from kiosk_pos.core.users import PRODUCTION_COST, ScryptCost, hash_pin, verify_pin

NAME = "pin_hash"
TARGET_S = 0.100
OLD_COST = ScryptCost(n=2**14, r=8, p=1)


def _per_guess(stored: str, rounds: int) -> float:
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        verify_pin(f"{i:04d}", stored)
        times.append(time.perf_counter() - start)
    return median(times)


def run(quick: bool) -> list[Result]:
    rounds = 5 if quick else 15
    now = hash_pin("9999", PRODUCTION_COST)
    before = hash_pin("9999", OLD_COST)
    old, new = [], []
    for _ in range(3):  # interleaved, so a busy moment weighs on both
        new.append(_per_guess(now, rounds))
        old.append(_per_guess(before, rounds))
    value, base = median(new), median(old)
    c = PRODUCTION_COST
    say(f"  scrypt N={c.n} r={c.r} p={c.p}: {value * 1e3:.0f} ms a guess, "
        f"{value / TARGET_S:.2f}x the 100 ms target; all 10,000 4-digit PINs: "
        f"{value * 10_000 / 60:.1f} min (was {base * 10_000:.0f} s)")
    return [
        Result(NAME, f"one PIN check, scrypt N=2**{c.n.bit_length() - 1} r={c.r}, median",
               value, base, "s", f">= {TARGET_S * 1e3:g} ms", value >= TARGET_S,
               f"{value / TARGET_S:.2f}x the target; baseline: N=2**14, the cost before"),
        Result(NAME, "every 4-digit PIN, offline", value * 10_000, base * 10_000, "s",
               "reported", None, "one stored hash, one core"),
    ]
