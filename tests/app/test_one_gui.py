"""One GUI per data folder: a second `kiosk-pos gui` says the app is open and exits 2;
the command line keeps working beside the app."""

from __future__ import annotations

import os
import subprocess
import sys

from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.instance import GuiLock


def run(*args: str, folder) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_POS_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "kiosk_pos", *args, "--data-dir", str(folder)],
                          capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_a_second_gui_is_refused_and_the_cli_still_works(tmp_path):
    folder = tmp_path / "data"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    lock = GuiLock(folder)  # the first app holds the folder
    assert lock.acquire()
    try:
        second = run("gui", "--self-test", folder=folder)
        assert second.returncode == 2
        assert "sudah terbuka" in second.stderr and "Traceback" not in second.stderr
        sold = run("sell", "--sku", "ACC-TG", "--pin", "1111", "--json", folder=folder)
        assert sold.returncode == 0, sold.stderr
    finally:
        lock.release()
    assert run("gui", "--self-test", folder=folder).returncode == 0
