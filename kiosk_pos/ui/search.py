"""Find goods (and other products) by name, SKU or barcode; Enter adds the chosen one."""

from __future__ import annotations

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.records import Product
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label


class _SearchField(QLineEdit):
    """Up/Down move in the results while the cursor stays in the field."""

    def __init__(self, results: QListWidget) -> None:
        super().__init__()
        self._results = results

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                           Qt.Key.Key_PageDown):
            step = -1 if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else 1
            row = max(0, min(self._results.currentRow() + step, self._results.count() - 1))
            self._results.setCurrentRow(row)
        else:
            super().keyPressEvent(event)


class SearchPanel(QWidget):
    chosen = Signal(object)  # Product
    closed = Signal()

    def __init__(self, catalog: CatalogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.title = label("", "large")
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)
        self.field = _SearchField(self.results)
        self.field.setObjectName("big")
        self.field.textChanged.connect(self.refresh)
        self.field.returnPressed.connect(self.choose)
        self.hint = label("", "caption")
        QShortcut(QKeySequence("Esc"), self, self.closed.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.field)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("ui.search.title"))
        self.field.setPlaceholderText(tr("ui.search.placeholder"))
        self.hint.setText(tr("ui.search.hint"))

    def start(self) -> None:
        self.field.clear()
        self.refresh()
        self.field.setFocus()

    def refresh(self, _text: str = "") -> None:
        self.results.clear()
        for product in self._catalog.catalog.search(self.field.text()):
            stock = ""
            if product.stock is not None:
                stock = "  · " + tr("ui.search.stock", stock=product.stock)
            item = QListWidgetItem(f"{product.name}   {format_rupiah(product.price)}{stock}")
            item.setData(Qt.ItemDataRole.UserRole, product.sku)
            item.setSizeHint(QSize(0, 48))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def choose(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._activated(item)

    def _activated(self, item: QListWidgetItem) -> None:
        product: Product = self._catalog.catalog.get(item.data(Qt.ItemDataRole.UserRole))
        self.chosen.emit(product)
