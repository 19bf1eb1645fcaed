"""The owner's tools over the running app: a clerk sees the printer settings and the deposit
tickets, but not the Save and Request the core would refuse them; the owner's save and
request reach the core with the owner as the acting user."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from kiosk_pos.core.records import Role, User
from kiosk_pos.printing.receipt_printer import ReceiptPrinter, load_settings
from kiosk_pos.printing.settings import ConnectionType
from kiosk_pos.session import AppSession
from kiosk_pos.ui.printer_settings import PrinterSettingsWidget
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.tools import ToolDialogs


@pytest.fixture
def tools_for(qtbot, kiosk, print_queue):
    """ToolDialogs over a session of ``kiosk`` with a printer, for whoever is logged in."""
    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    session.printer = ReceiptPrinter(kiosk, print_queue)
    window = QWidget()
    qtbot.addWidget(window)
    tasks = TaskManager()

    def make(user: User) -> ToolDialogs:
        return ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: user,
                           paper_width_changed=lambda _w: None, close_app=lambda: None)

    yield make
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    tasks.shutdown()


def owner_of(kiosk) -> User:
    return next(u for u in kiosk.users.list() if u.role is Role.OWNER)


def test_a_clerk_sees_the_printer_settings_without_save(qtbot, kiosk, clerk, tools_for):
    dialog = tools_for(clerk)._show_printer_settings(None)
    widget = dialog.findChild(PrinterSettingsWidget)
    qtbot.waitExposed(dialog)
    assert not widget.save_button.isVisible() and widget.test_button.isVisible()
    assert "Hanya pemilik" in widget.message.text()


def test_the_owner_saves_the_printer_settings(qtbot, kiosk, tools_for):
    dialog = tools_for(owner_of(kiosk))._show_printer_settings(None)
    widget = dialog.findChild(PrinterSettingsWidget)
    qtbot.waitExposed(dialog)
    assert widget.save_button.isVisible()
    widget.connection.setCurrentIndex(1)  # network
    widget.host.setText("10.0.0.9")
    widget.save_button.click()
    qtbot.waitUntil(lambda: load_settings(kiosk).host == "10.0.0.9", timeout=5000)
    assert load_settings(kiosk).connection is ConnectionType.NETWORK


def test_a_clerk_sees_the_tickets_but_cannot_request_one(qtbot, kiosk, clerk, tools_for):
    dialog = tools_for(clerk).open_deposit_ticket()
    qtbot.waitExposed(dialog)
    assert dialog.recent.isVisible() and dialog.refresh_button.isVisible()
    assert not dialog.request_button.isVisible() and not dialog.amount.isVisible()
    assert not any(b.isVisible() for b in dialog.quick_buttons)
    assert dialog.owner_only.isVisible() and "pemilik" in dialog.owner_only.text()
    dialog.close()

    owners = tools_for(owner_of(kiosk)).open_deposit_ticket()
    qtbot.waitExposed(owners)
    assert owners.request_button.isVisible() and not owners.owner_only.isVisible()
    owners.close()
