"""An API process serves with the objects of its start frozen and full garbage collections
ten times rarer (distributor_server.collector: with thousands of idle long polls a full
collection stopped the event loop for up to 1.4 s every few seconds).

Checked in a process of its own: freezing is for the whole interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = """
import gc, json, socket, sys
import uvicorn
from distributor_server.config import Settings
from distributor_server.serve import run_api_process

seen = {}
def run(self, sockets=None):
    seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())
uvicorn.Server.run = run
before = gc.get_threshold()
with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    run_api_process(Settings.for_db(sys.argv[1], sys.argv[2]), sock, sender=False)
print(json.dumps({"before": before, **seen}))
"""


def test_the_api_process_serves_with_its_start_frozen(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, f"sqlite:///{tmp_path / 'server.sqlite3'}",
         str(tmp_path / "master.key")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == [700, 10, 10]  # Python's defaults until the app is built
    assert seen["threshold"] == [700, 10, 100]
    assert seen["frozen"] > 10_000  # the modules, the app and its routes
