"""Time helpers: UTC for storage, the distributor's local day for deposit tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone(name: str) -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database (bare Windows): Jakarta has no DST
        return timezone(timedelta(hours=7), "WIB")


def end_of_local_day(now: datetime, zone_name: str) -> datetime:
    """The last instant of ``now``'s local day, in UTC."""
    zone = local_zone(zone_name)
    local = now.astimezone(zone)
    end = local.replace(hour=23, minute=59, second=59, microsecond=0)
    return end.astimezone(UTC)
