"""`make run`'s demo: it says where it lives, `make demo-reset` starts it afresh (never on a
real shop or an open app), and `make run` names every system library the window lacks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.instance import GuiLock

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    base.pop("KIOSK_POS_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          env={**base, **(env or {})}, timeout=120, cwd=ROOT,
                          stdin=subprocess.DEVNULL)


def sales(folder: Path) -> list:
    done = run("kiosk_pos", "history", "--json", "--data-dir", str(folder))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_demo_says_where_it_lives_and_reset_starts_afresh(tmp_path):
    folder = tmp_path / "demo"
    first = run("kiosk_pos", "gui", "--demo", "--self-test", "--data-dir", str(folder))
    assert first.returncode == 0, first.stderr
    assert str(folder) in first.stdout and "make demo-reset" in first.stdout
    sold = run("kiosk_pos", "sell", "--sku", "ACC-TG", "--pin", "1111", "--data-dir", str(folder))
    assert sold.returncode == 0, sold.stderr
    assert len(sales(folder)) == 1

    again = run("kiosk_pos", "gui", "--demo", "--reset", "--self-test", "--data-dir", str(folder))
    assert again.returncode == 0, again.stderr
    assert sales(folder) == []  # a fresh demo shop, with its demo catalogue
    assert (folder / "kiosk.db").exists()


def test_reset_never_touches_a_real_shop_or_an_open_demo(tmp_path):
    shop = tmp_path / "shop"
    init_kiosk(shop, "Konter Asli", "9999").close()
    refused = run("kiosk_pos", "gui", "--demo", "--reset", "--self-test", "--data-dir", str(shop))
    assert refused.returncode == 2 and "toko sungguhan" in refused.stderr
    assert (shop / "kiosk.db").exists()

    demo = tmp_path / "demo"
    assert run("kiosk_pos", "gui", "--demo", "--self-test", "--data-dir", str(demo)).returncode == 0
    lock = GuiLock(demo)
    assert lock.acquire()
    try:
        busy = run("kiosk_pos", "gui", "--demo", "--reset", "--data-dir", str(demo))
        assert busy.returncode == 2 and "sedang dibuka" in busy.stderr
        assert (demo / "kiosk.db").exists()
    finally:
        lock.release()
    alone = run("kiosk_pos", "gui", "--reset", "--data-dir", str(demo))
    assert alone.returncode == 2 and "--demo" in alone.stderr


def test_make_run_names_every_missing_library_in_one_sentence(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    ldd = fake / "ldd"
    ldd.write_text("#!/bin/sh\n"
                   "printf '\\tlibxcb-cursor.so.0 => not found\\n'\n"
                   "printf '\\tlibxcb-icccm.so.4 => not found\\n'\n"
                   "printf '\\tlibxcb-keysyms.so.1 => not found\\n'\n"
                   "printf '\\tlibxcb-icccm.so.4 => not found\\n'\n")
    ldd.chmod(ldd.stat().st_mode | stat.S_IEXEC)
    done = run("tools.desktop_check", "--dry-run",
               env={"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    for package in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"):
        assert lines[0].count(package) == 2  # named, and in the install command


def test_make_run_says_a_display_is_needed(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    ldd = fake / "ldd"
    ldd.write_text("#!/bin/sh\nprintf '\\tlibxcb.so.1 => /lib/libxcb.so.1\\n'\n")
    ldd.chmod(ldd.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}", "QT_QPA_PLATFORM": "",
           "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    done = run("tools.desktop_check", env=env)
    assert done.returncode == 2 and "xvfb-run make run" in done.stderr
    shown = run("tools.desktop_check", env={**env, "DISPLAY": ":0"})
    assert shown.returncode == 0, shown.stderr
