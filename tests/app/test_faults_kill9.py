"""kill -9 the real app while it sells, with the CLI working on the same folder beside it.

The promise under test (docs/DESIGN.md, "Rules of the money"): once the clerk saw a sale
"saved", nothing takes it away, not even a power cut. Each round starts the real app run
(``tests/aids/app_driver.py``: AppSession with print queue, demo distributor and sync,
the integrity check and the backup job) on one data folder, lets it sell for a random
short time while other processes run ``kiosk-pos history / report daily / products /
sell / backup`` on the same folder, then SIGKILLs it at a random moment. After every kill
the file is opened again and must hold every sale any process reported saved, each whole
(lines, top-up, outbox row, ledger row, stock movement), and pass ``integrity_check``.

While the driver runs, its ``/proc/<pid>/fd`` is watched for ``kiosk.db-wal (deleted)``:
the symptom of the defect this guards against (a plain ``open()``/``close()`` of the
database file drops the process's POSIX locks, so another process's SQLite checkpoints
and unlinks the WAL under the live connection, and every later sale goes into a file
nobody will ever read again). A CLI started after a sale was reported must also see it.

Rounds are bounded by a count and a time budget; kill times come from one seed, printed
in every failure (rerun with ``KIOSK_FAULT_SEED=<seed>``).
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

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
def connect_ro(db: Path) -> sqlite3.Connection:
    """A read-only connection: it recovers the WAL the killed process left but never
    checkpoints or deletes it, so the next round starts from the crash as it was."""
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def check_store(c: Campaign, when: str) -> None:
    db = c.data_dir / "kiosk.db"
    conn = connect_ro(db)
    try:
        problems = store_problems(conn, c.promised)
    finally:
        conn.close()
    for text in problems:
        c.fail(f"{when}: {text}")


def store_problems(conn: sqlite3.Connection, promised: dict[int, Promise]) -> list[str]:
    bad: list[str] = []
    q = conn.execute

    def rows(sql: str) -> list[tuple]:
        return q(sql).fetchall()

    result = [r[0] for r in rows("PRAGMA integrity_check")]
    if result != ["ok"]:
        bad.append(f"integrity_check: {result[:5]}")
    if fk := rows("PRAGMA foreign_key_check"):
        bad.append(f"foreign_key_check: {fk[:5]}")

    totals = dict(rows("SELECT id, total FROM sales"))
    refs_of: dict[int, set[str]] = {}
    for sale_id, ref in rows("SELECT l.sale_id, t.ref_id FROM topups t "
                             "JOIN sale_lines l ON l.id = t.sale_line_id"):
        refs_of.setdefault(sale_id, set()).add(ref)
    lost = sorted(i for i in promised if i not in totals)
    if lost:
        bad.append(f"LOST: {len(lost)} sales reported saved are missing: "
                   + ", ".join(f"#{i} {promised[i]}" for i in lost[:10]))
    for sale_id, p in sorted(promised.items()):
        if sale_id in totals and (totals[sale_id], refs_of.get(sale_id, set())) != (
                p.total, set(p.refs)):
            bad.append(f"sale #{sale_id} is not the one {p.by} reported: total "
                       f"{totals[sale_id]} vs {p.total}, refs {refs_of.get(sale_id)} vs "
                       f"{set(p.refs)}")

    checks = {
        "sales without lines": """
            SELECT s.id FROM sales s
            WHERE NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id)""",
        "sales whose lines do not add up to the total": """
            SELECT s.id FROM sales s JOIN sale_lines l ON l.sale_id = s.id
            GROUP BY s.id HAVING s.total != SUM(l.qty * l.unit_price)""",
        "electronic lines without exactly one top-up": """
            SELECT l.id FROM sale_lines l LEFT JOIN topups t ON t.sale_line_id = l.id
            WHERE l.kind != 'physical' GROUP BY l.id HAVING COUNT(t.id) != 1""",
        "goods lines with a top-up": """
            SELECT l.id FROM sale_lines l JOIN topups t ON t.sale_line_id = l.id
            WHERE l.kind = 'physical'""",
        "top-ups without their outbox row": """
            SELECT t.id FROM topups t LEFT JOIN outbox o ON o.topup_id = t.id
            WHERE o.id IS NULL OR o.ref_id != t.ref_id""",
        "top-ups without a status event": """
            SELECT t.id FROM topups t
            WHERE NOT EXISTS (SELECT 1 FROM topup_events e WHERE e.topup_id = t.id)""",
        "top-ups without exactly one deposit debit for their sale": """
            SELECT t.id FROM topups t JOIN sale_lines l ON l.id = t.sale_line_id
            LEFT JOIN deposit_ledger d ON d.reference = t.ref_id AND d.reason = 'topup'
                 AND d.sale_id = l.sale_id AND d.amount = -t.cost
            GROUP BY t.id HAVING COUNT(d.id) != 1""",
        "goods lines without their stock movement": """
            SELECT l.id FROM sale_lines l
            WHERE l.kind = 'physical' AND NOT EXISTS (
                SELECT 1 FROM stock_movements m WHERE m.sale_id = l.sale_id
                AND m.product_id = l.product_id AND m.delta = -l.qty)""",
        "outbox rows without a top-up": """
            SELECT o.id FROM outbox o LEFT JOIN topups t ON t.id = o.topup_id
            WHERE t.id IS NULL""",
    }
    for what, sql in checks.items():
        if found := [r[0] for r in rows(sql)]:
            bad.append(f"{what}: {found[:10]} ({len(found)})")

    previous = None
    for row_id, amount, after in rows(
            "SELECT id, amount, balance_after FROM deposit_ledger ORDER BY id"):
        if previous is not None and after != previous + amount:
            bad.append(f"deposit ledger row {row_id}: {previous} + {amount} != {after}")
            break
        previous = after

    for sku, stock, moved, last in rows("""
            SELECT p.sku, p.stock, COALESCE(SUM(m.delta), 0),
                   (SELECT stock_after FROM stock_movements
                    WHERE product_id = p.id ORDER BY id DESC LIMIT 1)
            FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
            WHERE p.kind = 'physical' GROUP BY p.id"""):
        if not stock == moved == (last if last is not None else 0):
            bad.append(f"stock of {sku} is {stock}; its movements add up to {moved}, "
                       f"the last says {last}")
    return bad


# -- one campaign ---------------------------------------------------------------------------
def run_round(c: Campaign, round_no: int) -> None:
    """Start the app, sell, run the CLI beside it, kill -9 it, check the file.

    The kill comes 0.2 to 2 s after the first sale, or (every other round)
    0.2 to 2 s after the session's services are up: sync writing beside the sales, the
    integrity check done. CLI runs follow one another from the start, one more at random."""
    late = round_no % 2 == 1
    offset = c.rng.uniform(0.2, 2.0)
    extra_cli = c.rng.uniform(-1.0, offset)  # one more, beside the chain, at a random time
    driver = Driver(c, round_no)
    t0 = time.monotonic()
    clis: list[Cli] = []
    try:
        deadline = time.monotonic() + START_DEADLINE
        next_fd_check = 0.0
        while True:
            alive = driver.pump(timeout=0.01)
            now = time.monotonic()
            # a chain of CLI runs from the moment the folder exists: each one's exit is a
            # moment another process closes the file while the app is live
            if driver.ready and all(cli.proc.poll() is not None for cli in clis):
                clis.append(Cli(c, c.rng.choice(c.cli_kinds), driver.ids_saved_before(now)))
            anchor = driver.services_up if late else driver.first_saved
            if anchor is not None and driver.first_saved is not None:
                anchor = max(anchor, driver.first_saved)
                if now >= anchor + offset:
                    break
                if extra_cli is not None and now >= anchor + extra_cli:
                    extra_cli = None
                    clis.append(Cli(c, c.rng.choice(c.cli_kinds), driver.ids_saved_before(now)))
            if driver.ready and now >= next_fd_check:
                driver.check_fds()
                next_fd_check = now + 0.25
            if driver.idle and driver.first_saved is None:
                c.exhausted = True  # a long campaign sold the demo shop empty: stop here
                break
            if not alive or now > deadline:
                pytest.fail(f"{c.header()}\n{driver.name} ended by itself or is stuck "
                            f"(exit {driver.proc.poll()}, {driver.saved} sales, ready "
                            f"{driver.ready}, services {driver.services_up is not None}):\n"
                            f"{driver.stderr_tail()}")
        driver.pump()
        driver.check_fds()
    finally:
        driver.kill()
    c.kills += 1
    killed = time.monotonic()
    for cli in clis:
        cli.finish()
    finished = time.monotonic()
    check_store(c, f"after kill {c.kills} ({driver.name}, {driver.saved} sales reported, "
                   f"{'after' if late else 'before'} the services were up)")

    def at(moment: float | None) -> str:
        return "-" if moment is None else f"{moment - t0:.1f}"
    c.trace.append(f"round {round_no}: first sale {at(driver.first_saved)} s, services "
                   f"{at(driver.services_up)} s, kill {at(killed)} s ({driver.saved} sales, "
                   f"{'late' if late else 'early'}), {len(clis)} cli done {at(finished)} s, "
                   f"checked {at(time.monotonic())} s")


def run_campaign(tmp_path: Path, *, gui: bool, rounds: int, budget: float) -> Campaign:
    seed = int(os.environ.get("KIOSK_FAULT_SEED", "0")) or random.randrange(1, 2**31)
    logs = tmp_path / "logs"
    logs.mkdir()
    c = Campaign(tmp_path / "data", seed, gui, random.Random(seed), child_env(), logs)
    c.has_backup = cli_has(c.env, "backup")
    c.cli_kinds = CLI_KINDS if c.has_backup else tuple(k for k in CLI_KINDS if k != "backup")
    started = time.monotonic()
    for round_no in range(rounds):
        if round_no and time.monotonic() - started > budget:
            break
        run_round(c, round_no)
        if c.problems or c.exhausted:
            break
    print("\n" + "\n".join(c.trace))
    print(f"{c.header()}; cli runs {c.cli_runs}; fd checks {c.fd_checks}; "
          f"{time.monotonic() - started:.1f} s")
    return c


def assert_clean(c: Campaign) -> None:
    assert not c.problems, c.header() + "\n" + "\n".join(c.problems[:20])
    assert c.kills >= 3, c.header()
    assert len(c.promised) >= c.kills, c.header()


def test_kill9_of_the_headless_app_loses_no_saved_sale(tmp_path):
    c = run_campaign(tmp_path, gui=False, rounds=24, budget=80.0)
    assert_clean(c)


def test_kill9_of_the_gui_loses_no_saved_sale(tmp_path):
    c = run_campaign(tmp_path, gui=True, rounds=10, budget=45.0)
    assert_clean(c)
