"""The staff entries of the tools menu (issue 10): Pengguna, Jejak audit, Pengaturan shift,
Riwayat shift, and Ganti PIN saya for everyone. Each shows only to a user the core would let
use it (the core checks again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.permissions import Permission, allowed
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.tasks import TaskManager

MakeDialog = Callable[[str, QWidget], QDialog]
PrintDocument = Callable[[Any], object] | None


def staff_actions(kiosk: Kiosk, tasks: TaskManager, user: User | None,
                  make_dialog: MakeDialog, print_document: PrintDocument,
                  paper_width: int) -> list[tuple[str, Callable[[], None]]]:
    def opened(title: str, build: Callable[[], QWidget]) -> Callable[[], None]:
        def open_it() -> None:
            make_dialog(title, build()).open()
        return open_it

    def staff() -> QWidget:
        from kiosk_pos.ui.staff_view import StaffView

        return StaffView(kiosk, user, tasks)

    def audit() -> QWidget:
        from kiosk_pos.ui.audit_view import AuditView

        return AuditView(kiosk, user, tasks)

    def settings() -> QWidget:
        from kiosk_pos.ui.shift_settings import ShiftSettingsView

        return ShiftSettingsView(kiosk, user, tasks)

    def past() -> QWidget:
        from kiosk_pos.ui.past_shifts import PastShiftsView

        return PastShiftsView(kiosk, user, tasks, print_document=print_document,
                              paper_width=paper_width)

    def own_pin() -> QWidget:
        from kiosk_pos.ui.own_pin import OwnPinView

        return OwnPinView(kiosk, user, tasks)

    entries: list[tuple[str, Callable[[], None]]] = []
    if user is not None:  # everyone's own PIN
        entries.append((tr("ui.app.menu_own_pin"), opened(tr("ui.app.menu_own_pin"), own_pin)))
    if allowed(user, Permission.OPEN_SHIFT):
        entries.append((tr("ui.app.menu_past_shifts"),
                        opened(tr("ui.app.menu_past_shifts"), past)))
    if allowed(user, Permission.SHIFT_SETTINGS):
        entries.append((tr("ui.app.menu_shift_settings"),
                        opened(tr("ui.app.menu_shift_settings"), settings)))
    if allowed(user, Permission.MANAGE_USERS):
        entries.append((tr("ui.app.menu_staff"), opened(tr("ui.app.menu_staff"), staff)))
    if allowed(user, Permission.VIEW_AUDIT):
        entries.append((tr("ui.app.menu_audit"), opened(tr("ui.app.menu_audit"), audit)))
    return entries
