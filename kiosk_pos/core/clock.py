"""Time: stored in UTC, a kiosk "day" is the local day in the kiosk's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # zoneinfo loads with the first local day asked for, not at start-up
    from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def zone(tz: str) -> ZoneInfo:
    """The time zone named ``tz`` (``Asia/Jakarta``)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(tz)


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> datetime:
    """Naive UTC for SQLite columns."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def db_text(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores, for the raw-cursor sale path."""
    return to_db(moment).strftime("%Y-%m-%d %H:%M:%S.%f")


def from_db(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(zone(tz)).date()


def day_bounds_utc(day: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants where the local ``day`` starts and ends."""
    local = zone(tz)
    start = datetime.combine(day, time.min, local)
    end = datetime.combine(day + timedelta(days=1), time.min, local)
    return start.astimezone(UTC), end.astimezone(UTC)
