"""Backup commands: backup (on demand, or --list) and restore. Only the owner's PIN."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kiosk_pos.cli.args import path, text
from kiosk_pos.cli.common import EXIT_OK, CliError, data_dir, open_kiosk, print_json
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.backups import BackupInfo, BackupService
    from kiosk_pos.core.kiosk import Kiosk

YES = {"ya", "y", "yes"}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("backup", parents=[common],
                              help="back up the kiosk database (owner PIN), or --list")
    p.add_argument("--to", metavar="DIR", type=path,
                   help="folder to write to (default: DATA_DIR/backups)")
    p.add_argument("--pin", type=text(32), help="the owner's PIN")
    p.add_argument("--list", action="store_true", help="list the backups, newest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backup)

    p = subparsers.add_parser("restore", parents=[common],
                              help="replace the kiosk data with a backup (owner PIN)")
    p.add_argument("file", metavar="FILE", type=path, help="the backup file")
    p.add_argument("--pin", required=True, type=text(32), help="the owner's PIN")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore)


def _service(kiosk: Kiosk, folder: Path) -> BackupService:
    from kiosk_pos.core.backups import BackupService

    return BackupService(kiosk.db, folder, kiosk.clock, kiosk.events)


def _local(moment: datetime | None, zone: str) -> str:
    return "-" if moment is None else moment.astimezone(ZoneInfo(zone)).strftime("%d-%m-%Y %H:%M")


def _last(info: BackupInfo, zone: str) -> str:
    if info.last_sale_id is None:
        return tr("backup.no_sale")
    return tr("backup.last_sale", id=info.last_sale_id, total=info.last_sale_total or 0,
              time=_local(info.last_sale_at, zone))


def backup_json(info: BackupInfo) -> dict[str, Any]:
    last = None if info.last_sale_id is None else {
        "id": info.last_sale_id, "created_at": info.last_sale_at.isoformat()
        if info.last_sale_at else None, "total": info.last_sale_total}
    return {"path": str(info.path), "taken_at": info.taken_at.isoformat(), "size": info.size,
            "checked": info.checked, "revision": info.revision, "kiosk_name": info.kiosk_name,
            "sale_count": info.sale_count, "last_sale": last,
            "kept_aside": str(info.aside) if info.aside else None}


def _owner(kiosk: Kiosk, pin: str | None) -> Any:
    from kiosk_pos.core.permissions import Permission, require

    if not pin:
        raise CliError(tr("backup.pin_required"))
    user = kiosk.users.authenticate(pin)
    require(user, Permission.MANAGE_BACKUPS)
    return user


def cmd_backup(args: argparse.Namespace) -> int:
    folder = data_dir(args)
    kiosk = open_kiosk(args)
    try:
        service, zone = _service(kiosk, folder), kiosk.timezone()
        if args.list:
            items = service.list_backups()
            if args.json:
                print_json([backup_json(i) for i in items])
            elif not items:
                print(tr("backup.none", path=service.folder))
            for i in items if not args.json else ():
                print(f"{i.path.name:<44} {_local(i.taken_at, zone)}  {i.size // 1024:>8} KiB")
            return EXIT_OK
        user = _owner(kiosk, args.pin)
        info = service.make_backup(user, Path(args.to) if args.to else None)
        if args.json:
            print_json(backup_json(info))
        else:
            print(tr("backup.done", path=info.path, sales=info.sale_count,
                     last=_last(info, zone)))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk_pos.cli.common import refuse_in_training
    from kiosk_pos.instance import gui_running

    refuse_in_training(args, "restore")
    folder = data_dir(args)
    if gui_running(folder):
        raise CliError(tr("error.backup_gui_open", path=folder))
    kiosk = open_kiosk(args)
    try:
        service, zone = _service(kiosk, folder), kiosk.timezone()
        user = _owner(kiosk, args.pin)
        path = Path(args.file)
        if not args.yes:
            preview = service.details(path)  # refuses a file that is not a kiosk backup
            print(tr("restore.preview", path=path, taken=_local(preview.taken_at, zone),
                     sales=preview.sale_count, last=_last(preview, zone)), file=sys.stderr)
            print(tr("restore.confirm"), end="", file=sys.stderr, flush=True)
            answer = sys.stdin.readline().strip().lower()
            if answer not in YES:
                raise CliError(tr("restore.cancelled"))
        info = service.restore(user, path)
        if args.json:
            print_json(backup_json(info))
        else:
            print(tr("restore.done", taken=_local(info.taken_at, zone), sales=info.sale_count,
                     last=_last(info, zone), aside=info.aside))
        return EXIT_OK
    finally:
        kiosk.close()
