"""Where the kiosk's distributor connection is kept: three settings in the kiosk's store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.sync.client import DistributorClient

URL_KEY = "sync.url"
KIOSK_ID_KEY = "sync.kiosk_id"
SECRET_KEY = "sync.secret"


@dataclass(frozen=True)
class SyncConfig:
    url: str
    kiosk_id: int
    secret: str

    def client(self, **kwargs: object) -> DistributorClient:
        from kiosk_pos.sync.client import DistributorClient

        return DistributorClient(self.url, self.kiosk_id, self.secret, **kwargs)  # type: ignore[arg-type]


def load_config(kiosk: Kiosk) -> SyncConfig | None:
    url = kiosk.settings.get(URL_KEY)
    kiosk_id = kiosk.settings.get(KIOSK_ID_KEY)
    secret = kiosk.settings.get(SECRET_KEY)
    if not url or kiosk_id is None or not secret:
        return None
    return SyncConfig(str(url), int(kiosk_id), str(secret))


def save_config(kiosk: Kiosk, cfg: SyncConfig) -> None:
    kiosk.settings.set_many({URL_KEY: cfg.url.rstrip("/"),  # all three or none
                             KIOSK_ID_KEY: int(cfg.kiosk_id),
                             SECRET_KEY: cfg.secret})


def client_for(kiosk: Kiosk) -> DistributorClient | None:
    cfg = load_config(kiosk)
    return cfg.client() if cfg is not None else None
