"""The owner's PIN on the command line: commands that change where the money goes
(connect, printer, deposit-ticket, prices sync, backup, restore) take ``--pin``.

The use case in the core checks the permission again; asking here first refuses a clerk
before anything is sent or written.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kiosk_pos.cli.common import CliError
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.permissions import Permission
    from kiosk_pos.core.records import User


def add_pin(parser: argparse.ArgumentParser) -> None:
    """``--pin``; a command missing it when it needs it gets :func:`acting_owner`'s sentence
    (in the kiosk's language, unlike argparse's)."""
    from kiosk_pos.cli.args import text

    parser.add_argument("--pin", type=text(32), help="the owner's PIN")


def acting_owner(kiosk: Kiosk, pin: str | None, permission: Permission) -> User:
    """The user whose PIN this is, if they may do ``permission``; else one sentence."""
    from kiosk_pos.core.permissions import require

    if not pin:
        raise CliError(tr("error.owner_pin_required"))
    user = kiosk.users.authenticate(pin)
    require(user, permission)
    return user
