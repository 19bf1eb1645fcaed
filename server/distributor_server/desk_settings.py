"""The service desk's settings: the complaint SLA and the incident rules' thresholds.

Kept in the database (rows of ``counters`` named ``desk.<name>``, whole numbers), so every
process of one distributor (API workers, senders, the command line) reads the same values;
a missing row is the default. Read in one primary-key look-up of at most :data:`SETTINGS`
rows, by the minute's incident check and by the complaint pages. Changed by an admin in the
console (Pengaturan) or with ``distributor-server settings set``; each change is audited with
the value before and after, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from distributor_server.db import Database
from distributor_server.models import Counter

if TYPE_CHECKING:
    from distributor_server.console.audit import Actor

PREFIX = "desk."


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    low: int
    high: int
    unit: str  # minutes, hours, days, percent, calls, rupiah


SETTINGS = (
    Setting("complaint_sla_minutes", 120, 5, 7 * 24 * 60, "minutes"),
    Setting("failure_rate_percent", 20, 1, 100, "percent"),
    Setting("failure_window_minutes", 5, 1, 120, "minutes"),
    Setting("failure_min_calls", 5, 1, 10_000, "calls"),
    Setting("pending_minutes", 30, 1, 24 * 60, "minutes"),
    Setting("silent_hours", 6, 1, 7 * 24, "hours"),
    Setting("low_balance", 1_000_000, 0, 10**12, "rupiah"),
    Setting("unmatched_days", 3, 1, 30, "days"),
)
BY_NAME = {s.name: s for s in SETTINGS}


class SettingRefused(ValueError):
    """A name that is not a setting or a value out of its range: ``key`` and ``values`` for
    the console's sentence, ``str()`` for the command line's."""

    def __init__(self, key: str, sentence: str, **values: object) -> None:
        super().__init__(sentence)
        self.key, self.values = key, values


@dataclass(frozen=True)
class DeskSettings:
    complaint_sla_minutes: int = 120
    failure_rate_percent: int = 20
    failure_window_minutes: int = 5
    failure_min_calls: int = 5
    pending_minutes: int = 30
    silent_hours: int = 6
    low_balance: int = 1_000_000
    unmatched_days: int = 3

    @property
    def complaint_sla(self) -> timedelta:
        return timedelta(minutes=self.complaint_sla_minutes)

    @property
    def failure_rate(self) -> float:
        return self.failure_rate_percent / 100

    @property
    def failure_window(self) -> timedelta:
        return timedelta(minutes=self.failure_window_minutes)

    @property
    def pending_too_long(self) -> timedelta:
        return timedelta(minutes=self.pending_minutes)

    @property
    def silent_after(self) -> timedelta:
        return timedelta(hours=self.silent_hours)

    @property
    def unmatched_window(self) -> timedelta:
        return timedelta(days=self.unmatched_days)

    def as_dict(self) -> dict[str, int]:
        return {s.name: getattr(self, s.name) for s in SETTINGS}


def load(db: Database) -> DeskSettings:
    """The settings in force: the stored ones, the defaults for the rest."""
    names = [PREFIX + s.name for s in SETTINGS]
    with db.read() as session:
        stored = dict(session.execute(select(Counter.name, Counter.value)
                                      .where(Counter.name.in_(names))).all())
    values = {}
    for s in SETTINGS:
        value = stored.get(PREFIX + s.name)
        values[s.name] = int(value) if value is not None and s.low <= value <= s.high \
            else s.default
    return DeskSettings(**values)


def parse(name: str, text: str) -> tuple[str, int]:
    """``name`` and ``text`` as typed (console form or command line), checked."""
    setting = BY_NAME.get(name.strip())
    if setting is None:
        raise SettingRefused("setting_unknown", f"{name[:40]!r} is not a setting; the "
                             f"settings are {', '.join(BY_NAME)}", name=name[:40])
    raw = text.strip().replace(".", "").replace("_", "") if setting.unit == "rupiah" \
        else text.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 13 \
            or not setting.low <= int(raw) <= setting.high:
        raise SettingRefused("setting_range", f"the setting {setting.name} must be a whole "
                             f"number from {setting.low} to {setting.high} ({setting.unit})",
                             name=setting.name, low=setting.low, high=setting.high)
    return setting.name, int(raw)


def change(db: Database, actor: Actor, changes: dict[str, int]) -> dict[str, int]:
    """Store ``changes`` (already checked by :func:`parse`) with one audit row naming the
    values before and after; returns what actually changed (nothing: no row, no audit)."""
    from distributor_server.console import audit  # the console's package: web imports

    for name, value in changes.items():
        setting = BY_NAME[name]
        if not setting.low <= value <= setting.high:
            raise SettingRefused("setting_range", f"{name} is out of range",
                                 name=name, low=setting.low, high=setting.high)
    with db.write() as session:
        before: dict[str, int] = {}
        after: dict[str, int] = {}
        for name, value in sorted(changes.items()):
            row = session.get(Counter, PREFIX + name, with_for_update=True)
            old = int(row.value) if row is not None else BY_NAME[name].default
            if old == value:
                continue
            before[name], after[name] = old, value
            if row is None:
                session.add(Counter(name=PREFIX + name, value=value))
            else:
                row.value = value
        if after:
            audit.add(session, actor, "settings.change", "desk settings", before, after)
    return after
