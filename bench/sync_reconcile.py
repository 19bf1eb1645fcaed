"""Reconcile a day of ~100,000 server-side changes, against the raw pull alone.

Set-up: one kiosk sells N pulsa top-ups (N = 34,000: each makes a ``topup`` change, a ledger
row and a final status change at the distributor, so ~102,000 feed rows), the relay pushes
them and the server's worker finishes them with the simulator. Measured:

- baseline: the raw pull alone: read the whole ``/v1/changes`` feed page by page (500 rows),
  parsed into wire models, nothing applied;
- figure: the kiosk's real pull (``kiosk_pos.sync.pull.pull``: statuses and ledger rows
  applied to the store) followed by ``reconcile_day`` for the day. Target: <= 2x (issue 12).
- also: ``reconcile_day`` alone on the pulled day, against its own raw GETs
  (``/v1/transactions`` and ``/v1/ledger`` for the day's window). Target: <= 3x.
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.sync_push import FAST, make_kiosk, print_rows, row

NAME = "sync_reconcile"
N_TOPUPS = 34_000
QUICK_TOPUPS = 3_400
MAX_RATIO = 3.0
PULL_RATIO = 2.0
PAGE = 500


def _wait_settled(server: Any, kiosk_id: int, timeout: float) -> None:
    from distributor_server.models import TopUp
    from sqlalchemy import func, select

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with server.ctx.db.read() as session:
            pending = session.scalar(select(func.count()).select_from(TopUp).where(
                TopUp.kiosk_id == kiosk_id, TopUp.status == "pending"))
        if not pending:
            return
        time.sleep(0.5)
    raise RuntimeError("the server did not finish the top-ups in time")


def main(quick: bool = False) -> list[dict[str, Any]]:
    from distributor_server.embedded import start_embedded

    from kiosk_pos.core.clock import day_bounds_utc
    from kiosk_pos.sync.pull import pull
    from kiosk_pos.sync.reconcile import SKEW_MARGIN, reconcile_day
    from kiosk_pos.sync.relay import relay_all

    n = QUICK_TOPUPS if quick else N_TOPUPS
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-reconcile-") as tmp:
        folder = Path(tmp)
        server = start_embedded(f"sqlite:///{folder / 'server.sqlite3'}",
                                key_file=folder / "master.key", **FAST)
        try:
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
                t0 = time.perf_counter()
                again = reconcile_day(kiosk, client)
                rec = time.perf_counter() - t0
                note = (f"{changes} server changes in {pages} pages; pull applied "
                        f"{pulled.changes_applied} in {pull_s:.2f} s, reconcile "
                        f"{full - pull_s:.2f} s: "
                        f"{len(result.matched)} matched, {len(result.resolved)} resolved, "
                        f"unexplained {result.unexplained}, ok={result.ok}")
                rows.append(row(f"pull + reconcile a day of {changes} changes", full, "s", raw,
                                f"<= {PULL_RATIO:g}x", full <= PULL_RATIO * raw, note))
                rows.append(row("reconcile alone (day already pulled)", rec, "s", raw_rec,
                                f"<= {MAX_RATIO:g}x", rec <= MAX_RATIO * raw_rec,
                                f"baseline = raw GET transactions + ledger; "
                                f"{len(again.matched)} matched"))
            finally:
                client.close()
                kiosk.close()
        finally:
            server.stop()
    print_rows(rows)
    return rows


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
