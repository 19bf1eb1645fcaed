"""The owner's tools in the top bar (printer, deposit ticket, reconciliation), opened over
the running :class:`~kiosk_pos.session.AppSession`: they use its print queue and its
sync service's client, and reach the database only through operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from kiosk_pos.core.permissions import Permission, allowed
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:
    from kiosk_pos.core.records import User
    from kiosk_pos.session import AppSession


class ToolDialogs:
    """Opens each tool over ``window`` (their parent). ``notice`` shows a sentence,
    ``user`` is who is logged in, ``paper_width_changed`` follows the printer's paper,
    and ``close_app`` ends the app (after a restore)."""

    def __init__(self, window: QWidget, session: AppSession, tasks: TaskManager, *,
                 notice: Callable[[str], None], user: Callable[[], User | None],
                 paper_width_changed: Callable[[int], None],
                 close_app: Callable[[], object]) -> None:
        self._window = window
        self._session = session
        self._tasks = tasks
        self._notice = notice
        self._user = user
        self._paper_width_changed = paper_width_changed
        self._close_app = close_app
        self.low_count: int | None = None  # the owner's "Stok menipis (n)" badge
        self.refresh_low_count()

    def actions(self) -> list[tuple[str, Callable[[], None]]]:
        return [(tr("ui.app.menu_printer"), self.open_printer_settings),
                (tr("ui.app.menu_deposit"), self.open_deposit_ticket),
                (tr("ui.app.menu_reconcile"), self.open_reconcile),
                (tr("ui.app.menu_backups"), self.open_backups),
                (tr("ui.app.menu_shift"), self.open_shift),
                (tr("ui.app.menu_refund"), self.open_refund)] + self._office_actions(
                ) + self._staff_actions()

    def client(self) -> Any:
        """The running sync service's distributor client, or None when not connected."""
        sync = self._session.sync
        return sync.client if sync is not None else None

    # -- printer ---------------------------------------------------------------------------
    def open_printer_settings(self) -> None:
        from kiosk_pos.printing.receipt_printer import SETTINGS_KEY

        printer = self._session.printer
        if printer is None:
            self._notice(tr("ui.app.printer_starting"))
            return
        kiosk = self._session.kiosk
        QueryOp(self._window, lambda: kiosk.settings.get(SETTINGS_KEY)).success(
            lambda stored: self._show_printer_settings(stored)).failure(
            lambda failure: self._notice(failure.message)).run(self._tasks)

    def _show_printer_settings(self, stored: dict | None) -> QDialog:
        from kiosk_pos.printing.receipt_printer import save_settings
        from kiosk_pos.printing.settings import PrinterSettings
        from kiosk_pos.ui.printer_settings import PrinterSettingsWidget

        printer, kiosk, user = self._session.printer, self._session.kiosk, self._user()
        assert printer is not None

        def save(data: dict) -> None:
            def write() -> None:
                save_settings(kiosk, PrinterSettings.from_dict(data), user)
                printer.reload()

            WriteOp(self._window, write).failure(
                lambda failure: self._notice(failure.message)).run(self._tasks)

        widget = PrinterSettingsWidget(printer.queue, kiosk.info, load=lambda: stored, save=save,
                                       tasks=self._tasks,
                                       can_save=allowed(user, Permission.MANAGE_PRINTER))
        widget.saved.connect(lambda s: self._paper_width_changed(s.paper_width))
        dialog = self._dialog(tr("ui.app.menu_printer"), widget, "printer")
        dialog.open()
        return dialog

    # -- distributor -----------------------------------------------------------------------
    def open_deposit_ticket(self) -> QDialog:
        from kiosk_pos.ui.deposit_ticket import DepositTicketDialog

        dialog = DepositTicketDialog(self._session.kiosk, self.client, parent=self._window,
                                     tasks=self._tasks, user=self._user())
        from kiosk_pos.ui.help_view import help_key

        help_key(dialog, "deposit")
        dialog.open()
        return dialog

    def open_reconcile(self) -> QDialog:
        from kiosk_pos.ui.reconcile_view import ReconcileView

        view = ReconcileView(self._session.kiosk, self.client, tasks=self._tasks)
        dialog = self._dialog(tr("ui.app.menu_reconcile"), view, "reconcile")
        dialog.open()
        return dialog

    # -- backups ---------------------------------------------------------------------------
    def open_backups(self) -> QDialog:
        from kiosk_pos.ui.backups_view import BackupsView

        view = BackupsView(self._session.kiosk, self._user(), self._tasks)
        dialog = self._dialog(tr("ui.app.menu_backups"), view)
        view.restored.connect(lambda _info: self._after_restore())
        dialog.open()
        return dialog

    # -- back office: goods and stock (kiosk_pos.ui.office_tools) -------------------------------
    def _office_actions(self) -> list[tuple[str, Callable[[], None]]]:
        from kiosk_pos.ui.office_tools import office_actions

        return office_actions(self._window, self._session.kiosk, self._tasks, self._user(),
                              self._dialog, self)

    def _staff_actions(self) -> list[tuple[str, Callable[[], None]]]:
        from kiosk_pos.ui.staff_tools import staff_actions

        printer = self._session.printer
        return staff_actions(self._session.kiosk, self._tasks, self._user(), self._dialog,
                             self._print_document(),
                             printer.settings.paper_width if printer else 58)

    def refresh_low_count(self) -> None:
        from kiosk_pos.ui.office_tools import refresh_low_count

        refresh_low_count(self._window, self._session.kiosk, self._tasks, self._user(), self)

    # -- shift and refunds (every role: the core checks who may) -------------------------
    def _print_document(self) -> Callable[[Any], object] | None:
        printer = self._session.printer
        return printer.print_document if printer is not None else None

    def open_shift(self) -> QDialog:
        from kiosk_pos.ui.shift_view import ShiftView

        printer = self._session.printer
        view = ShiftView(self._session.kiosk, self._user(), self._tasks,
                         print_document=self._print_document(),
                         paper_width=printer.settings.paper_width if printer else 58)
        dialog = self._dialog(tr("ui.app.menu_shift"), view, "shift")
        dialog.open()
        return dialog

    def open_refund(self, sale_id: int | None = None) -> QDialog:
        from kiosk_pos.ui.refund_view import RefundView

        view = RefundView(self._session.kiosk, self._user(), self._tasks, sale_id=sale_id,
                          print_document=self._print_document())
        dialog = self._dialog(tr("ui.app.menu_refund"), view)
        dialog.open()
        return dialog

    def _after_restore(self) -> None:
        """The file under the app changed: its caches are stale, so the app closes (with
        the sentence still on screen) and the owner opens it again."""
        from PySide6.QtCore import QTimer

        QTimer.singleShot(4000, self._close_app)

    def _dialog(self, title: str, widget: QWidget, help_screen: str = "sales") -> QDialog:
        from kiosk_pos.ui.help_view import help_key

        dialog = QDialog(self._window)
        dialog.setWindowTitle(title)
        help_key(dialog, help_screen)  # Alt+H here too: Bantuan on this tool's page
        layout = QVBoxLayout(dialog)
        layout.addWidget(widget)
        dialog.resize(900, 640)
        return dialog
