"""Tiket Deposit: ask the distributor for a ticket and show the unique amount to transfer.

The network call runs on a plain worker thread; its result comes back to the GUI thread as
a queued Qt signal, so the dialog never freezes on a slow connection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from pulsa_protocol import wire
from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.permissions import Permission, allowed
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import NetworkOp, OpFailure, QueryOp
from kiosk_pos.ui.tasks import TaskManager

log = logging.getLogger(__name__)

ClientFactory = Callable[[], Any]  # -> DistributorClient | None
STATUS_COLOURS = {"open": "#0b5cad", "confirmed": "#1b7a2f", "expired": "#8a6d00"}


def no_client() -> Any:
    """The factory of a kiosk with no running sync: not connected."""
    return None


class DepositTicketDialog(QDialog):
    """Amount entry with quick buttons; the ticket's unique amount shown big and clear."""

    ticket_ready = Signal(object)   # wire.DepositTicket
    tickets_loaded = Signal(object)  # list[wire.DepositTicket]
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, client_factory: ClientFactory = no_client,
                 parent: QWidget | None = None, *, tasks: TaskManager | None = None,
                 user: User | None = None) -> None:
        """``client_factory`` gives the running sync service's client (None when the
        kiosk is not connected); the dialog never builds a client of its own. ``user`` is
        who is logged in: only the owner sees the request part (the core refuses others)."""
        super().__init__(parent)
        self._kiosk = kiosk
        self._user = user
        self._client_factory = client_factory
        self._tasks = tasks or TaskManager(self)
        self._tz = ZoneInfo(kiosk.timezone())
        self.ticket: wire.DepositTicket | None = None
        self.setWindowTitle(tr("ticket.title"))
        self.setMinimumWidth(640)
        self._build()
        # Enter belongs to the amount field (it requests the ticket): no button of the dialog
        # is its default, or Enter would also "click" the first quick amount (Rp100.000)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._show_cached()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        # Low enough for a 768 px screen with a ticket shown (it was taller, so Qt squeezed
        # the amount to transfer in half): the window's title names the dialog, and the
        # refresh and close buttons share the last row.
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("ticket.amount_label")))
        row = QHBoxLayout()
        self.amount = QLineEdit()
        self.amount.setObjectName("big")
        self.amount.setPlaceholderText(tr("ticket.amount_placeholder"))
        self.amount.returnPressed.connect(self.request)
        row.addWidget(self.amount, 1)
        self.request_button = QPushButton(tr("ticket.request"))
        self.request_button.setObjectName("primary")
        self.request_button.clicked.connect(self.request)
        row.addWidget(self.request_button)
        layout.addLayout(row)
        quick = QGridLayout()
        from kiosk_pos.sync.tickets import QUICK_AMOUNTS

        self.quick_buttons: list[QPushButton] = []
        for i, value in enumerate(QUICK_AMOUNTS):
            button = QPushButton(format_rupiah(value))
            button.clicked.connect(lambda _=False, v=value: self.amount.setText(f"{v}"))
            quick.addWidget(button, i // 3, i % 3)
            self.quick_buttons.append(button)
        layout.addLayout(quick)
        self.owner_only = QLabel(tr("error.owner_only",
                                    action=tr(f"permission.{Permission.REQUEST_DEPOSIT.value}")))
        self.owner_only.setObjectName("caption")
        self.owner_only.setWordWrap(True)
        layout.addWidget(self.owner_only)
        may_request = allowed(self._user, Permission.REQUEST_DEPOSIT)
        self.owner_only.setVisible(not may_request)
        for widget in (self.amount, self.request_button, *self.quick_buttons):
            widget.setVisible(may_request)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.busy = QLabel(tr("ticket.requesting"))
        self.busy.setObjectName("caption")
        self.busy.hide()
        layout.addWidget(self.busy)

        self.panel = QFrame()
        self.panel.setObjectName("panel")
        panel = QVBoxLayout(self.panel)
        panel.setSpacing(2)
        self.transfer_caption = QLabel(tr("ticket.transfer_exactly"))
        self.transfer_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        panel.addWidget(self.transfer_caption)
        self.unique_amount = QLabel("")
        self.unique_amount.setObjectName("huge")
        self.unique_amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unique_amount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unique_amount.setStyleSheet("font-size: 34pt; font-weight: bold; color: #0b5cad;")
        panel.addWidget(self.unique_amount)
        self.bank = QLabel("")
        self.bank.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bank.setWordWrap(True)
        self.bank.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bank.setStyleSheet("font-weight: bold;")
        panel.addWidget(self.bank)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        panel.addWidget(self.hint)
        self.expires = QLabel("")
        self.expires.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expires.setObjectName("caption")
        panel.addWidget(self.expires)
        self.panel.hide()
        layout.addWidget(self.panel)

        layout.addWidget(QLabel(tr("ticket.list_title")))
        self.refresh_button = QPushButton(tr("ticket.refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.recent = QListWidget()
        # three tickets' height: with a ticket shown the dialog stays within a 768 px screen
        self.recent.setMinimumHeight(3 * self.recent.fontMetrics().lineSpacing() + 12)
        self.recent.setMaximumHeight(4 * self.recent.fontMetrics().lineSpacing() + 12)
        layout.addWidget(self.recent)
        close = QPushButton(tr("ticket.close"))
        close.clicked.connect(self.accept)
        last = QHBoxLayout()
        last.addWidget(self.refresh_button)
        last.addStretch(1)
        last.addWidget(close)
        layout.addLayout(last)

    # -- actions --------------------------------------------------------------------------
    def request(self) -> None:
        from kiosk_pos.sync.tickets import check_amount, request_ticket

        try:
            amount = check_amount(self.amount.text())
        except KioskError as exc:
            self._on_failed(str(exc))
            return
        client = self._client_factory()
        if client is None:
            self._on_failed(tr("ticket.error.not_connected"))
            return
        self._set_busy(True)
        user = self._user
        NetworkOp(self, lambda: request_ticket(self._kiosk, client, amount, user)).success(
            self._on_ticket).failure(lambda f: self._on_failed(f.message)).run(self._tasks)

    def refresh(self) -> None:
        from kiosk_pos.sync.tickets import list_tickets

        client = self._client_factory()
        if client is None:
            self._on_failed(tr("ticket.error.not_connected"))
            return
        self.refresh_button.setEnabled(False)
        NetworkOp(self, lambda: list_tickets(self._kiosk, client)).success(
            self._on_tickets).failure(lambda f: self._on_failed(f.message)).run(self._tasks)

    # -- results (GUI thread) -------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.request_button.setEnabled(not busy)
        self.amount.setEnabled(not busy)
        self.busy.setVisible(busy)
        if busy:
            self.error.hide()

    def _on_ticket(self, ticket: wire.DepositTicket) -> None:
        self._set_busy(False)
        self.show_ticket(ticket)
        self.ticket_ready.emit(ticket)

    def show_ticket(self, ticket: wire.DepositTicket) -> None:
        self.ticket = ticket
        self.error.hide()
        self.unique_amount.setText(format_rupiah(ticket.amount_to_transfer))
        self.bank.setText(tr("ticket.bank", bank=ticket.bank_name, account=ticket.bank_account,
                             holder=ticket.bank_holder))
        self.hint.setText(tr("ticket.unique_hint", code=ticket.unique_code))
        self.expires.setText(tr("ticket.expires", time=self._local(ticket.expires_at)))
        self.panel.show()
        self._add_to_list([ticket], prepend=True)

    def _on_tickets(self, tickets: list[wire.DepositTicket]) -> None:
        self.refresh_button.setEnabled(True)
        self.recent.clear()
        self._add_to_list(tickets)
        self.tickets_loaded.emit(tickets)

    def _on_failed(self, sentence: str) -> None:
        self._set_busy(False)
        self.refresh_button.setEnabled(True)
        self.error.setText(sentence)
        self.error.show()
        self.failed.emit(sentence)

    def _show_cached(self) -> None:
        from kiosk_pos.sync.tickets import cached_tickets

        def shown(tickets: list[wire.DepositTicket]) -> None:
            self._add_to_list(tickets)
            if not self.recent.count():
                self.recent.addItem(tr("ticket.none"))

        def unreadable(failure: OpFailure) -> None:  # a damaged cache must not stop the dialog
            log.warning("could not read cached tickets: %s", failure.message)
            shown([])

        QueryOp(self, lambda: cached_tickets(self._kiosk)[:10]).success(shown).failure(
            unreadable).run(self._tasks)

    def _add_to_list(self, tickets: list[wire.DepositTicket], prepend: bool = False) -> None:
        from PySide6.QtGui import QColor
        from PySide6.QtWidgets import QListWidgetItem

        if self.recent.count() == 1 and self.recent.item(0).text() == tr("ticket.none"):
            self.recent.clear()
        for i, t in enumerate(tickets):
            text = (f"#{t.id}  {self._local(t.created_at)}  "
                    f"{format_rupiah(t.amount_to_transfer)}  {tr('ticket.status.' + t.status)}")
            item = QListWidgetItem(text)
            item.setForeground(QColor(STATUS_COLOURS.get(t.status, "#333333")))
            if prepend:
                self.recent.insertItem(i, item)
            else:
                self.recent.addItem(item)

    def _local(self, moment: Any) -> str:
        return moment.astimezone(self._tz).strftime("%d-%m-%Y %H:%M")
