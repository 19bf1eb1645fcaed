"""Who may do what: the permission matrix, kept as data and checked by the use cases.

Every use case that changes money, stock, settings or the file takes the acting
:class:`User` and calls :func:`require` first; the UI only hides what the core would
refuse anyway. The staff issue adds roles (supervisor) and rows; the check stays here.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk_pos.core.errors import PermissionDenied
from kiosk_pos.core.records import Role, User


class Permission(StrEnum):
    SELL = "sell"
    VIEW_HISTORY = "view_history"
    REPRINT = "reprint"
    VIEW_REPORTS = "view_reports"
    MANAGE_BACKUPS = "manage_backups"      # make a backup on demand, restore one
    MANAGE_PRINTER = "manage_printer"      # change the printer settings
    MANAGE_CONNECTION = "manage_connection"  # connect to a distributor (where money goes)
    REQUEST_DEPOSIT = "request_deposit"    # ask the distributor for a deposit ticket
    UPDATE_PRICES = "update_prices"        # pull the distributor's price list and reprice
    RECONCILE = "reconcile"
    # back office (goods, stock, customers, kasbon)
    MANAGE_GOODS = "manage_goods"          # add, edit, retire, import goods
    MANAGE_STOCK = "manage_stock"          # receive, adjust (opname), return, write off
    MANAGE_CUSTOMERS = "manage_customers"  # add customers, set their credit limit
    TAKE_KASBON_PAYMENT = "take_kasbon_payment"  # payments and corrections of kasbon
    SELL_ON_KASBON = "sell_on_kasbon"      # a sale on an allowed customer's account


_CLERK = frozenset({Permission.SELL, Permission.VIEW_HISTORY, Permission.REPRINT,
                    Permission.VIEW_REPORTS, Permission.SELL_ON_KASBON})

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.CLERK: _CLERK,
}


def allowed(user: User | None, permission: Permission) -> bool:
    return user is not None and permission in MATRIX.get(user.role, frozenset())


def require(user: User | None, permission: Permission) -> None:
    """Raise PermissionDenied (a sentence naming who may do it) unless ``user`` may."""
    if user is None:
        raise PermissionDenied("error.login_required")
    if not allowed(user, permission):
        raise PermissionDenied("error.owner_only", action=f"permission.{permission.value}")
