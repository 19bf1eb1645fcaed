"""`kiosk-pos sync` killed with SIGKILL at random moments, again and again, then restarted:
nothing lost, nothing charged twice (the cursor and what it applied commit together)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk_pos.sync.config import client_for
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final, assert_consistent, copy_shop

ROUNDS = 10       # at least this many sell-then-sync rounds
MAX_ROUNDS = 30   # and more, until the sync was killed MIN_KILLS times
MIN_KILLS = 3
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sync_survives_sigkill_loop(distributor, template_kiosk, tmp_path, record_property):
    shop = copy_shop(distributor, template_kiosk, tmp_path / "kiosk")
    rng = random.Random(1122)
    cmd = [sys.executable, "-m", "kiosk_pos", "sync", "--data-dir", str(shop.folder), "--json"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))  # this checkout
    killed = finished = sold = 0
    deadline = time.monotonic() + 90
    rounds = 0
    while rounds < ROUNDS or (killed < MIN_KILLS and rounds < MAX_ROUNDS):
        rounds += 1
        assert time.monotonic() < deadline
        for _ in range(rng.randint(10, 30)):
            shop.sell(f"0813{rng.randrange(10**7):07d}{rng.choice('01567893')}")
            sold += 1
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # a random moment from start-up to the end of a sync; a faster machine just
        # finishes more runs, and the loop goes on until it has killed enough of them
        time.sleep(rng.uniform(0.05, 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        else:
            finished += 1
        proc.wait(10)
    # one clean run of the CLI, then settle in-process
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    service = SyncService(shop.kiosk, client_for(shop.kiosk))
    while True:
        result = service.sync_once(prices=False, reconcile=False)
        if result.queue == 0 and all_final(shop.kiosk):
            break
        assert time.monotonic() < deadline + 30, "did not settle after the kill loop"
        time.sleep(0.2)
    service.sync_once(prices=False, reconcile=False)
    summary = assert_consistent(shop, expected_refused=set())
    assert summary["server_topups"] == sold
    assert killed >= 3, "the loop should have killed the sync mid-run several times"
    record_property("killed", killed)
    print(f"sigkill loop: {ROUNDS} rounds, {killed} killed, {finished} finished, {sold} top-ups")
    shop.kiosk.close()
