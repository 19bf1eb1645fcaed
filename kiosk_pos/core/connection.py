"""The kiosk's connection to its distributor, as kept: the address, the kiosk id and the
distributor's CA file in the settings table; the signing secret in the secret store
(:mod:`kiosk_pos.core.credentials`), never in the database.

Saving a connection changes where the money goes, so it is the owner's
(:attr:`Permission.MANAGE_CONNECTION`); only the app's own demo distributor is saved
without a person acting. A kiosk made before the secret left the database has it moved
out on the first load, and the row deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

log = logging.getLogger(__name__)

URL_KEY = "sync.url"
KIOSK_ID_KEY = "sync.kiosk_id"
CA_FILE_KEY = "sync.ca_file"
LEGACY_SECRET_KEY = "sync.secret"  # where kiosks kept the secret before; moved out on load


class ReconnectNeeded(KioskError):
    """The address is kept but this computer holds no secret for it (a database copied
    from elsewhere, a lost key file): the owner connects again."""


@dataclass(frozen=True)
class Connection:
    url: str
    kiosk_id: int
    secret: str = field(repr=False)
    ca_file: str | None = None


def secret_name(kiosk_id: int) -> str:
    return f"distributor-secret-{int(kiosk_id)}"


def load(kiosk: Kiosk) -> Connection | None:
    """The saved connection; None when the kiosk was never connected. Raises
    :class:`ReconnectNeeded` when the secret is not on this computer."""
    url = kiosk.settings.get(URL_KEY)
    kiosk_id = kiosk.settings.get(KIOSK_ID_KEY)
    if not url or kiosk_id is None:
        return None
    _move_legacy_secret(kiosk, int(kiosk_id))
    secret = kiosk.secrets.get(secret_name(int(kiosk_id)))
    if not secret:
        raise ReconnectNeeded("sync.error.reconnect")
    ca_file = kiosk.settings.get(CA_FILE_KEY)
    return Connection(str(url), int(kiosk_id), secret, str(ca_file) if ca_file else None)


def save(kiosk: Kiosk, user: User | None, conn: Connection) -> None:
    """Keep ``conn`` as the kiosk's connection: the owner's decision."""
    require(user, Permission.MANAGE_CONNECTION)
    _store(kiosk, conn)
    from kiosk_pos.core import audit

    audit.note(kiosk.db, "connection.saved", user, kiosk.clock, url=conn.url,
               kiosk_id=conn.kiosk_id)


def save_demo(kiosk: Kiosk, conn: Connection) -> None:
    """The app's own demo distributor on 127.0.0.1 (no person acts; see kiosk_pos/demo.py)."""
    _store(kiosk, conn)


def _store(kiosk: Kiosk, conn: Connection) -> None:
    before = kiosk.settings.get(KIOSK_ID_KEY)
    kiosk.secrets.put(secret_name(conn.kiosk_id), conn.secret)  # first: never a half-saved
    kiosk.settings.set_many({URL_KEY: conn.url.rstrip("/"),    # address without its secret
                             KIOSK_ID_KEY: int(conn.kiosk_id),
                             CA_FILE_KEY: conn.ca_file})
    if before is not None and int(before) != int(conn.kiosk_id):
        kiosk.secrets.delete(secret_name(int(before)))
    kiosk.settings.delete(LEGACY_SECRET_KEY)


def _move_legacy_secret(kiosk: Kiosk, kiosk_id: int) -> None:
    legacy = kiosk.settings.get(LEGACY_SECRET_KEY)
    if not legacy:
        return
    try:
        kiosk.secrets.put(secret_name(kiosk_id), str(legacy))
    except OSError:  # the store cannot be written: keep the row, the kiosk keeps syncing
        log.exception("could not move the distributor secret out of the database")
        return
    kiosk.settings.delete(LEGACY_SECRET_KEY)
    log.info("moved the distributor secret out of the database")
