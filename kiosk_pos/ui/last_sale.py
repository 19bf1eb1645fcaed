"""The last sale's change, large, under the selling form: "Kembalian Rp8.000" with the sale's
number, total and payment beside it, as low as the amount itself (the screen fits 768 px)."""

from __future__ import annotations

from pulsa_protocol.money import format_rupiah
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk_pos.core.records import SaleRecord
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import OK_COLOUR, label


class LastSale(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.record: SaleRecord | None = None
        self.caption = label("", "large")
        self.amount = label("", "huge")
        self.amount.setStyleSheet(f"color: {OK_COLOUR}; font-size: 40pt;")
        self.detail = label("", "caption")
        self.detail.setWordWrap(True)
        # "Kembalian" over the sale's short detail, the amount beside them: the detail is
        # never squeezed into a column of single words
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 10, 2)
        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.caption)
        words.addWidget(self.detail)
        layout.addLayout(words, 1)
        layout.addWidget(self.amount)
        self.hide()

    def show_sale(self, record: SaleRecord) -> None:
        self.record = record
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        self.caption.setText(tr("ui.sale.change"))
        record = self.record
        if record is not None:
            self.amount.setText(format_rupiah(record.change))
            self.detail.setText(tr("ui.sale.saved", id=record.id, total=record.total,
                                   method=tr(f"payment.{record.payment_method.value}")))
