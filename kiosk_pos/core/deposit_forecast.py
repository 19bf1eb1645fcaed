"""When the deposit runs out, and how much to top it up: a forecast a shop can act on.

The last 28 days of electronic sales, as the deposit ledger records them (each top-up's
cost is a debit at sale time, a failed top-up's cost comes back as a refund), are summed
by hour of the week in the kiosk's time zone: a konter sells more on Saturday evening than
on Monday at 3 a.m. Each of the 168 hours' expected cost is its total over the window
divided by the weeks the window really covers (a kiosk two weeks old counts two weeks, not
four). Walking forward from now, hour by hour, the expected costs are taken from the
balance; where they reach it is ``runs_out_at``. ``suggested_topup`` is what the next
``days`` days are expected to cost beyond the balance, rounded up to Rp10.000.

Bounded by the window, never by the kiosk's history: the rows are read through the ledger's
``created_at`` index (see tests/store/test_query_plans.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from kiosk_pos.core.clock import db_text, utc_now
from kiosk_pos.store import Database

WINDOW_DAYS = 28
HORIZON_DAYS = 60          # beyond this, "runs out" is not a forecast worth showing
ROUND_TO = 10_000
HOURS_A_WEEK = 7 * 24
DEFAULT_DAYS = 7

_COSTS = ("SELECT created_at, amount FROM deposit_ledger "
          "WHERE created_at >= ? AND reason IN ('topup', 'refund')")
_OLDEST = "SELECT min(created_at) FROM deposit_ledger"


@dataclass(frozen=True, slots=True)
class DepositForecast:
    balance: int
    daily_cost: int                 # expected net cost of top-ups per day
    runs_out_at: datetime | None    # UTC; None when not within HORIZON_DAYS (or no sales)
    suggested_topup: int            # to last ``days`` days; 0 when the balance already does
    days: int
    history_days: float             # the span of history the figures stand on

    def runs_out_within(self, span: timedelta, now: datetime) -> bool:
        return self.runs_out_at is not None and self.runs_out_at <= now + span

    def as_json(self) -> dict[str, object]:
        return {"balance": self.balance, "daily_cost": self.daily_cost,
                "runs_out_at": self.runs_out_at.isoformat() if self.runs_out_at else None,
                "suggested_topup": self.suggested_topup, "days": self.days,
                "history_days": round(self.history_days, 2)}


def _hour_of_week(moment: datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


_MICRO = timedelta(microseconds=1)
_HOUR_US = timedelta(hours=1) // _MICRO
_WEEK_US = timedelta(weeks=1) // _MICRO


def hourly_profile(costs: Iterable[tuple[datetime, int]], zone: ZoneInfo,
                   weeks: Fraction) -> list[Fraction]:
    """Expected cost in each hour of the week (Monday 00:00 local first), in exact rupiah
    fractions: money stays whole rupiah, only the averages are rational."""
    totals = [0] * HOURS_A_WEEK
    for moment, cost in costs:
        totals[_hour_of_week(moment, zone)] += cost
    return [Fraction(total) / weeks for total in totals]  # a refund hour may be below zero


def _walk(profile: list[Fraction], zone: ZoneInfo, start: datetime, budget: int | None,
          hours: int) -> tuple[datetime | None, Fraction]:
    """(when ``budget`` rupiah are used up, or None; the cost expected over ``hours``)."""
    spent = Fraction(0)
    runs_out: datetime | None = None
    moment = start
    end = start + timedelta(hours=hours)
    while moment < end:
        hour_start = moment.astimezone(zone).replace(minute=0, second=0, microsecond=0)
        next_hour = min((hour_start + timedelta(hours=1)).astimezone(UTC), end)
        span_us = (next_hour - moment) // _MICRO
        cost = profile[_hour_of_week(moment, zone)] * Fraction(span_us, _HOUR_US)
        if runs_out is None and budget is not None and cost > 0 and spent + cost >= budget:
            runs_out = moment + _MICRO * round(span_us * (budget - spent) / cost)
        spent += cost
        moment = next_hour
    return runs_out, spent


def forecast(balance: int, costs: Iterable[tuple[datetime, int]], *, now: datetime,
             oldest: datetime | None, timezone: str, days: int = DEFAULT_DAYS,
             window_days: int = WINDOW_DAYS) -> DepositForecast:
    """The forecast from ``costs`` (moment, net cost) of the last ``window_days``."""
    zone = ZoneInfo(timezone)
    window_start = now - timedelta(days=window_days)
    span_start = max(window_start, oldest) if oldest is not None else now
    history = max(now - span_start, timedelta(0))
    # less than a day of history counts as one day
    weeks = Fraction(max(history, timedelta(days=1)) // _MICRO, _WEEK_US)
    profile = hourly_profile(costs, zone, weeks)
    daily = sum(profile, Fraction(0)) / 7
    history_days = history / timedelta(days=1)  # a span of time, shown, never money
    if daily <= 0:
        return DepositForecast(balance, 0, None, 0, days, history_days)
    if balance <= 0:
        runs_out: datetime | None = now
    else:
        runs_out, _ = _walk(profile, zone, now, balance, HORIZON_DAYS * 24)
    _, needed = _walk(profile, zone, now, None, days * 24)
    short = needed - balance
    suggested = 0 if short <= 0 else math.ceil(short / ROUND_TO) * ROUND_TO
    return DepositForecast(balance, round(daily), runs_out, suggested, days, history_days)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def deposit_forecast(db: Database, *, timezone: str, days: int = DEFAULT_DAYS,
                     now: datetime | None = None) -> DepositForecast:
    """Read the window's costs and the balance in one read transaction, then forecast."""
    from kiosk_pos.core.sale_reads import deposit_balance

    now = now or utc_now()
    since = db_text(now - timedelta(days=WINDOW_DAYS))
    with db.read_raw() as cur:
        rows = cur.execute(_COSTS, (since,)).fetchall()
        oldest_text = cur.execute(_OLDEST).fetchone()[0]
        balance = deposit_balance(cur)
    costs = [(_parse(created), -int(amount)) for created, amount in rows]
    oldest = _parse(oldest_text) if oldest_text else None
    return forecast(balance, costs, now=now, oldest=oldest, timezone=timezone, days=days)


def runs_out_phrase(fc: DepositForecast, timezone: str) -> str:
    """'cukup sampai Kamis sekitar 14.00' (or why there is no such day), in the UI language."""
    from kiosk_pos.i18n import tr

    if fc.daily_cost == 0:
        return tr("forecast.no_sales")
    if fc.runs_out_at is None:
        return tr("forecast.lasts_long", days=HORIZON_DAYS)
    local = fc.runs_out_at.astimezone(ZoneInfo(timezone))
    return tr("forecast.until", day=tr(f"weekday.{local.weekday()}"),
              date=f"{local.day}/{local.month}", time=tr("forecast.clock", hour=local.hour,
                                                         minute=f"{local.minute:02d}"))


def describe(fc: DepositForecast, timezone: str) -> list[str]:
    """The forecast as the CLI and the owner's report say it: three short lines."""
    from kiosk_pos.i18n import tr

    lines = [tr("forecast.usage", balance=fc.balance, daily=fc.daily_cost,
                days=max(1, round(min(fc.history_days, WINDOW_DAYS)))),
             runs_out_phrase(fc, timezone)]
    if fc.suggested_topup:
        lines.append(tr("forecast.suggest", amount=fc.suggested_topup, days=fc.days))
    elif fc.daily_cost:
        lines.append(tr("forecast.enough", days=fc.days))
    return lines
