"""The kiosk-setup text the distributor's console shows as a QR code ("add kiosk").

A barcode scanner reading the QR types it, or the owner pastes it; the first-run wizard and
``kiosk-pos connect --setup-code`` turn it into the address, kiosk id and secret. The
producer is ``distributor_server.console.kiosk_admin.setup_payload``: JSON
``{"type":"pulsa-kiosk-setup","v":1,"server":...,"kiosk_id":...,"secret":...}``.

Parsing is strict: anything else (another QR, another version, a field missing, extra or of
the wrong kind) is one sentence and nothing is filled. The address itself is checked later by
:func:`kiosk_pos.sync.connect.config_for`, as for a typed one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pulsa_protocol.wire import MAX_KIOSK_ID

from kiosk_pos.sync.connect import ConnectRefused

SETUP_TYPE = "pulsa-kiosk-setup"
SETUP_VERSION = 1
MAX_CODE = 3000  # a URL of 2000 characters, a secret of 500, the JSON around them
FIELDS = {"type", "v", "server", "kiosk_id", "secret"}


@dataclass(frozen=True)
class SetupCode:
    url: str
    kiosk_id: int
    secret: str


def _refuse(key: str) -> ConnectRefused:
    from kiosk_pos.i18n import tr

    return ConnectRefused(tr(key))


def parse_setup_code(text: str) -> SetupCode:
    """The settings in ``text``, or :class:`ConnectRefused` with the sentence why not."""
    text = text.strip()
    if not text:
        raise _refuse("sync.setup_code.empty")
    if len(text) > MAX_CODE:
        raise _refuse("sync.setup_code.not_a_code")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise _refuse("sync.setup_code.not_a_code") from None
    if not isinstance(data, dict) or data.get("type") != SETUP_TYPE:
        raise _refuse("sync.setup_code.not_a_code")
    version = data.get("v")
    if type(version) is not int or version != SETUP_VERSION:
        raise _refuse("sync.setup_code.version")
    server, kiosk_id, secret = data.get("server"), data.get("kiosk_id"), data.get("secret")
    if (set(data) != FIELDS or not isinstance(server, str) or not server.strip()
            or len(server) > 2000 or type(kiosk_id) is not int
            or not 1 <= kiosk_id <= MAX_KIOSK_ID or not isinstance(secret, str)
            or not secret.strip() or len(secret) > 500):
        raise _refuse("sync.setup_code.fields")
    return SetupCode(server.strip().rstrip("/"), kiosk_id, secret.strip())
