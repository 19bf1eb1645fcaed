"""Adding a kiosk, rotating its secret, disabling and enabling it from the console.

The secret is derived from the master key (never stored): it is shown once on the page that
answers the POST (as text and as a QR code for the kiosk's first-run wizard) and is not in
the audit row. Rotating bumps the kiosk's secret generation, so the old secret stops working
at once. A disabled kiosk's requests are refused (the server's auth reads ``active``).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from distributor_server import kiosks
from distributor_server.console import audit
from distributor_server.console.money import ConsoleRefusal
from distributor_server.context import ServerContext
from distributor_server.db import lock_kiosk

MAX_NAME = 120


def setup_payload(server_url: str, creds: kiosks.KioskCredentials) -> str:
    """What the QR code holds: the kiosk's settings for its first-run wizard, as JSON."""
    return json.dumps({"type": "pulsa-kiosk-setup", "v": 1, "server": server_url,
                       "kiosk_id": creds.kiosk_id, "secret": creds.secret},
                      separators=(",", ":"))


def add_kiosk(ctx: ServerContext, actor: audit.Actor, name: str) -> kiosks.KioskCredentials:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise ConsoleRefusal("kiosk_name_bad")
    creds = kiosks.create_kiosk(ctx, name)
    audit.record(ctx.db, actor, "kiosk.add", f"kiosk {creds.kiosk_id}", None,
                 {"name": name, "secret_generation": 1})
    return creds


def generation(ctx: ServerContext, kiosk_id: int) -> int:
    from distributor_server.models import Kiosk

    with ctx.db.read() as session:
        value = session.scalar(select(Kiosk.secret_generation).where(Kiosk.id == kiosk_id))
    if value is None:
        raise ConsoleRefusal("kiosk_missing", id=kiosk_id)
    return value


def rotate(ctx: ServerContext, actor: audit.Actor, kiosk_id: int) -> kiosks.KioskCredentials:
    try:
        creds = kiosks.rotate_secret(ctx, kiosk_id)
    except kiosks.NotFound:
        raise ConsoleRefusal("kiosk_missing", id=kiosk_id) from None
    now = generation(ctx, kiosk_id)
    audit.record(ctx.db, actor, "kiosk.rotate_secret", f"kiosk {kiosk_id}",
                 {"secret_generation": now - 1}, {"secret_generation": now})
    return creds


def set_active(ctx: ServerContext, actor: audit.Actor, kiosk_id: int, active: bool) -> str:
    """Disable or enable; the kiosk's name. Doing it twice changes nothing the second time."""
    with ctx.db.write() as session:
        kiosk = lock_kiosk(session, kiosk_id)
        if kiosk is None:
            raise ConsoleRefusal("kiosk_missing", id=kiosk_id)
        before, name = kiosk.active, kiosk.name
        kiosk.active = active
        if before != active:
            audit.add(session, actor, "kiosk.enable" if active else "kiosk.disable",
                      f"kiosk {kiosk_id}", {"active": before}, {"active": active})
    return name
