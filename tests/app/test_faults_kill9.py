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

import os
import random
import sqlite3
import time
from pathlib import Path

import pytest

from tests.aids.kill9_processes import (
    CLI_KINDS,
    START_DEADLINE,
    Campaign,
    Cli,
    Driver,
    Promise,
    child_env,
    cli_has,
)

pytestmark = pytest.mark.slow

MIN_KILLS = 3  # rounds every campaign runs, whatever the time budget says

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
        if round_no >= MIN_KILLS and time.monotonic() - started > budget:
            break  # the budget bounds the extra rounds; a loaded machine still gets the minimum
        run_round(c, round_no)
        if c.problems or c.exhausted:
            break
    print("\n" + "\n".join(c.trace))
    print(f"{c.header()}; cli runs {c.cli_runs}; fd checks {c.fd_checks}; "
          f"{time.monotonic() - started:.1f} s")
    return c


def assert_clean(c: Campaign) -> None:
    assert not c.problems, c.header() + "\n" + "\n".join(c.problems[:20])
    assert c.kills >= MIN_KILLS, c.header()
    assert len(c.promised) >= c.kills, c.header()


def test_kill9_of_the_headless_app_loses_no_saved_sale(tmp_path):
    c = run_campaign(tmp_path, gui=False, rounds=24, budget=80.0)
    assert_clean(c)


def test_kill9_of_the_gui_loses_no_saved_sale(tmp_path):
    c = run_campaign(tmp_path, gui=True, rounds=10, budget=45.0)
    assert_clean(c)
