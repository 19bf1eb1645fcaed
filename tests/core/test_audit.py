"""The audit trail (issue 10): the owner's use cases leave rows, and nothing ever edits
or deletes one."""

from __future__ import annotations

import re
from pathlib import Path

import kiosk_pos
from kiosk_pos.printing.receipt_printer import load_settings, save_settings


def test_printer_settings_and_a_backup_are_audit_rows(kiosk, tmp_path):
    owner = kiosk.users.authenticate("9999")
    save_settings(kiosk, load_settings(kiosk), owner)
    kiosk.backups.make_backup(owner, tmp_path / "copies")
    entries = kiosk.audit.for_day(owner, kiosk.today())
    actions = [(e.action, e.user_name) for e in entries]
    assert ("printer.settings", "Pemilik") in actions
    assert ("backup.made", "Pemilik") in actions
    assert ("user.login", "Pemilik") in actions
    only = kiosk.audit.for_day(owner, kiosk.today(), action="backup.", who="Pemilik")
    assert [e.action for e in only] == ["backup.made"]


def test_no_code_updates_or_deletes_audit_rows():
    root = Path(kiosk_pos.__file__).parent
    edits = re.compile(r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|audit_log\.(update|delete))",
                       re.IGNORECASE)
    found = [str(p) for p in root.rglob("*.py") if edits.search(p.read_text(encoding="utf-8"))]
    assert found == []
