"""Start-up: ``kiosk-pos gui --self-test`` as a whole process, offscreen.

Wall time and peak RSS of each child process (``os.wait4`` returns the child's own
rusage) against a bare PySide6 QMainWindow process, and with the 1,000,000-sale
database against the empty demo one. The three variants run in turn, rotating which
goes first, after one unmeasured warm-up each; medians are reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import datagen
from bench.common import BENCH_DIR, DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.core.setup import DEMO_OWNER_PIN, init_kiosk

NAME = "startup"
VS_BARE = 2.0
VS_EMPTY = 1.2
TIMEOUT_S = 120
READY = re.compile(r"ready in ([0-9.]+) s")


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    peak_mib: float
    ready: float | None


def _kiosk_command(data_dir: Path) -> list[str]:
    script = Path(sys.executable).with_name("kiosk-pos")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "kiosk_pos"]
    return [*base, "gui", "--self-test", "--data-dir", str(data_dir)]


def _bare_command() -> list[str]:
    return [sys.executable, str(BENCH_DIR / "bare_qt_window.py")]


def measure(cmd: list[str]) -> Run:
    """Run ``cmd`` to the end; its wall time, its own peak RSS and its 'ready in' figure."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        deadline = start + TIMEOUT_S
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        tail = " | ".join((stderr or stdout).strip().splitlines()[-3:])
        raise RuntimeError(f"{' '.join(cmd[:3])} exited {proc.returncode}: {tail}")
    found = READY.search(stdout)
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return Run(wall, usage.ru_maxrss * scale / 2**20, float(found.group(1)) if found else None)


def _demo_dir() -> Path:
    folder = DATA_DIR / "startup-demo"
    shutil.rmtree(folder, ignore_errors=True)
    init_kiosk(folder, "Konter Bench", DEMO_OWNER_PIN, demo=True).close()
    return folder


def run(quick: bool) -> list[Result]:
    repeats = 3 if quick else 7
    big_dir = datagen.ensure_database(datagen.LARGE)
    variants = {"bare": _bare_command(), "demo": _kiosk_command(_demo_dir()),
                "1M": _kiosk_command(big_dir)}
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    for cmd in variants.values():  # warm-up: page cache, .pyc files
        measure(cmd)
    names = list(variants)
    for i in range(repeats):
        order = names[i % 3:] + names[:i % 3]
        for name in order:
            runs[name].append(measure(variants[name]))
    wall = {n: median([r.wall for r in rs]) for n, rs in runs.items()}
    rss = {n: median([r.peak_mib for r in rs]) for n, rs in runs.items()}
    ready = {n: [r.ready for r in rs if r.ready is not None] for n, rs in runs.items()}
    say(f"  {repeats} runs each, alternating; 'ready in' medians: " + ", ".join(
        f"{n} {median(v):.3f} s" for n, v in ready.items() if v))
    cmd = "kiosk-pos gui --self-test"
    return [
        ratio_result(NAME, f"{cmd} (demo) wall", wall["demo"], wall["bare"], "s", VS_BARE,
                     note="baseline: bare PySide6 QMainWindow process"),
        ratio_result(NAME, f"{cmd} (demo) peak RSS", rss["demo"], rss["bare"], "MiB", VS_BARE,
                     note="baseline: bare PySide6 QMainWindow process"),
        ratio_result(NAME, f"{cmd} (1M sales) wall", wall["1M"], wall["demo"], "s", VS_EMPTY,
                     note="baseline: the same command on the empty demo database"),
        ratio_result(NAME, f"{cmd} (1M sales) peak RSS", rss["1M"], rss["demo"], "MiB",
                     VS_EMPTY, note="baseline: the same command on the empty demo database"),
    ]
