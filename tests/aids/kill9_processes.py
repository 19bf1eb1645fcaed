"""The processes of the kill -9 campaign (tests/app/test_faults_kill9.py): the app driver
that sells until it is killed, the CLI runs beside it, and the campaign's bookkeeping of
every sale a process reported saved."""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI_GOODS = ("ACC-CBL", "ACC-CHG", "ACC-EAR")  # the driver leaves these to the CLI
CLI_KINDS = ("history", "report", "products", "sell", "sell", "backup")
JAKARTA = timezone(timedelta(hours=7))
START_DEADLINE = 60.0  # seconds for a driver to report its first sale
CLI_DEADLINE = 60.0


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KIOSK_POS_DATA_DIR", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    paths = [str(REPO), str(REPO / "protocol"), str(REPO / "server")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


@dataclass(frozen=True)
class Promise:
    total: int
    refs: frozenset[str]
    by: str


@dataclass
class Campaign:
    data_dir: Path
    seed: int
    gui: bool
    rng: random.Random
    env: dict[str, str]
    logs: Path
    promised: dict[int, Promise] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    kills: int = 0
    cli_runs: dict[str, int] = field(default_factory=dict)
    fd_checks: int = 0
    has_backup: bool = False
    cli_kinds: tuple[str, ...] = CLI_KINDS
    trace: list[str] = field(default_factory=list)
    exhausted: bool = False  # the demo deposit and the goods ran out: nothing left to sell

    def fail(self, text: str) -> None:
        self.problems.append(text)

    def promise(self, sale_id: int, total: int, refs: frozenset[str], by: str) -> None:
        old = self.promised.get(sale_id)
        if old is not None and (old.total, old.refs) != (total, refs):
            # the same id handed out twice: one of the two sales was written where nobody
            # else could see it (the WAL unlinked under a live connection)
            self.fail(f"sale id {sale_id} reported saved twice with different contents: "
                      f"{old} and {Promise(total, refs, by)}")
        self.promised[sale_id] = Promise(total, refs, by)

    def header(self) -> str:
        return (f"seed={self.seed} (rerun with KIOSK_FAULT_SEED={self.seed}), gui={self.gui}, "
                f"kills={self.kills}, sales promised={len(self.promised)}, "
                f"logs in {self.logs}")


# -- the driver (the real app) -----------------------------------------------------------
class Driver:
    def __init__(self, c: Campaign, round_no: int) -> None:
        self.c = c
        self.name = f"driver round {round_no}"
        self.stderr_path = c.logs / f"driver-{round_no}.err"
        args = [sys.executable, "-m", "tests.aids.app_driver", "--data-dir", str(c.data_dir),
                "--seed", str(c.rng.randrange(2**31)), "--pace", "0.1"]
        if c.gui:
            args.append("--gui")
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(args, cwd=REPO, env=c.env, stdout=subprocess.PIPE,
                                         stderr=err, stdin=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.saved = 0
        self.ready = False
        self.idle = False  # it found nothing it could still sell
        self.unlinked: set[str] = set()
        self.refused = 0  # carts the core refused (stock, deposit) or nothing left to sell
        self.services_up: float | None = None
        self.first_saved: float | None = None
        self.saved_ids_at: list[tuple[float, int]] = []

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))
        self.lines.put((time.monotonic(), None))

    def pump(self, timeout: float = 0.0) -> bool:
        """Take in what the driver printed; False once its output has ended."""
        try:
            at, line = self.lines.get(timeout=timeout) if timeout else self.lines.get_nowait()
        except queue.Empty:
            return True
        while True:
            if line is None:
                return False
            self._take(at, line)
            try:
                at, line = self.lines.get_nowait()
            except queue.Empty:
                return True

    def _take(self, at: float, line: str) -> None:
        parts = line.split()
        if parts and parts[0] == "READY":
            self.ready = True
        if parts and parts[0] in ("REFUSED", "IDLE"):
            self.refused += 1
        if parts and parts[0] == "IDLE":
            self.idle = True
        if parts and parts[0] == "STARTED":
            self.services_up = at
        if not parts or parts[0] != "SAVED":
            if parts and parts[0] == "STUCK":
                self.c.fail(f"{self.name}: the sales screen got stuck: {line}")
            return
        sale_id, total = int(parts[1]), int(parts[2])
        refs = frozenset() if parts[3] == "-" else frozenset(parts[3].split(","))
        self.c.promise(sale_id, total, refs, self.name)
        self.saved += 1
        self.saved_ids_at.append((at, sale_id))
        if self.first_saved is None:
            self.first_saved = at

    def ids_saved_before(self, moment: float) -> set[int]:
        return {sale_id for at, sale_id in self.saved_ids_at if at < moment}

    def stderr_tail(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def check_fds(self) -> None:
        """The defect's own fingerprint: the live process holds an unlinked WAL or SHM."""
        fd_dir = Path(f"/proc/{self.proc.pid}/fd")
        try:
            names = os.listdir(fd_dir)
        except OSError:
            return
        self.c.fd_checks += 1
        for name in names:
            try:
                target = os.readlink(fd_dir / name)
            except OSError:
                continue
            base = os.path.basename(target)
            if base.startswith("kiosk.db") and target.endswith(" (deleted)") \
                    and target not in self.unlinked:
                self.unlinked.add(target)
                self.c.fail(f"{self.name}: pid {self.proc.pid} holds {target!r}: the database's "
                            f"WAL/SHM was unlinked under a live connection")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.reader.join(30)
        self.pump()


# -- CLI processes beside it ----------------------------------------------------------------
class Cli:
    def __init__(self, c: Campaign, kind: str, saved_before: set[int]) -> None:
        self.c = c
        self.kind = kind
        self.saved_before = saved_before
        self.day = datetime.now(JAKARTA).date()
        base = [sys.executable, "-m", "kiosk_pos"]
        common = ["--data-dir", str(c.data_dir)]
        if kind == "history":
            args = base + ["history", *common, "--json"]
        elif kind == "report":
            args = base + ["report", "daily", *common, "--json"]
        elif kind == "products":
            args = base + ["products", *common]
        elif kind == "backup":
            args = base + ["backup", *common, "--pin", "9999"]
        elif c.rng.random() < 0.25:  # now and then a top-up from the CLI
            number = "0852" + "".join(c.rng.choice("0156789") for _ in range(8))
            args = base + ["sell", *common, "--sku", "TSEL5", "--to", number,
                           "--pin", "1111", "--json"]
        else:
            args = base + ["sell", *common, "--sku", c.rng.choice(CLI_GOODS),
                           "--pin", "1111", "--json"]
        self.args = args
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, cwd=REPO, env=c.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        c.cli_runs[kind] = c.cli_runs.get(kind, 0) + 1

    def finish(self) -> None:
        try:
            out, err = self.proc.communicate(timeout=CLI_DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            self.c.fail(f"{' '.join(self.args[2:])} did not finish in {CLI_DEADLINE} s")
            return
        what = " ".join(self.args[3:4] + self.args[2:3])
        rc = self.proc.returncode
        if self.kind == "sell":
            if rc == 0:
                sale = json.loads(out)
                refs = frozenset(ln["ref_id"] for ln in sale["lines"] if ln.get("ref_id"))
                self.c.promise(int(sale["id"]), int(sale["total"]), refs, "cli sell")
            elif not (rc == 2 and ("stok" in err.lower() or "stock" in err.lower()
                                   or "deposit" in err.lower() or "saldo" in err.lower())):
                self.c.fail(f"cli sell exited {rc}: {err.strip()[-500:]}")
            return
        if rc != 0:
            self.c.fail(f"cli {self.args[3]} {what} exited {rc}: {err.strip()[-500:]}")
            return
        if self.kind == "history" and datetime.now(JAKARTA).date() == self.day:
            seen = {int(s["id"]) for s in json.loads(out)}
            hidden = sorted(self.saved_before - seen)
            if hidden:
                self.c.fail(f"cli history started after sales {hidden[:10]} (of {len(hidden)}) "
                            f"were reported saved, and did not see them")


def cli_has(env: dict[str, str], command: str) -> bool:
    done = subprocess.run([sys.executable, "-m", "kiosk_pos", command, "--help"], cwd=REPO,
                          env=env, capture_output=True, timeout=60)
    return done.returncode == 0


# -- what the store must hold after every kill --------------------------------------------
