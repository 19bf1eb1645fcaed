"""Shots of the selling screen's checks and the deposit-ticket dialog for the docs, called by
:mod:`tools.screenshots` inside its run: the repeat-sale warning over the payment page, and
the ticket dialog with a ticket shown at the height it takes on that screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def repeat_shot(app: Any, window: Any, shot: Callable[[str], None],
                wait: Callable[..., None]) -> None:
    """Sell the product just sold to the same number again: the warning asks for F2."""
    sales = window.sales
    sales.number.setText("0812 3456 7890")
    sales.focus_grid()
    sales.grid.select(1)
    sales.add_product(sales.grid.current, pay=True)
    wait(app, sales.repeat.isVisible)
    sales.payment.cash.setText("20000")
    sales.payment._update_change()
    shot("sales-repeat")
    sales.show_entry()  # Esc: back to the cart, which is emptied for the next shots
    sales.cart.clear()


def ticket_shot(app: Any, kiosk: Any, tasks: Any, outdir: Path, size: tuple[int, int],
                saved: list[Path], wait: Callable[..., None]) -> None:
    """The owner's Tiket Deposit dialog with a ticket, as large as it opens on ``size``."""
    from pulsa_protocol import wire

    from kiosk_pos.core.records import Role
    from kiosk_pos.ui.deposit_ticket import DepositTicketDialog

    owner = next(u for u in kiosk.users.list() if u.role is Role.OWNER)
    now = datetime.now(UTC).replace(microsecond=0)
    dialog = DepositTicketDialog(kiosk, user=owner, tasks=tasks)
    dialog.show()
    wait(app, lambda: not tasks.busy)  # the cached tickets read: done before it goes
    dialog.show_ticket(wire.DepositTicket(
        id=12, amount_requested=500_000, unique_code=960, amount_to_transfer=500_960,
        bank_name="BCA", bank_account="1234567890", bank_holder="PT Distributor Pulsa Demo",
        status="open", expires_at=now + timedelta(hours=6), created_at=now))
    hint = dialog.sizeHint()
    dialog.resize(min(hint.width(), size[0]), min(hint.height(), size[1] - 40))
    wait(app, lambda: dialog.panel.isVisible())
    path = outdir / "deposit-ticket.png"
    dialog.grab().save(str(path))
    saved.append(path)
    dialog.close()
    dialog.deleteLater()
