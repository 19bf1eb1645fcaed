"""Rekonsiliasi: pick a day, compare with the distributor, see what matched and what did not.

The comparison runs on a worker thread (network); the result comes back as a queued signal.
"""

from __future__ import annotations

from datetime import date

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.i18n import tr
from kiosk_pos.sync.reconcile import Reconciliation, TopUpFinding
from kiosk_pos.ui.deposit_ticket import ClientFactory, no_client
from kiosk_pos.ui.operations import NetworkOp
from kiosk_pos.ui.tasks import TaskManager

CATEGORIES = ("matched", "resolved", "missing_on_server", "unknown_locally", "price_mismatch")
COLOURS = {
    "matched": "#1b7a2f",            # green
    "resolved": "#0b5cad",           # blue: fixed from the server
    "missing_on_server": "#8a6d00",  # amber: resent
    "unknown_locally": "#c0172b",    # red: needs a look
    "price_mismatch": "#7a2fb0",     # purple
}
OK_BG, BAD_BG = "#e3f4e6", "#fff4d6"


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class ReconcileView(QWidget):
    finished = Signal(object)  # Reconciliation
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, client_factory: ClientFactory = no_client,
                 parent: QWidget | None = None, *, tasks: TaskManager | None = None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._client_factory = client_factory
        self._tasks = tasks or TaskManager(self)
        self.result: Reconciliation | None = None
        self._build()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(tr("reconcile.title"))
        title.setObjectName("large")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(tr("reconcile.date")))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd-MM-yyyy")
        today = self._kiosk.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        top.addWidget(self.date_edit)
        self.run_button = QPushButton(tr("reconcile.run"))
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.run)
        top.addWidget(self.run_button)
        layout.addLayout(top)

        self.status = QLabel(tr("reconcile.not_run"))
        self.status.setWordWrap(True)
        self.status.setStyleSheet("padding: 8px; border-radius: 6px;")
        layout.addWidget(self.status)

        tiles = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for i, name in enumerate(CATEGORIES):
            frame = QFrame()
            frame.setObjectName("panel")
            box = QVBoxLayout(frame)
            number = QLabel("-")
            number.setObjectName("large")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setStyleSheet(f"color: {COLOURS[name]}; font-size: 26pt; font-weight: bold;")
            caption = QLabel(tr(f"reconcile.{name}"))
            caption.setWordWrap(True)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setStyleSheet("font-size: 11pt;")
            box.addWidget(number)
            box.addWidget(caption)
            tiles.addWidget(frame, 0, i)
            self.count_labels[name] = number
        layout.addLayout(tiles)

        balances = QFrame()
        balances.setObjectName("panel")
        grid = QGridLayout(balances)
        self.balance_labels: dict[str, QLabel] = {}
        for col, key in enumerate(("local_balance", "server_balance", "difference",
                                   "unexplained")):
            caption = QLabel(tr(f"reconcile.{key}"))
            caption.setObjectName("caption")
            value = QLabel("-")
            value.setStyleSheet("font-size: 18pt; font-weight: bold;")
            grid.addWidget(caption, 0, col)
            grid.addWidget(value, 1, col)
            self.balance_labels[key] = value
        layout.addWidget(balances)

        self.findings = _table([tr("reconcile.col.category"), tr("reconcile.col.ref"),
                                tr("reconcile.col.product"), tr("reconcile.col.destination"),
                                tr("reconcile.col.local"), tr("reconcile.col.server"),
                                tr("reconcile.col.action")])
        layout.addWidget(self.findings, 3)
        layout.addWidget(QLabel(tr("reconcile.explanation")))
        self.explanation = _table([tr("reconcile.col.amount"), tr("reconcile.col.ref"),
                                   tr("reconcile.col.note")])
        layout.addWidget(self.explanation, 2)

    # -- actions --------------------------------------------------------------------------
    def selected_day(self) -> date:
        q = self.date_edit.date()
        return date(q.year(), q.month(), q.day())

    def run(self) -> None:
        from kiosk_pos.sync.reconcile import reconcile_day

        client = self._client_factory()
        if client is None:
            self._on_failed(tr("reconcile.error.not_connected"))
            return
        day = self.selected_day()
        self.run_button.setEnabled(False)
        self._set_status(tr("reconcile.running"), None)
        NetworkOp(self, lambda: reconcile_day(self._kiosk, client, day)).success(
            self._on_done).failure(lambda f: self._on_failed(f.message)).run(self._tasks)

    # -- results (GUI thread) -------------------------------------------------------------
    def _set_status(self, text: str, ok: bool | None) -> None:
        self.status.setText(text)
        colour = "" if ok is None else (
            f"background: {OK_BG}; color: #1b7a2f;" if ok
            else f"background: {BAD_BG}; color: #c0172b;")
        self.status.setStyleSheet(f"padding: 8px; border-radius: 6px; font-weight: bold;"
                                  f" {colour}")

    def _on_failed(self, sentence: str) -> None:
        self.run_button.setEnabled(True)
        self._set_status(sentence, False)
        self.failed.emit(sentence)

    def _on_done(self, result: Reconciliation) -> None:
        self.run_button.setEnabled(True)
        self.show_result(result)
        self.finished.emit(result)

    def show_result(self, result: Reconciliation) -> None:
        self.result = result
        self._set_status(tr("reconcile.all_ok" if result.ok else "reconcile.not_ok"), result.ok)
        for name, count in result.counts().items():
            self.count_labels[name].setText(str(count))
        values = {"local_balance": result.local_balance, "server_balance": result.server_balance,
                  "difference": result.difference, "unexplained": result.unexplained}
        for key, amount in values.items():
            self.balance_labels[key].setText(format_rupiah(amount))
        self.balance_labels["unexplained"].setStyleSheet(
            "font-size: 18pt; font-weight: bold; color: "
            + ("#c0172b;" if result.unexplained else "#1b7a2f;"))
        rows: list[tuple[str, TopUpFinding]] = []
        for name in ("unknown_locally", "missing_on_server", "price_mismatch", "resolved",
                     "matched"):
            rows += [(name, f) for f in getattr(result, name)]
        self.findings.setRowCount(len(rows))
        for r, (name, f) in enumerate(rows):
            local = "-" if f.local_status is None else tr("status." + f.local_status)
            server = "-" if f.server_status is None else tr("status." + f.server_status)
            if f.server_price is not None and f.server_price != f.local_cost:
                server += f" {format_rupiah(f.server_price)}"
                if f.local_cost is not None:
                    local += f" {format_rupiah(f.local_cost)}"
            cells = [tr(f"reconcile.short.{name}"), f.ref_id[:8], f.sku, f.destination, local,
                     server, tr(f"reconcile.action.{f.action}")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setForeground(QColor(COLOURS[name]))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if c == 1:
                    item.setToolTip(f.ref_id)
                self.findings.setItem(r, c, item)
        diffs = result.differences
        self.explanation.setRowCount(max(len(diffs), 1))
        if not diffs:
            self.explanation.setSpan(0, 0, 1, 3)
            self.explanation.setItem(0, 0, QTableWidgetItem(tr("reconcile.no_difference")))
            return
        self.explanation.clearSpans()
        for r, d in enumerate(diffs):
            amount = QTableWidgetItem(format_rupiah(d.amount))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            amount.setForeground(QColor("#c0172b" if d.amount < 0 else "#1b7a2f"))
            self.explanation.setItem(r, 0, amount)
            self.explanation.setItem(r, 1, QTableWidgetItem(d.reference[:8]))
            self.explanation.setItem(r, 2, QTableWidgetItem(d.note))

    def rows_text(self) -> list[list[str]]:
        """The findings table as text (tests, screenshots)."""
        out = []
        for r in range(self.findings.rowCount()):
            out.append([self.findings.item(r, c).text() if self.findings.item(r, c) else ""
                        for c in range(self.findings.columnCount())])
        return out

