"""Reconcile a day of ~100,000 server-side changes, against the raw pull alone.

Set-up: one kiosk sells N pulsa top-ups (N = 34,000: each makes a ``topup`` change, a ledger
row and a final status change at the distributor, so ~102,000 feed rows), the relay pushes
them and the server's worker finishes them with the simulator. Measured:

- baseline: the raw pull alone: read the whole ``/v1/changes`` feed page by page (500 rows),
  parsed into wire models, nothing applied;
- figure: the kiosk's real pull (``kiosk_pos.sync.pull.pull``: statuses and ledger rows
  applied to the store) followed by ``reconcile_day`` for the day. Target: <= 2x (issue 12).
- also: ``reconcile_day`` alone on the pulled day, against its own raw GETs
  (``/v1/transactions`` and ``/v1/ledger`` for the day's window). Target: <= 3x. Reconcile
  asks for the day's summary first and downloads those lists only where it differs; the
  note gives that summary GET's own time.

The distributor runs in a child process (as in ``sync_busy_counter``): a real one is
another machine, and in this process its threads would queue on the kiosk's GIL, so the
kiosk could not apply one page while the server prepares the next.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import stop_server_child
from bench.sync_push import FAST, make_kiosk, print_rows, row

NAME = "sync_reconcile"
N_TOPUPS = 34_000
QUICK_TOPUPS = 3_400
MAX_RATIO = 3.0
PULL_RATIO = 2.0
PAGE = 500


_CHILD = """
import json, sys
from distributor_server.embedded import start_embedded
h = start_embedded(sys.argv[1], key_file=sys.argv[2], **json.loads(sys.argv[3]))
print(h.url, flush=True)
sys.stdin.read()
h.stop()
"""


class _ChildServer:
    """The embedded distributor in a child process, with what ``make_kiosk`` asks of it."""

    def __init__(self, folder: Path) -> None:
        self.db_file = folder / "server.sqlite3"
        self.db_url, self.key = f"sqlite:///{self.db_file}", folder / "master.key"
        self.url = ""

    def create_kiosk(self, name: str) -> Any:
        from distributor_server.embedded import create_kiosk

        return create_kiosk(self.db_url, name, key_file=self.key)

    def credit_deposit(self, kiosk_id: int, amount: int) -> Any:
        from distributor_server.embedded import credit_deposit

        return credit_deposit(self.db_url, kiosk_id, amount, key_file=self.key)


@contextmanager
def _server(folder: Path) -> Iterator[_ChildServer]:
    import json

    server = _ChildServer(folder)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, server.db_url, str(server.key),
                              json.dumps(FAST)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        server.url = (child.stdout.readline() if child.stdout else "").strip()
        if not server.url.startswith("http"):
            raise RuntimeError("the distributor server did not start")
        yield server
    finally:
        stop_server_child(child)


def _wait_settled(server: _ChildServer, kiosk_id: int, timeout: float) -> None:
    """Until the server's worker has finished every top-up of the kiosk (read straight
    from the server's SQLite file, read-only)."""
    deadline = time.monotonic() + timeout
    conn = sqlite3.connect(f"file:{server.db_file}?mode=ro", uri=True)
    try:
        while time.monotonic() < deadline:
            (pending,) = conn.execute("SELECT count(*) FROM topups WHERE kiosk_id = ? AND "
                                      "status = 'pending'", (kiosk_id,)).fetchone()
            if not pending:
                return
            time.sleep(0.5)
    finally:
        conn.close()
    raise RuntimeError("the server did not finish the top-ups in time")


def main(quick: bool = False) -> list[dict[str, Any]]:
    from kiosk_pos.core.clock import day_bounds_utc, utc_now
    from kiosk_pos.sync.pull import pull
    from kiosk_pos.sync.reconcile import SKEW_MARGIN, reconcile_day
    from kiosk_pos.sync.relay import relay_all

    n = QUICK_TOPUPS if quick else N_TOPUPS
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-reconcile-") as tmp:
        folder = Path(tmp)
        with _server(folder) as server:
            kiosk, client = make_kiosk(folder / "kiosk", server, n)
            try:
                relay_all(kiosk, client, batch_size=1000)
                _wait_settled(server, client.kiosk_id, timeout=600)
                changes = client.balance().change_seq
                t0 = time.perf_counter()
                cursor, pages = 0, 0
                while True:  # the raw pull: read the whole feed, apply nothing
                    page = client.changes(cursor, limit=PAGE)
                    cursor, pages = page.next_cursor, pages + 1
                    if not page.has_more:
                        break
                raw = time.perf_counter() - t0
                t0 = time.perf_counter()
                pulled = pull(kiosk, client, limit=PAGE)
                pull_s = time.perf_counter() - t0
                result = reconcile_day(kiosk, client)
                full = time.perf_counter() - t0
                start, end = day_bounds_utc(kiosk.today(), kiosk.timezone())
                t0 = time.perf_counter()
                client.transactions(start - SKEW_MARGIN, end + SKEW_MARGIN)
                client.ledger(start - SKEW_MARGIN, end + timedelta(days=1))
                raw_rec = time.perf_counter() - t0
                t0 = time.perf_counter()  # what reconcile asks first (None: an older server)
                told = client.day_summary(start, end, SKEW_MARGIN,
                                          utc_now() + timedelta(days=1))
                summary_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                again = reconcile_day(kiosk, client)
                rec = time.perf_counter() - t0
                note = (f"{changes} server changes in {pages} pages; pull applied "
                        f"{pulled.changes_applied} in {pull_s:.2f} s ({pull_s / raw:.2f}x "
                        f"the raw pull), reconcile "
                        f"{full - pull_s:.2f} s: "
                        f"{len(result.matched)} matched, {len(result.resolved)} resolved, "
                        f"unexplained {result.unexplained}, ok={result.ok}")
                rows.append(row(f"pull + reconcile a day of {changes} changes", full, "s", raw,
                                f"<= {PULL_RATIO:g}x", full <= PULL_RATIO * raw, note))
                rows.append(row("reconcile alone (day already pulled)", rec, "s", raw_rec,
                                f"<= {MAX_RATIO:g}x", rec <= MAX_RATIO * raw_rec,
                                f"baseline = raw GET transactions + ledger; the day's "
                                f"summary GET alone {summary_s * 1000:.0f} ms"
                                f"{'' if told else ' (not offered)'}; "
                                f"{len(again.matched)} matched"))
            finally:
                client.close()
                kiosk.close()
    print_rows(rows)
    return rows


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
