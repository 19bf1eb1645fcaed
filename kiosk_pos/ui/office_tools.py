"""The back office entries of the owner's tools menu: Barang, Terima barang, Stok opname,
"Stok menipis (n)" (its count is the owner's low-stock badge), Pelanggan & kasbon (the
customer list; a customer's kasbon page opens from it) and Aturan harga. Each entry shows
only to a user the core would let do it (the core checks again); the count is read by an
operation, never on the UI thread, and kept on the tools object until the next reading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QDialog, QMenu, QWidget

from kiosk_pos.core.customers import Customer
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.permissions import Permission, allowed
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.tasks import TaskManager

MakeDialog = Callable[[str, QWidget], QDialog]


class HoldsCount(Protocol):
    low_count: int | None


def low_stock_text(count: int | None) -> str:
    return tr("office.menu.low_count", count=count) if count else tr("office.menu.low")


def refresh_low_count(window: QWidget, kiosk: Kiosk, tasks: TaskManager, user: User | None,
                      holder: HoldsCount) -> None:
    """Read how many goods are low (owner only) and relabel the open menu's entry."""
    if not allowed(user, Permission.MANAGE_STOCK):
        holder.low_count = None
        return
    stock = kiosk.stock

    def counted(count: int) -> None:
        old = low_stock_text(holder.low_count)
        holder.low_count = count
        for menu in window.findChildren(QMenu):
            for action in menu.actions():
                if action.text() == old:
                    action.setText(low_stock_text(count))

    QueryOp(window, stock.low_stock_count).success(counted).run(tasks)


def office_actions(window: QWidget, kiosk: Kiosk, tasks: TaskManager, user: User | None,
                   make_dialog: MakeDialog,
                   holder: HoldsCount) -> list[tuple[str, Callable[[], None]]]:
    """The entries this user may use; the badge count is refreshed as the menu opens."""
    from kiosk_pos.ui.goods_view import GoodsView
    from kiosk_pos.ui.stock_view import OPNAME, RECEIVE, LowStockView, StockCountView

    def refreshed(dialog: QDialog) -> QDialog:
        dialog.finished.connect(lambda _code: refresh_low_count(window, kiosk, tasks, user,
                                                                holder))
        dialog.open()
        return dialog

    def goods() -> None:
        refreshed(make_dialog(tr("office.menu.goods"), GoodsView(kiosk, user, tasks)))

    def counting(mode: str) -> Callable[[], None]:
        def open_it() -> None:
            view = StockCountView(kiosk, user, tasks, mode)
            refreshed(make_dialog(tr(f"office.menu.{mode}"), view))
        return open_it

    def low() -> None:
        refreshed(make_dialog(tr("office.menu.low"), LowStockView(kiosk, tasks)))

    def customers() -> None:
        from kiosk_pos.ui.customer_view import CustomerView
        from kiosk_pos.ui.kasbon_view import KasbonView

        def account(customer: Customer) -> None:
            page = KasbonView(kiosk, user, tasks, customer.id)
            page.saved.connect(lambda _e: view.refresh())  # the list's figures follow
            make_dialog(tr("kasbon.title", name=customer.name, id=customer.id,
                           phone=customer.phone or "-"), page).open()

        view = CustomerView(kiosk, user, tasks, open_account=account)
        make_dialog(tr("office.menu.customers"), view).open()

    def markup() -> None:
        from kiosk_pos.ui.markup_view import MarkupView

        make_dialog(tr("office.menu.markup"), MarkupView(kiosk, user, tasks)).open()

    entries: list[tuple[str, Callable[[], None]]] = []
    if allowed(user, Permission.MANAGE_GOODS):
        entries.append((tr("office.menu.goods"), goods))
    if allowed(user, Permission.RECEIVE_STOCK):
        entries.append((tr("office.menu.receive"), counting(RECEIVE)))
    if allowed(user, Permission.MANAGE_STOCK):
        entries.append((tr("office.menu.opname"), counting(OPNAME)))
        entries.append((low_stock_text(holder.low_count), low))
        refresh_low_count(window, kiosk, tasks, user, holder)
    if allowed(user, Permission.MANAGE_CUSTOMERS):
        entries.append((tr("office.menu.customers"), customers))
    if allowed(user, Permission.UPDATE_PRICES):
        entries.append((tr("office.menu.markup"), markup))
    return entries
