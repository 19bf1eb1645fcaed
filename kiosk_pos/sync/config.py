"""The kiosk's distributor connection as the sync layer uses it (kept by the core's
:mod:`kiosk_pos.core.connection`: the address in the settings, the secret outside the
database), and which distributor addresses are safe to keep.

The secret signs every request and the sales travel with it, so the address must be
``https://`` (certificates checked; ``ca_file`` for a distributor with its own CA), except
this computer (loopback: the demo, a tunnel) or, when the owner says so, a private LAN IP.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kiosk_pos.core import connection

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User
    from kiosk_pos.sync.client import DistributorClient

# The private ranges a shop's own network uses (RFC 1918, and IPv6 unique local addresses).
LAN_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))


@dataclass(frozen=True)
class SyncConfig:
    url: str
    kiosk_id: int
    secret: str = field(repr=False)
    ca_file: str | None = None  # the distributor's own CA bundle; None = the system's

    def client(self, **kwargs: object) -> DistributorClient:
        from kiosk_pos.sync.client import DistributorClient

        kwargs.setdefault("verify", self.ca_file or True)
        return DistributorClient(self.url, self.kiosk_id, self.secret, **kwargs)  # type: ignore[arg-type]


def address_problem(url: str, *, allow_lan_http: bool = False) -> str | None:
    """None when ``url`` may carry the kiosk's secret and sales; else the sentence why not."""
    from kiosk_pos.i18n import tr

    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return tr("sync.error.bad_address", url=url)
    if parts.scheme not in ("http", "https") or not host:
        return tr("sync.error.bad_address", url=url)
    if parts.scheme == "https":
        return None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if host.lower() == "localhost" or (ip is not None and ip.is_loopback):
        return None
    if allow_lan_http and ip is not None and any(ip in net for net in LAN_NETWORKS
                                                  if net.version == ip.version):
        return None
    return tr("sync.error.https_required", url=url)


def load_config(kiosk: Kiosk) -> SyncConfig | None:
    """The saved connection, or None when never connected; raises
    :class:`~kiosk_pos.core.connection.ReconnectNeeded` when this computer has no secret."""
    kept = connection.load(kiosk)
    if kept is None:
        return None
    return SyncConfig(kept.url, kept.kiosk_id, kept.secret, kept.ca_file)


def _kept(cfg: SyncConfig) -> connection.Connection:
    return connection.Connection(cfg.url, cfg.kiosk_id, cfg.secret, cfg.ca_file)


def save_config(kiosk: Kiosk, cfg: SyncConfig, user: User | None) -> None:
    """Keep ``cfg`` (the owner only: it decides where the money goes)."""
    connection.save(kiosk, user, _kept(cfg))


def save_demo_config(kiosk: Kiosk, cfg: SyncConfig) -> None:
    """The app's own demo distributor (kiosk_pos/demo.py)."""
    connection.save_demo(kiosk, _kept(cfg))


def client_for(kiosk: Kiosk) -> DistributorClient | None:
    cfg = load_config(kiosk)
    return cfg.client() if cfg is not None else None
