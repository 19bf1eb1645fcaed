"""core/backups.py: who may back up and restore, names, the daily job and retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk_pos.core.backups import BackupService, to_delete
from kiosk_pos.core.errors import PermissionDenied
from kiosk_pos.core.events import BACKUP_DONE
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.errors import StoreError


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def service(kiosk, tmp_path, clock):
    return BackupService(kiosk.db, tmp_path, clock, kiosk.events)


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


def _sell(kiosk, clerk):
    return kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())


# ------------------------------------------------------------------ retention (pure)


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, 1, hour) + timedelta(days=day)


def test_retention_keeps_newest_per_day_for_seven_days():
    backups = [(f"d{d}-{h}", _at(d, h)) for d in range(7) for h in (9, 21)]
    doomed = to_delete(backups)
    assert doomed == {f"d{d}-9" for d in range(7)}


def test_retention_counts_days_that_have_backups_not_calendar_days():
    backups = [(f"d{d}", _at(d)) for d in (0, 10, 20, 30, 40, 50, 60)]  # kiosk often shut
    assert to_delete(backups) == set()


def test_retention_keeps_newest_per_iso_week_for_four_weeks():
    # one backup a day for 60 days: 7 newest days + the newest of 4 newest ISO weeks
    backups = [(f"d{d:02d}", _at(d)) for d in range(60)]
    kept = {name for name, _ in backups} - to_delete(backups)
    newest_days = {f"d{d:02d}" for d in range(53, 60)}
    weekly = {}
    for name, moment in backups:
        weekly[moment.isocalendar()[:2]] = max(weekly.get(moment.isocalendar()[:2], name), name)
    newest_weeks = {weekly[w] for w in sorted(weekly)[-4:]}
    assert kept == newest_days | newest_weeks
    assert len(kept) == 7 + 2  # two of the four weekly ones fall among the seven days


def test_retention_of_nothing_and_of_one():
    assert to_delete([]) == set()
    assert to_delete([("only", _at(0))]) == set()


# ------------------------------------------------------------------ the service


def test_only_the_owner_makes_a_backup(service, kiosk, clerk, owner):
    with pytest.raises(PermissionDenied):
        service.make_backup(clerk)
    with pytest.raises(PermissionDenied):
        service.make_backup(None)
    assert service.list_backups() == []
    seen = []
    kiosk.events.register(BACKUP_DONE, seen.append)
    _sell(kiosk, clerk)
    info = service.make_backup(owner)
    assert info.path.name == "kiosk-20261122-100000-manual.db"  # local (Jakarta) time
    assert info.path.parent == service.folder
    assert info.sale_count == 1 and info.taken_at == service.clock()
    assert seen == [info]
    again = service.make_backup(owner)  # same second: a second file, never overwritten
    assert again.path.name == "kiosk-20261122-100000-manual-2.db"
    assert [i.path for i in service.list_backups()] == [again.path, info.path]


def test_backup_to_another_folder(service, owner, tmp_path):
    info = service.make_backup(owner, to=tmp_path / "usb")
    assert info.path.parent == tmp_path / "usb" and info.path.exists()
    assert service.list_backups() == []  # exports are not the kiosk's own list


def test_daily_is_due_once_per_local_day(service, clock):
    assert service.daily_due()
    assert service.automatic_backup("daily") is not None
    assert not service.daily_due()
    assert service.automatic_backup("daily") is None  # already one today
    clock.now += timedelta(hours=14)  # 00:00 next day in Jakarta, still 22 Nov in UTC
    assert service.daily_due()
    with pytest.raises(ValueError):
        service.automatic_backup("manual")


def test_retention_deletes_only_old_automatic_backups(service, owner, clock, tmp_path):
    manual = service.make_backup(owner)
    exported = service.make_backup(owner, to=tmp_path / "elsewhere")
    for _ in range(20):
        service.automatic_backup("daily")
        service.automatic_backup("exit")
        clock.now += timedelta(days=1)
    names = [i.path.name for i in service.list_backups()]
    automatic = [n for n in names if n.endswith(("-daily.db", "-exit.db"))]
    assert len(automatic) == 7 + 2  # 7 days, plus the newest of the two older ISO weeks
    assert all(n.endswith("-exit.db") for n in automatic)  # the newest of each day
    assert manual.path.name in names and exported.path.exists()


def test_restore_says_what_the_backup_holds_and_keeps_the_old_data(service, kiosk, clerk,
                                                                   owner, clock):
    first = _sell(kiosk, clerk)
    backup = service.make_backup(owner)
    for _ in range(2):
        _sell(kiosk, clerk)
    clock.now += timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        service.restore(clerk, backup.path)
    info = service.restore(owner, backup.path)
    assert info.last_sale_id == first.id and info.sale_count == 1
    assert info.last_sale_at == first.created_at
    assert info.aside is not None and info.aside.name == "kiosk-20261122-110000-before-restore.db"
    assert service.details(info.aside).sale_count == 3
    assert len(kiosk.sales.for_day(kiosk.today())) == 1
    for _ in range(30):  # the before-restore copy survives any amount of retention
        service.automatic_backup("exit")
        clock.now += timedelta(days=1)
    assert info.aside.exists()


def test_restore_refuses_a_file_that_is_not_a_backup(service, owner, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 50)
    with pytest.raises(StoreError):
        service.restore(owner, junk)
    assert service.list_backups() == []  # not even the aside copy was written
