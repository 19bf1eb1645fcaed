"""A tiny parent for one start-up measurement: ``python bench/startup_probe.py CMD...``.

Runs CMD once and prints one JSON line: the wall time from spawn to the child's
``ready in`` line and to its exit, the child's own ``ready in`` figure, its exit code, and
its peak RSS and CPU time (user + system, to exit) from ``getrusage(RUSAGE_CHILDREN)``; on
Linux also ``cpu_ready``, the child's CPU time when its ``ready in`` line arrived (all its
threads' time on CPU, from ``/proc/PID/task/*/schedstat``): work moved after the first
paint, or left to threads still running, counts in ``cpu`` but not here. When the child
also prints ``sales screen in X s after the PIN`` (the self-test from the login), that
figure is ``x_pin_to_sales``, else null. ``peak_mib_ready`` is the child's peak RSS when
its ``ready in`` line arrived (``VmHWM``, Linux), else null.

Why a separate process: on Linux a child's ``ru_maxrss`` starts from the RSS of the
process that spawned it (exec carries the old address space's high-water mark over), so
measured from the benchmark runner, which has loaded the app and SQLAlchemy, every child
looked as large as the runner. This parent imports only the standard library and spawns
nothing else, so RUSAGE_CHILDREN is this one child.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time

READY = re.compile(r"ready in ([0-9.]+) s")
SIGNED_IN = re.compile(r"sales screen in ([0-9.]+) s after the PIN")


def _cpu_now(pid: int) -> float | None:
    """Seconds on CPU so far of every thread of ``pid`` (Linux), or None."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as fh:
                total += int(fh.read().split()[0])  # nanoseconds on CPU
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9 if total else None  # an exited child has no threads left


def _peak_mib_now(pid: int) -> float | None:
    """The peak RSS so far of ``pid`` (``VmHWM``, Linux), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def main(cmd: list[str]) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a real install runs from .pyc files
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env, text=True)
    ready_wall = own = cpu_ready = signed_in = peak_ready = None
    assert proc.stdout is not None
    for line in proc.stdout:
        found = READY.search(line)
        if found and ready_wall is None:
            ready_wall = time.perf_counter() - start
            cpu_ready = _cpu_now(proc.pid)
            peak_ready = _peak_mib_now(proc.pid)
            own = float(found.group(1))
        found = SIGNED_IN.search(line)
        if found:
            signed_in = float(found.group(1))
    code = proc.wait()
    exit_wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    print(json.dumps({"ready_wall": ready_wall, "exit_wall": exit_wall, "ready": own,
                      "code": code, "peak_mib": usage.ru_maxrss * scale / 2**20,
                      "cpu": usage.ru_utime + usage.ru_stime, "cpu_ready": cpu_ready,
                      "x_pin_to_sales": signed_in, "peak_mib_ready": peak_ready}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
