"""What every benchmark shares: the result record, medians, the data folder, the machine.

A benchmark reports; it never gates. Each result carries its own baseline measured in
the same run, so a slow machine moves both sides and the ratio stays meaningful.
"""

from __future__ import annotations

import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"


@dataclass(frozen=True, slots=True)
class Result:
    """One measured figure beside its baseline, and the target it is held to."""

    bench: str
    metric: str
    value: float
    baseline: float | None
    unit: str
    target: str
    passed: bool | None  # None: reported only, no target
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "-"
        return "PASS" if self.passed else "FAIL"


def ratio_result(bench: str, metric: str, value: float, baseline: float, unit: str,
                 max_ratio: float, *, limit: float | None = None, note: str = "") -> Result:
    """A result held to ``value <= max_ratio * baseline`` (and ``value <= limit`` if given)."""
    ok = value <= max_ratio * baseline
    target = f"<= {max_ratio:g}x"
    if limit is not None:
        ok = ok and value <= limit
        target = f"<= {fmt(limit, unit)} and {target}"
    return Result(bench, metric, value, baseline, unit, target, ok, note)


def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} us"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.3f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:.3g} {unit}".strip()


def fmt_ratio(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def say(text: str = "") -> None:
    print(text, flush=True)


def print_result(r: Result) -> None:
    say(f"  {r.metric}: {fmt(r.value, r.unit)}  baseline {fmt(r.baseline, r.unit)}  "
        f"ratio {fmt_ratio(r.ratio)}  target {r.target}  {r.verdict}"
        + (f"  ({r.note})" if r.note else ""))


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _df_line(path: Path) -> str:
    out = subprocess.run(["df", "-hT", str(path)], capture_output=True, text=True).stdout
    lines = out.splitlines()
    if len(lines) < 2:
        return "?"
    fields = lines[1].split()
    return f"{fields[0]} ({fields[1]}, {fields[2]} total, {fields[4]} available)"


def _memory() -> str:
    out = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    return out[1].split()[1] if len(out) > 1 else "?"


def machine() -> dict[str, str]:
    """What the figures were measured on (for the report)."""
    import sqlite3

    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": f"{cpu_model()}, nproc {_first_line(['nproc'])}",
        "memory": _memory(),
        "disk": _df_line(BENCH_DIR),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }


def free_disk_gib(path: Path) -> float:
    return shutil.disk_usage(path).free / 2**30


def stop_server_child(child: subprocess.Popen) -> None:
    """End a benchmark's server process: close its stdin (its signal to stop), then wait
    for it, and kill it if it does not go within 30 s."""
    if child.stdin:
        child.stdin.close()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()


def tree_pids(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    pids = [pid]
    for p in list(pids):
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        pids += [int(c) for c in children]
    return pids


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KB."""
    total = 0
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def postgres_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this machine's PostgreSQL: its live
    processes (by name) and the backends that have ended (the postmaster's reaped
    children's time), so a connection closed meanwhile does not take its CPU with it."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, _, rest = stat.partition(") ")
        if name.endswith("(postgres"):
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])
            parent = Path(f"/proc/{fields[1]}/comm")
            try:
                postmaster = parent.read_text().strip() != "postgres"
            except OSError:
                postmaster = True
            if postmaster:
                total += int(fields[13]) + int(fields[14])  # cutime + cstime
    return total / 100.0


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants."""
    total = 0.0
    for p in tree_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in ticks
        except (OSError, IndexError, ValueError):
            pass
    return total
