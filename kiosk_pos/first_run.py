"""A new counter's first run: what the owner answered, checked, then kept in one go.

The first-run wizard (``ui/first_run.py``) gathers a :class:`ShopPlan` page by page, each
page checked by the functions here (the core's rules: a shop needs a name, the owner's PIN
is 4-8 digits and not trivial, a clerk's PIN is not the owner's). Nothing is written until
:func:`set_up` runs at the end, through the same use cases as the commands:

- ``kiosk-pos init``: :func:`~kiosk_pos.core.setup.init_kiosk` (the file filled under a
  temporary name with the owner and the clerk, then renamed: all or nothing);
- ``kiosk-pos connect``: :func:`kiosk_pos.sync.connect.keep`, for a connection the wizard
  proved with the same signed test (:func:`kiosk_pos.sync.connect.check`);
- ``kiosk-pos printer``: :func:`~kiosk_pos.printing.receipt_printer.save_settings`.

Cancelling the wizard leaves the data folder as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_pos.core.errors import AuthError, KioskError
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.core.users import check_pin_format, is_trivial_pin

if TYPE_CHECKING:
    from kiosk_pos.printing.settings import PrinterSettings
    from kiosk_pos.sync.config import SyncConfig

MAX_NAME = 80
MAX_ADDRESS = 200


@dataclass(frozen=True)
class ShopPlan:
    name: str
    address: str
    owner_pin: str
    clerk_name: str = ""
    clerk_pin: str = ""
    connection: SyncConfig | None = None  # proven by the signed test; None: later
    printer: PrinterSettings | None = None  # None: later
    language: str = ""  # the wizard's language becomes the app's

    @property
    def clerks(self) -> list[tuple[str, str]]:
        return [(self.clerk_name.strip(), self.clerk_pin)] if self.clerk_name.strip() else []


def needs_first_run(data_dir: Path) -> bool:
    """A folder with no kiosk database at all (an empty file is a damaged shop, not new)."""
    return not (Path(data_dir) / DB_FILENAME).exists()


def check_shop(name: str, address: str) -> None:
    if not name.strip():
        raise KioskError("error.kiosk_name_required")
    if len(name.strip()) > MAX_NAME or len(address.strip()) > MAX_ADDRESS:
        raise KioskError("first_run.error.too_long", name=MAX_NAME, address=MAX_ADDRESS)


def check_owner_pin(pin: str, again: str) -> None:
    """The owner's PIN as the core takes it (4-8 digits, not all one digit nor a run),
    typed the same twice."""
    check_pin_format(pin)
    if is_trivial_pin(pin):
        raise AuthError("error.pin_trivial")
    if pin != again:
        raise AuthError("first_run.error.pin_mismatch")


def check_clerk(name: str, pin: str, owner_pin: str) -> None:
    """An optional clerk: both a name and a PIN, or neither."""
    if not name.strip() and not pin:
        return
    if not name.strip():
        raise AuthError("error.user_name_required")
    check_pin_format(pin)
    if pin == owner_pin:
        raise AuthError("error.pin_taken")
    if len(name.strip()) > MAX_NAME:
        raise KioskError("first_run.error.too_long", name=MAX_NAME, address=MAX_ADDRESS)


def set_up(data_dir: Path, plan: ShopPlan) -> tuple[Kiosk, User]:
    """Create the counter of ``plan`` in ``data_dir``; returns it open, and its owner
    (PIN hashing: call it off the UI thread). Checks the plan again first."""
    from kiosk_pos.core.setup import init_kiosk

    check_shop(plan.name, plan.address)
    check_owner_pin(plan.owner_pin, plan.owner_pin)
    check_clerk(plan.clerk_name, plan.clerk_pin, plan.owner_pin)
    kiosk = init_kiosk(data_dir, plan.name.strip(), plan.owner_pin,
                       address=plan.address.strip(), clerks=plan.clerks)
    try:
        if plan.language:
            from kiosk_pos.core.settings import LANGUAGE

            kiosk.settings.set(LANGUAGE, plan.language)
        owner = kiosk.users.authenticate(plan.owner_pin)
        if plan.connection is not None:
            from kiosk_pos.sync.connect import keep

            keep(kiosk, plan.connection, owner)
        if plan.printer is not None:
            from kiosk_pos.printing.receipt_printer import save_settings

            save_settings(kiosk, plan.printer, owner)
    except BaseException:
        kiosk.close()
        raise
    return kiosk, owner
