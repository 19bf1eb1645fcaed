"""The sales screen: number -> operator -> product -> payment -> change, without the mouse.

Left: the number field with the operator badge, the nominal grid (or search, or
payment) and the last sale's change in large type. Right: the cart and today's
recent sales with live status. The sale itself is written on the tasks' single
writer thread; the screen stays responsive and shows the result when it lands.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, Product, ProductKind, SaleRecord, User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.barcode import BarcodeWedge
from kiosk_pos.ui.cart import CartWidget
from kiosk_pos.ui.checkout import PAYMENT, SalesCheckout
from kiosk_pos.ui.inquiry_line import InquiryLine
from kiosk_pos.ui.last_sale import LastSale
from kiosk_pos.ui.number_field import NumberField
from kiosk_pos.ui.pages import place_page
from kiosk_pos.ui.product_grid import ProductGrid
from kiosk_pos.ui.recent import RecentSales
from kiosk_pos.ui.repeat_warning import RepeatWarning, grouped
from kiosk_pos.ui.sales_keys import install_keys
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import badge_style, label

if TYPE_CHECKING:
    from kiosk_pos.ui.payment import PaymentPanel
    from kiosk_pos.ui.search import SearchPanel

log = logging.getLogger(__name__)


def unknown_prefix(number: str) -> str:
    """Why a number gets no products: its first four digits belong to no operator."""
    return tr("ui.sale.unknown_prefix", prefix=number[:4])

ENTRY, SEARCH = 0, 2  # the stack's pages (PAYMENT = 1: ui/checkout.py)


class SalesScreen(QWidget, SalesCheckout):
    sale_done = Signal(object)  # SaleRecord: this screen's own sale landed (form reset)

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.tasks = tasks
        self.clerk: User | None = None
        catalog = kiosk.catalog.catalog

        # The frame first, each container in its place before it is filled: under the
        # application's style sheet a widget is restyled, with its whole subtree, each time
        # it changes parent, so a screen built bottom-up restyled its leaves once per level.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split)
        left = QWidget()
        split.addWidget(left)
        right = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(right)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        # the same product to the same number a few minutes ago: asked before paying
        self.repeat = RepeatWarning(kiosk.timezone())
        self.repeat.settled.connect(self._repeat_settled)
        self.repeat.found.connect(self._repeat_found)
        self._waiting_payment: Payment | None = None
        left_layout.addWidget(self.repeat)
        self.stack = QStackedWidget()
        left_layout.addWidget(self.stack, 1)
        entry = QWidget()
        self.stack.addWidget(entry)
        entry_layout = QVBoxLayout(entry)
        entry_layout.setContentsMargins(0, 0, 0, 0)

        # -- entry page: number, badge, error, grid, hint
        self.number_caption = label("")
        self.number_caption.setWordWrap(True)  # never the width that squeezes the cart
        self.number = NumberField()
        self.number.textChanged.connect(self._number_changed)
        self.number.returnPressed.connect(self._number_enter)
        self.number.to_grid.connect(self.focus_grid)
        self.badge = label("")
        self.badge.setMinimumWidth(160)
        self.badge.hide()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = label("", "error")
        self.error.setWordWrap(True)
        self.grid = ProductGrid(catalog.prefixes)
        self.grid.activated.connect(lambda p: self.add_product(p, pay=True))
        self.add_button = QPushButton()
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(self.add_selected)
        self.search_button = QPushButton()
        self.search_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.search_button.clicked.connect(self.open_search)
        self.hint = label("", "caption")
        self.hint.setWordWrap(True)
        number_row = QHBoxLayout()
        number_row.addWidget(self.number, 1)
        number_row.addWidget(self.badge)
        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.search_button)
        entry_layout.addWidget(self.number_caption)
        entry_layout.addLayout(number_row)
        entry_layout.addWidget(self.error)
        entry_layout.addWidget(self.grid, 1)
        entry_layout.addLayout(tools)
        entry_layout.addWidget(self.hint)

        # Payment and search are built when first opened (placeholders until then).
        self._payment: PaymentPanel | None = None
        self._search: SearchPanel | None = None
        for _page in (PAYMENT, SEARCH):
            self.stack.addWidget(QWidget())

        # -- last sale: the change, large
        self.last_sale = LastSale()
        self.change_amount = self.last_sale.amount

        # -- right: cart and recent
        self.inquiry = InquiryLine(kiosk, tasks, self)  # the name check, shown on the payment page
        self.cart = CartWidget()
        self.cart.pay_requested.connect(self.open_payment)
        self.cart.changed.connect(self._cart_changed)
        self.recent = RecentSales(kiosk.timezone())
        right.addWidget(self.cart)
        right.addWidget(self.recent)
        right.setStretchFactor(0, 2)  # the cart first: its lines matter more than the list
        right.setStretchFactor(1, 1)
        right.setSizes([460, 230])

        left_layout.addWidget(self.last_sale)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([560, 440])

        install_keys(self, entry)
        self.wedge = BarcodeWedge(self, lambda code: code in self.kiosk.catalog.catalog.by_barcode,
                                  self.scan)
        self.retranslate()
        self._number_changed("")

    @property
    def payment(self) -> PaymentPanel:
        if self._payment is None:
            from kiosk_pos.ui.customer_picker import CustomerPicker
            from kiosk_pos.ui.payment import PaymentPanel

            self._payment = PaymentPanel(picker=CustomerPicker(self.kiosk, self.tasks))
            self._payment.submitted.connect(self._pay)
            self._payment.cancelled.connect(self.show_entry)
            layout = self._payment.layout()
            layout.insertWidget(layout.indexOf(self._payment.destinations) + 1, self.inquiry)
            place_page(self.stack, PAYMENT, self._payment)
        return self._payment

    @property
    def search(self) -> SearchPanel:
        if self._search is None:
            from kiosk_pos.ui.search import SearchPanel

            self._search = SearchPanel(self.kiosk.catalog)
            self._search.chosen.connect(self._search_chosen)
            self._search.closed.connect(self.show_entry)
            place_page(self.stack, SEARCH, self._search)
        return self._search

    def retranslate(self) -> None:
        self.number_caption.setText(tr("ui.sale.number_caption"))
        self.number.setPlaceholderText(tr("ui.sale.number_placeholder"))
        self.add_button.setText(tr("ui.sale.add_to_cart"))
        self.search_button.setText(tr("ui.sale.search"))
        self.hint.setText(tr("ui.sale.hint"))
        for widget in (self.grid, self._payment, self._search, self.cart, self.recent,
                       self.inquiry, self.repeat, self.last_sale):
            if widget is not None:  # a panel not built yet is translated when it is
                widget.retranslate()
        self._number_changed(self.number.text())

    # -- session ---------------------------------------------------------------------------
    @property
    def last_record(self) -> SaleRecord | None:
        return self.last_sale.record

    def set_clerk(self, user: User | None) -> None:
        self.clerk = user

    def catalog_changed(self) -> None:
        """The catalogue was read again (new prices): show the products for the number typed."""
        self._number_changed(self.number.text())

    def reset(self) -> None:
        """Ready for the next customer: empty form, focus in the number field."""
        self.number.clear()
        self.error.clear()
        self.hint.setText(tr("ui.sale.hint"))
        self.grid.clear_selection()
        self.show_entry()

    # -- pages -----------------------------------------------------------------------------
    def show_entry(self) -> None:
        self.repeat.clear()
        self._waiting_payment = None
        self.stack.setCurrentIndex(ENTRY)
        self.number.setFocus()

    def choose_kind(self, kind: ProductKind) -> None:
        """F1-F4: the kind's nominals; once a number is typed the keys move to them, so
        1-9 then picks a nominal instead of growing the number."""
        self.grid.set_kind(kind)
        if self.number.text().strip() and self.number.hasFocus():
            self.focus_grid()

    def focus_grid(self) -> None:
        if self.grid.products:
            self.grid.setFocus()
            if self.grid.current is None:
                self.grid.select(0)

    def open_search(self) -> None:
        search = self.search
        self.stack.setCurrentIndex(SEARCH)
        search.start()

    def open_payment(self) -> None:
        if not len(self.cart):
            self.show_entry()
            self.error.setText(tr("error.cart_empty"))
            return
        payment = self.payment
        self.inquiry.show_for([(e.product, e.destination) for e in self.cart.entries])
        self.last_sale.hide()  # one Kembalian on screen: this sale's, in the payment panel
        self.stack.setCurrentIndex(PAYMENT)
        payment.start(self.cart.total_amount(),
                      [f"{grouped(e.destination)}  ·  {e.product.name}"
                       for e in self.cart.entries if e.destination],
                      [e.destination for e in self.cart.entries if e.destination])
        lines = self.cart.lines()
        self._waiting_payment = None
        if any(line.destination for line in lines):
            self.repeat.check(self.tasks, lambda: self.kiosk.sales.earlier_same(lines))
        else:
            self.repeat.clear()

    def _focus_cart(self) -> None:
        if len(self.cart):
            self.cart.table.setFocus()
            if self.cart.table.currentRow() < 0:
                self.cart.table.selectRow(len(self.cart) - 1)

    def _escape(self) -> None:
        if self.number.text() or self.error.text():
            self.reset()
        else:
            self.show_entry()

    # -- number and products -------------------------------------------------------------
    def _number_changed(self, text: str) -> None:
        self.error.clear()
        choice = self.kiosk.catalog.catalog.choices_for(text.strip())
        if choice.operator is not None:
            self.badge.setText(choice.operator.name)
            self.badge.setStyleSheet(badge_style(choice.operator.colour))
            if self.grid.kind is ProductKind.PLN:
                self.grid.set_kind(ProductKind.PULSA)
        else:
            self.badge.setText(tr("ui.sale.no_operator") if choice.number else "")
            self.badge.setStyleSheet("")
            if choice.number is not None and len(choice.number) >= 4:  # no operator has it
                self.error.setText(unknown_prefix(choice.number))
            digits = text.strip()
            if (choice.number is None and digits.isdigit() and len(digits) >= 11
                    and self.grid.kind in (ProductKind.PULSA, ProductKind.DATA)
                    and digits not in self.kiosk.catalog.catalog.by_barcode):
                self.grid.set_kind(ProductKind.PLN)
        self.badge.setVisible(bool(self.badge.text()))
        self.grid.set_note(self.error.text())
        self.grid.set_choice(choice)

    def _number_enter(self) -> None:
        text = self.number.text().strip()
        if text in self.kiosk.catalog.catalog.by_barcode:
            self.number.clear()
            self.scan(text)
        elif self.grid.current is not None:
            self.add_product(self.grid.current, pay=True)
        elif self.grid.products and text:
            self.focus_grid()
        elif not text and len(self.cart):
            self.open_payment()
        elif not self.error.text():  # an unknown prefix keeps its own sentence
            self.error.setText(tr("ui.sale.pick_product"))

    def add_selected(self) -> None:
        if self.grid.current is None:
            self.error.setText(tr("ui.sale.pick_product"))
            self.number.setFocus()
            return
        self.add_product(self.grid.current, pay=False)

    def add_product(self, product: Product, *, pay: bool) -> bool:
        """Check the line with the core, put it in the cart, then pay or go on."""
        destination = self.number.text().strip() if product.kind.electronic else ""
        try:
            checked = self.kiosk.sales.check_lines([CartLine(product.sku, 1, destination)])
        except KioskError as exc:
            self.show_entry()
            self.error.setText(exc.message)
            return False
        self.cart.add(product, checked[0].destination)
        self.inquiry.check(product, checked[0].destination)  # PLN, e-wallet: whose is it?
        self.number.clear()
        self.grid.clear_selection()
        if pay:
            self.open_payment()
        else:
            self.show_entry()
            self.error.setText("")
            self.hint.setText(tr("ui.sale.added", name=product.name))
        return True

    def scan(self, code: str) -> None:
        """A barcode from the scanner: the item goes into the cart."""
        product = self.kiosk.catalog.catalog.by_barcode.get(code)
        if product is None:
            self.error.setText(tr("ui.sale.unknown_barcode", code=code))
            return
        self.cart.add(product)
        self.show_entry()
        self.hint.setText(tr("ui.sale.added", name=product.name))

    def _search_chosen(self, product: Product) -> None:
        if product.kind.electronic:
            self.show_entry()
            self.grid.set_kind(product.kind)
            if self.number.text().strip():  # the number typed: the core says if it fits
                self.add_product(product, pay=False)
            else:
                self.error.setText(tr("ui.sale.type_number_for", name=product.name))
            return
        self.cart.add(product)
        self.show_entry()
        self.hint.setText(tr("ui.sale.added", name=product.name))
