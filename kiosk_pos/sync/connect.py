"""Connecting the kiosk to its distributor: the one way, for ``kiosk-pos connect`` and the
first-run wizard alike.

A connection is kept only once BOTH directions are proven: the server accepted our signed
ping, and its reply carries the distributor's signature for that very ping (and names this
kiosk). :func:`check` proves it and writes nothing; :func:`connect` proves it and keeps it.
Errors are sentences: :class:`ConnectRefused` for what the owner must correct (address,
CA file, kiosk id) and the sync errors (:mod:`kiosk_pos.sync.errors`) for the answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_pos.core.errors import KioskError
from kiosk_pos.sync.config import SyncConfig, address_problem, save_config

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User

DEMO_FLAG = "sync.demo"  # the demo distributor's account (kiosk_pos/demo.py imports it)


class ConnectRefused(KioskError):
    """The connection as typed cannot be tried (bad address, missing CA file) or the server
    answered for another kiosk; ``str(exc)`` says what to correct."""

    def __init__(self, sentence: str) -> None:
        Exception.__init__(self, sentence)
        self.key = ""
        self.params: dict[str, object] = {}
        self._sentence = sentence

    @property
    def message(self) -> str:
        return self._sentence

    def __str__(self) -> str:
        return self._sentence


def config_for(url: str, kiosk_id: int, secret: str, *, ca_file: str | None = None,
               allow_lan_http: bool = False) -> SyncConfig:
    """The connection as typed, or :class:`ConnectRefused` with the sentence why not."""
    from kiosk_pos.i18n import tr

    url = url.strip().rstrip("/")
    problem = address_problem(url, allow_lan_http=allow_lan_http)
    if problem:
        raise ConnectRefused(problem)
    if not secret.strip():
        raise ConnectRefused(tr("sync.error.secret_required"))
    resolved = None
    if ca_file:
        ca_path = Path(ca_file).expanduser()
        if not ca_path.is_file():
            raise ConnectRefused(tr("sync.error.ca_file_missing", path=ca_file))
        resolved = str(ca_path.resolve())
    return SyncConfig(url, int(kiosk_id), secret.strip(), resolved)


def check(cfg: SyncConfig) -> None:
    """The signed test: returns when the distributor proved itself for this kiosk; raises a
    sync error (unreachable, rejected, not proven) or :class:`ConnectRefused`. Writes nothing."""
    from kiosk_pos.i18n import tr

    client = cfg.client(retries=1)
    try:
        ping = client.ping()
    finally:
        client.close()
    if ping.kiosk_id != cfg.kiosk_id:
        raise ConnectRefused(tr("sync.error.wrong_kiosk", got=ping.kiosk_id,
                                expected=cfg.kiosk_id))


def keep(kiosk: Kiosk, cfg: SyncConfig, owner: User | None) -> None:
    """Keep a proven connection (the owner's: the core checks it); no longer the demo's."""
    save_config(kiosk, cfg, owner)
    kiosk.settings.set(DEMO_FLAG, False)


def connect(kiosk: Kiosk, cfg: SyncConfig, owner: User | None) -> None:
    """Prove ``cfg`` with the signed test, then keep it."""
    from kiosk_pos.core.permissions import Permission, require

    require(owner, Permission.MANAGE_CONNECTION)  # refuse a clerk before anything is sent
    check(cfg)
    keep(kiosk, cfg, owner)
