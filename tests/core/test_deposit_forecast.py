"""The deposit forecast: when the deposit runs out and what to top up, from 28 days of sales
by hour of week, checked on generated history whose answer is worked out by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk_pos.core import deposit
from kiosk_pos.core.deposit_forecast import deposit_forecast, describe, forecast

JAKARTA = ZoneInfo("Asia/Jakarta")
# Monday 23 November 2026, 08:00 in Jakarta
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=JAKARTA).astimezone(UTC)


def ten_oclock_sales(days: int, cost: int) -> list[tuple[datetime, int]]:
    """One top-up costing ``cost`` at 10:00 local on each of the last ``days`` days."""
    out = []
    for back in range(1, days + 1):
        day = (NOW - timedelta(days=back)).astimezone(JAKARTA)
        out.append((day.replace(hour=10, minute=0).astimezone(UTC), cost))
    return out


def test_runs_out_where_the_hand_worked_answer_says():
    costs = ten_oclock_sales(28, 100_000)
    fc = forecast(250_000, costs, now=NOW, oldest=NOW - timedelta(days=60),
                  timezone="Asia/Jakarta", days=7)
    assert fc.daily_cost == 100_000
    # Monday 10-11 takes 100k (150k left), Tuesday 10-11 another (50k left), Wednesday's
    # 10-11 hour uses the last 50k halfway through: 10:30.
    assert fc.runs_out_at == datetime(2026, 11, 25, 10, 30, tzinfo=JAKARTA)
    assert fc.suggested_topup == 7 * 100_000 - 250_000
    assert describe(fc, "Asia/Jakarta")[1] == "Deposit cukup sampai Rabu 25/11 sekitar 10.30."


def test_hour_of_week_matters_and_a_young_kiosk_counts_only_its_own_weeks():
    # two weeks old: Saturdays 19:00 sell 300k, nothing else
    costs = []
    for week in (1, 2):
        saturday = datetime(2026, 11, 21, 19, 0, tzinfo=JAKARTA) - timedelta(weeks=week - 1)
        costs.append((saturday.astimezone(UTC), 300_000))
    fc = forecast(1_000_000, costs, now=NOW, oldest=NOW - timedelta(days=14),
                  timezone="Asia/Jakarta", days=7)
    assert fc.daily_cost == round(300_000 / 7)  # 300k a week, not 150k (not four weeks)
    # 300k each Saturday 19:00: 28/11 (700k left), 5/12 (400k), 12/12 (100k), 19/12 runs out
    # a third of the way into the hour.
    assert fc.runs_out_at == datetime(2026, 12, 19, 19, 20, tzinfo=JAKARTA)
    assert fc.suggested_topup == 0  # one Saturday in the next 7 days: 300k < 1M


def test_refunds_count_back_and_no_sales_means_no_forecast():
    costs = ten_oclock_sales(28, 100_000) + [(t, -c) for t, c in ten_oclock_sales(28, 100_000)]
    fc = forecast(50_000, costs, now=NOW, oldest=None, timezone="Asia/Jakarta")
    assert fc.daily_cost == 0 and fc.runs_out_at is None and fc.suggested_topup == 0
    assert "Belum ada penjualan" in describe(fc, "Asia/Jakarta")[1]
    empty = forecast(0, [], now=NOW, oldest=None, timezone="Asia/Jakarta")
    assert empty.runs_out_at is None


def test_an_empty_deposit_has_run_out_now():
    fc = forecast(0, ten_oclock_sales(28, 100_000), now=NOW, oldest=NOW - timedelta(days=40),
                  timezone="Asia/Jakarta", days=1)
    assert fc.runs_out_at == NOW and fc.suggested_topup == 100_000


def test_read_from_the_kiosk_ledger(kiosk):
    """The kiosk's own ledger rows (debits and a refund) give the same figures."""
    with kiosk.db.write() as conn:
        for moment, cost in ten_oclock_sales(28, 100_000):
            deposit.append(conn, -cost, deposit.REASON_TOPUP, reference="r", at=moment)
        deposit.append(conn, 100_000, deposit.REASON_TOPUP_REFUND, reference="r",
                       at=NOW - timedelta(days=3))
        deposit.append(conn, -100_000, deposit.REASON_ADJUST, reference="old",  # not a sale
                       at=NOW - timedelta(days=2))
        deposit.append(conn, -100_000, deposit.REASON_TOPUP, reference="old",  # too old
                       at=NOW - timedelta(days=40))
    fc = deposit_forecast(kiosk.db, timezone="Asia/Jakarta", now=NOW)
    assert fc.balance == kiosk.deposit.balance()
    assert fc.daily_cost == round((28 - 1) * 100_000 / 28)
    assert fc.runs_out_at is None or fc.runs_out_at > NOW


def test_the_window_is_read_through_the_index_not_the_history(kiosk):
    from kiosk_pos.core.deposit_forecast import _COSTS

    with kiosk.db.read_raw() as cur:
        plan = " ".join(str(row[-1]) for row in
                        cur.execute(f"EXPLAIN QUERY PLAN {_COSTS}", ("2026-01-01",)))
    assert "ix_deposit_ledger_created_at" in plan and "SCAN deposit_ledger" not in plan


def test_cli_forecast(kiosk, tmp_path):
    folder = kiosk.db.path.parent
    with kiosk.db.write() as conn:
        for moment, cost in ten_oclock_sales(28, 500_000):
            deposit.append(conn, -cost, deposit.REASON_TOPUP, reference="r",
                           at=moment + (datetime.now(UTC) - NOW))
    kiosk.close()
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_POS_DATA_DIR"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kiosk_pos", "deposit", "forecast", *args,
                               "--data-dir", str(folder)], capture_output=True, text=True,
                              env=env, timeout=60, stdin=subprocess.DEVNULL)

    done = cli("--json", "--days", "3")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["days"] == 3 and 27.9 <= data["history_days"] <= 28
    # 28 sales of 500k over the span the history covers (a little under 28 days)
    assert abs(data["daily_cost"] * data["history_days"] - 28 * 500_000) < 14_000_000 * 0.001
    # the demo's Rp5.000.000 opening less 28 x 500k: nothing left, it has run out
    assert data["balance"] < 0
    assert datetime.fromisoformat(data["runs_out_at"]) <= datetime.now(UTC)
    # three days of about 500k each, plus the debt, rounded up to Rp10.000
    expected = data["daily_cost"] * 3 - data["balance"]
    assert data["suggested_topup"] % 10_000 == 0
    assert expected - 30_000 <= data["suggested_topup"] <= expected + 30_000
    text = cli("--days", "3")
    assert text.returncode == 0 and "Saran isi deposit" in text.stdout
    for bad in ("0", "61", "x", "99999999999999999999", "٣"):
        refused = cli("--days", bad)
        assert refused.returncode == 2 and "1" in refused.stderr and "60" in refused.stderr
        assert "Traceback" not in refused.stderr
