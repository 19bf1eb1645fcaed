"""PIN hashes cost >= 100 ms a guess in production (bench/pin_hash.py measures it); hashes
made at an older cost keep working and are re-made at today's cost on the next good login.

The rest of the suite hashes cheaply (tests/conftest.py ``cheap_pin_hashing``); the first
test here checks what a real kiosk writes, in a process of its own.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_pos.core import users
from kiosk_pos.core.errors import AuthError

ROOT = Path(__file__).resolve().parents[2]
OLD_COST = users.ScryptCost(n=2**14, r=8, p=1)  # what kiosks used before


def stored_hashes(kiosk) -> dict[str, str]:
    with kiosk.db.read_raw() as cur:
        return dict(cur.execute("SELECT name, pin_hash FROM users").fetchall())


def test_a_real_kiosk_hashes_pins_at_the_production_cost(tmp_path):
    assert users.PRODUCTION_COST == users.ScryptCost(n=2**15, r=8, p=1)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        str(ROOT / p) for p in ("", "protocol", "server")))
    done = subprocess.run([sys.executable, "-m", "kiosk_pos", "init", "--kiosk-name", "Konter",
                           "--owner-pin", "2580", "--data-dir", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(tmp_path / "kiosk.db")
    try:
        (stored,), = conn.execute("SELECT pin_hash FROM users").fetchall()
    finally:
        conn.close()
    assert stored.startswith("scrypt$32768$8$1$")
    assert users.cost_of(stored) == users.PRODUCTION_COST


def test_an_old_hash_still_logs_in_and_is_rehashed_at_todays_cost(kiosk):
    with kiosk.db.write_raw() as cur:
        cur.execute("UPDATE users SET pin_hash = ? WHERE name = 'kasir'",
                    (users.hash_pin("1111", OLD_COST),))
    assert users.cost_of(stored_hashes(kiosk)["kasir"]) == OLD_COST
    with pytest.raises(AuthError):  # a wrong PIN changes nothing
        kiosk.users.authenticate("1212")
    assert users.cost_of(stored_hashes(kiosk)["kasir"]) == OLD_COST
    assert kiosk.users.authenticate("1111").name == "kasir"
    fresh = stored_hashes(kiosk)["kasir"]
    assert users.cost_of(fresh) == users.PIN_COST != OLD_COST
    assert users.verify_pin("1111", fresh) and not users.verify_pin("1112", fresh)
    assert kiosk.users.authenticate("1111").name == "kasir"
    assert stored_hashes(kiosk)["kasir"] == fresh  # at today's cost: left alone


@pytest.mark.parametrize("stored", [
    "scrypt$1073741824$8$1$00$00",  # a cost that would take 128 GiB: refused, not tried
    "scrypt$1000$8$1$00$00",        # N not a power of two
    "scrypt$16384$8$1$zz$00",       # not hex
    "bcrypt$x",
])
def test_a_damaged_or_hostile_hash_matches_no_pin(stored):
    assert users.verify_pin("1234", stored) is False
