"""Paying at the counter: the sale goes to the single writer once the repeat check (the
same product to the same number a few minutes ago) has answered or the clerk confirmed it;
then the change is shown and the form cleared for the next customer.

A part of :class:`~kiosk_pos.ui.sales_screen.SalesScreen`, kept apart so the screen's
layout and its selling flow each stay one idea."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk_pos.core.records import Payment, ProductKind, SaleRecord
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, WriteOp

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QLabel, QStackedWidget

    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User
    from kiosk_pos.ui.cart import CartWidget
    from kiosk_pos.ui.last_sale import LastSale
    from kiosk_pos.ui.payment import PaymentPanel
    from kiosk_pos.ui.product_grid import ProductGrid
    from kiosk_pos.ui.repeat_warning import RepeatWarning
    from kiosk_pos.ui.tasks import TaskManager

PAYMENT = 1  # the payment page's index in the screen's stack


class SalesCheckout:
    """The paying half of the sales screen (a mixin: the screen owns the widgets)."""

    if TYPE_CHECKING:
        kiosk: Kiosk
        tasks: TaskManager
        clerk: User | None
        cart: CartWidget
        grid: ProductGrid
        last_sale: LastSale
        repeat: RepeatWarning
        payment: PaymentPanel
        _payment: PaymentPanel | None
        _waiting_payment: Payment | None
        hint: QLabel
        stack: QStackedWidget
        sale_done: SignalInstance

        def reset(self) -> None: ...

    def _pay(self, payment: Payment) -> None:
        clerk = self.clerk
        if clerk is None:
            self.payment.show_error(tr("error.login_required"))
            return
        if self.repeat.pending:  # the repeat check answers in a moment: the sale waits
            self._waiting_payment = payment
            self.payment.set_busy(True)
            return
        if self.repeat.blocking:
            self.payment.show_error(tr("ui.repeat.confirm_first"))
            return
        lines = self.cart.lines()
        self.payment.set_busy(True)
        WriteOp(self, lambda: self.kiosk.sales.sell(clerk, lines, payment)).success(
            self._sold).failure(self._sell_failed).run(self.tasks)

    def _repeat_settled(self) -> None:
        """No repeat (or the clerk confirmed one): a payment entered meanwhile goes on."""
        payment, self._waiting_payment = self._waiting_payment, None
        if payment is not None and self.stack.currentIndex() == PAYMENT:
            self.payment.set_busy(False)
            self._pay(payment)
        elif self._payment is not None and self.stack.currentIndex() == PAYMENT:
            self.payment.error.clear()

    def _repeat_found(self) -> None:
        """A repeat turned up while a payment waited for the check: it does not go on by
        itself; the form is free again (Esc works) and says what to press."""
        if self._waiting_payment is not None and self._payment is not None:
            self._waiting_payment = None
            self.payment.set_busy(False)
            self.payment.show_error(tr("ui.repeat.confirm_first"))

    def _cart_changed(self) -> None:
        """The hint follows the cart: no "... masuk keranjang" over an empty cart, and the
        last customer's change goes once the next customer's cart begins."""
        if not len(self.cart):
            self.hint.setText(tr("ui.sale.hint"))
        else:
            self.last_sale.hide()

    def _sold(self, record: SaleRecord) -> None:
        """The sale is on disk: show the change and clear the form. The core announced it
        (SALE_SAVED); the window lists it and the print queue prints it from that event."""
        self.cart.clear()
        self.last_sale.show_sale(record)
        self.payment.set_busy(False)
        self.reset()
        self.grid.set_kind(ProductKind.PULSA)  # the next customer starts from the top
        self.hint.setText(tr("ui.sale.hint"))
        self.sale_done.emit(record)

    def _sell_failed(self, failure: OpFailure) -> None:
        self.payment.set_busy(False)
        self.payment.show_error(failure.message)
