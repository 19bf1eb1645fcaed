"""Start-up: ``kiosk-pos gui --self-test`` as a whole process, offscreen.

What a clerk starting the app meets is the PIN login: the self-test is ready when the login
is painted and its PIN field has the keys (the sales screen is built after that paint,
while a PIN is typed). That figure is held to the target against a bare PySide6
QMainWindow process. The same run then logs the first clerk in as a good PIN does and
prints the time from the PIN accepted to the sales screen painted, reported here. A second
figure, reported beside it and not hidden, is the old self-test path: straight to the sales
screen with a clerk logged in (``KIOSK_POS_SELF_TEST=sales``). The login on the
1,000,000-sale database is held against the empty demo one.

Each run is measured by a fresh tiny parent (``bench/startup_probe.py``): the wall time
from spawn to the child's ``ready in`` line, the child's peak RSS at that line (``VmHWM``,
held to the target: the same moment the old self-test, which exited there, was measured
at), and its peak RSS over the whole run (the warm-up, the PIN and the sales screen
included: reported) from ``getrusage(RUSAGE_CHILDREN)``. The variants
run in turn, rotating which goes first, after one unmeasured warm-up each (which also
writes the .pyc files); medians are reported, and the minimum CPU time (user + system) and
wall time of the runs against the bare window's, which a loaded machine disturbs least.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import datagen
from bench.common import BENCH_DIR, DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.app import ENV_SELF_TEST
from kiosk_pos.core.setup import DEMO_OWNER_PIN, init_kiosk

NAME = "startup"
WALL_VS_BARE = 1.5
RSS_VS_BARE = 1.3
VS_EMPTY = 1.2
TIMEOUT_S = 120


@dataclass(frozen=True, slots=True)
class Run:
    wall: float       # spawn to the "ready in" line
    exit_wall: float  # spawn to exit
    peak_mib: float
    ready: float | None  # the child's own figure
    cpu: float           # the child's user + system CPU time, to exit
    cpu_ready: float | None  # its CPU time when "ready in" arrived (Linux), else None
    pin_to_sales: float | None  # from the login: a good PIN to the sales screen painted
    peak_ready_mib: float | None  # its peak RSS when "ready in" arrived (Linux), else None

    @property
    def peak_at_ready(self) -> float:
        return self.peak_mib if self.peak_ready_mib is None else self.peak_ready_mib


def _kiosk_command(data_dir: Path) -> list[str]:
    script = Path(sys.executable).with_name("kiosk-pos")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "kiosk_pos"]
    return [*base, "gui", "--self-test", "--data-dir", str(data_dir)]


def _bare_command() -> list[str]:
    return [sys.executable, str(BENCH_DIR / "bare_qt_window.py")]


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` under a fresh probe parent; its wall time to ready, its own peak RSS.
    ``env``: variables added to this process's environment for the child."""
    probe = [sys.executable, "-I", "-S", str(BENCH_DIR / "startup_probe.py"), *cmd]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=TIMEOUT_S,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(f"the start-up probe failed: {done.stderr.strip()[-300:]}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if got["code"] != 0 or got["ready_wall"] is None:
        raise RuntimeError(f"{' '.join(cmd[:3])} exited {got['code']} without 'ready in'")
    return Run(got["ready_wall"], got["exit_wall"], got["peak_mib"], got["ready"], got["cpu"],
               got.get("cpu_ready"), got.get("x_pin_to_sales"), got.get("peak_mib_ready"))


def _min_ready(runs: list[Run]) -> float:
    """The least CPU time to ready of ``runs`` (to exit where the probe could not tell)."""
    return min(r.cpu if r.cpu_ready is None else r.cpu_ready for r in runs)


def _demo_dir() -> Path:
    folder = DATA_DIR / "startup-demo"
    shutil.rmtree(folder, ignore_errors=True)
    init_kiosk(folder, "Konter Bench", DEMO_OWNER_PIN, demo=True).close()
    return folder


def run(quick: bool) -> list[Result]:
    repeats = 3 if quick else 7
    big_dir = datagen.ensure_database(datagen.LARGE)
    demo = _demo_dir()
    variants: dict[str, tuple[list[str], dict[str, str]]] = {
        "bare": (_bare_command(), {}),
        "login": (_kiosk_command(demo), {ENV_SELF_TEST: "login"}),
        "sales": (_kiosk_command(demo), {ENV_SELF_TEST: "sales"}),
        "1M": (_kiosk_command(big_dir), {ENV_SELF_TEST: "login"}),
    }
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    for cmd, env in variants.values():  # warm-up: page cache, .pyc files
        measure(cmd, env)
    names = list(variants)
    for i in range(repeats):
        order = names[i % len(names):] + names[:i % len(names)]
        for name in order:
            runs[name].append(measure(*variants[name]))
    wall = {n: median([r.wall for r in rs]) for n, rs in runs.items()}
    rss = {n: median([r.peak_at_ready for r in rs]) for n, rs in runs.items()}
    rss_run = {n: median([r.peak_mib for r in rs]) for n, rs in runs.items()}
    say(f"  {repeats} runs each, alternating; spawn to exit medians: " + ", ".join(
        f"{n} {median([r.exit_wall for r in rs]):.3f} s" for n, rs in runs.items()))
    say("  CPU time (user + system, to exit), steadier than wall time on a busy machine: "
        + ", ".join(f"{n} {median([r.cpu for r in rs]):.3f} s" for n, rs in runs.items()))
    say("  minimum of the runs (the least disturbed by a busy machine), vs bare: " + ", ".join(
        f"{n} CPU {min(r.cpu for r in runs[n]) / min(r.cpu for r in runs['bare']):.2f}x "
        f"(to ready {_min_ready(runs[n]) / _min_ready(runs['bare']):.2f}x), "
        f"wall {min(r.wall for r in runs[n]) / min(r.wall for r in runs['bare']):.2f}x"
        for n in runs if n != "bare"))
    pin = [r.pin_to_sales for r in runs["login"] if r.pin_to_sales is not None]
    cmd = "kiosk-pos gui --self-test"
    bare = "baseline: bare PySide6 QMainWindow process, spawn to ready"
    empty = "baseline: the same command on the empty demo database"
    return [
        ratio_result(NAME, f"{cmd} (demo) wall to the PIN login painted", wall["login"],
                     wall["bare"], "s", WALL_VS_BARE, note=bare),
        ratio_result(NAME, f"{cmd} (demo) peak RSS at the PIN login painted", rss["login"],
                     rss["bare"], "MiB", RSS_VS_BARE,
                     note="baseline: bare PySide6 QMainWindow process (its peak at ready)"),
        Result(NAME, f"{cmd} (demo) peak RSS of the whole run: login, warm-up, PIN, sales",
               rss_run["login"], rss_run["bare"], "MiB", "reported", None,
               note="the sales screen and the first login's queries included"),
        Result(NAME, f"{cmd} (demo) wall to the sales screen, a clerk logged in straight",
               wall["sales"], wall["bare"], "s", "reported", None,
               note=f"{ENV_SELF_TEST}=sales; " + bare),
        Result(NAME, f"{cmd} (demo) a good PIN to the sales screen painted, median",
               median(pin) if pin else float("nan"), None, "s", "reported", None,
               note="in the same runs, after the login was ready"),
        ratio_result(NAME, f"{cmd} (1M sales) wall to the PIN login painted", wall["1M"],
                     wall["login"], "s", VS_EMPTY, note=empty),
        ratio_result(NAME, f"{cmd} (1M sales) peak RSS of the whole run", rss_run["1M"],
                     rss_run["login"], "MiB", VS_EMPTY, note=empty),
    ]
