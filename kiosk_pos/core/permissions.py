"""Who may do what: the permission matrix, kept as data and checked by the use cases.

Every use case that changes money, stock, settings or the file takes the acting
:class:`User` and calls :func:`require` first; the UI only hides what the core would
refuse anyway. Three roles: the clerk sells and keeps their own shift; the supervisor also
refunds, receives stock and sees the daily report and every shift; the owner does all.
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
    # staff, shifts, refunds, audit (issue 10)
    MANAGE_USERS = "manage_users"          # add, rename, change role, disable, reset a PIN
    VIEW_AUDIT = "view_audit"
    VIEW_COST = "view_cost"                # cost and profit in reports
    OPEN_SHIFT = "open_shift"              # open, count and close one's own shift
    CASH_MOVEMENT = "cash_movement"        # kas masuk / kas keluar with a reason
    VIEW_SHIFTS = "view_shifts"            # every shift, past ones, closing another's
    REFUND = "refund"                      # refund goods (a clerk needs an approver)
    RECEIVE_STOCK = "receive_stock"
    SHIFT_SETTINGS = "shift_settings"      # shifts on or off, blind close
    SWITCH_TRAINING = "switch_training"    # mode latihan on or off (kiosk_pos/training.py)


_CLERK = frozenset({Permission.SELL, Permission.VIEW_HISTORY, Permission.REPRINT,
                    Permission.OPEN_SHIFT, Permission.CASH_MOVEMENT,
                    Permission.SELL_ON_KASBON})
_SUPERVISOR = _CLERK | {Permission.VIEW_REPORTS, Permission.VIEW_SHIFTS, Permission.REFUND,
                        Permission.RECEIVE_STOCK}

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.SUPERVISOR: _SUPERVISOR,
    Role.CLERK: _CLERK,
}


def allowed(user: User | None, permission: Permission) -> bool:
    return user is not None and permission in MATRIX.get(user.role, frozenset())


def require(user: User | None, permission: Permission) -> None:
    """Raise PermissionDenied (a sentence naming who may do it) unless ``user`` may."""
    if user is None:
        raise PermissionDenied("error.login_required")
    if not allowed(user, permission):
        key = ("error.supervisor_only" if permission in MATRIX[Role.SUPERVISOR]
               else "error.owner_only")
        raise PermissionDenied(key, action=f"permission.{permission.value}")
