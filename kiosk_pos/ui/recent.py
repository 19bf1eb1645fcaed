"""Today's recent sales with a live status per top-up (Antre / Diproses / Sukses + SN / Gagal)."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.records import SaleLineRecord, SaleRecord, TopUpRecord
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label, status_colour

RECENT_LIMIT = 30


def line_status(line: SaleLineRecord) -> str:
    return line.topup.status.value if line.topup is not None else "done"


def status_text(line: SaleLineRecord) -> str:
    """``Sukses · SN 1234`` for a finished top-up, the status word otherwise."""
    status = line_status(line)
    text = tr(f"status.{status}")
    if line.topup is not None and line.topup.sn:
        text = f"{text}\nSN {line.topup.sn}"
    return text


def line_label(line: SaleLineRecord, separator: str = " ") -> str:
    qty = f"{line.qty}x " if line.qty > 1 else ""
    dest = f"{separator}→ {line.destination}" if line.destination else ""
    return f"{qty}{line.name}{dest}"


def with_topup(sale: SaleRecord, topup: TopUpRecord) -> SaleRecord | None:
    """The sale with ``topup`` replacing its line's old state, or None if not this sale's."""
    lines = list(sale.lines)
    for i, line in enumerate(lines):
        if line.topup is not None and line.topup.ref_id == topup.ref_id:
            lines[i] = replace(line, topup=topup)
            return replace(sale, lines=tuple(lines))
    return None


class RecentSales(QWidget):
    """One row per sale line, newest sale first."""

    def __init__(self, timezone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zone = ZoneInfo(timezone)
        self.sales: list[SaleRecord] = []
        self.title = label("", "large")
        self.table = QTableWidget(0, 2)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("ui.recent.title"))
        self.table.setHorizontalHeaderLabels([tr("ui.recent.item"), tr("ui.recent.status")])
        self._render()

    def set_sales(self, sales: list[SaleRecord]) -> None:
        """Today's sales as loaded; a sale announced while they were loading stays."""
        loaded = {s.id: s for s in sales}
        loaded.update({s.id: s for s in self.sales if s.id not in loaded})
        self.sales = sorted(loaded.values(), key=lambda s: s.id, reverse=True)[:RECENT_LIMIT]
        self._render()

    def clear(self) -> None:
        self.sales = []
        self._render()

    def add_sale(self, sale: SaleRecord) -> None:
        if any(s.id == sale.id for s in self.sales):
            return
        self.sales.insert(0, sale)
        del self.sales[RECENT_LIMIT:]
        self._render()

    def update_topup(self, topup: TopUpRecord) -> SaleRecord | None:
        """Show a top-up's new status; returns its (updated) sale when it is on screen."""
        for i, sale in enumerate(self.sales):
            updated = with_topup(sale, topup)
            if updated is not None:
                self.sales[i] = updated
                self._render()
                return updated
        return None

    def status_of_row(self, row: int) -> str:
        item = self.table.item(row, 1)
        return item.text() if item else ""

    def _render(self) -> None:
        rows = [(sale, line) for sale in self.sales for line in sale.lines]
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for row, (sale, line) in enumerate(rows):
            stamp = sale.created_at.astimezone(self._zone).strftime("%H:%M")
            qty = f"{line.qty}x " if line.qty > 1 else ""
            where = f" · {line.destination}" if line.destination else ""
            what = f"{qty}{line.name}\n{stamp}{where} · {format_rupiah(line.amount)}"
            cells = [what, status_text(line)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setForeground(status_colour(line_status(line)))
                    item.setFont(bold)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
