"""Server settings: one frozen record built by the CLI, the embedded starter or tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "distributor-server"


def user_data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return f"sqlite:///{user_data_dir() / 'distributor.sqlite3'}"


def sqlite_file(db_url: str) -> Path | None:
    """The file of a ``sqlite:///file`` URL, or None for other databases."""
    if not db_url.startswith("sqlite:///"):
        return None
    return Path(db_url[len("sqlite:///") :])


def default_key_file(db_url: str) -> Path:
    """Master key file: beside a SQLite file, else in the user data dir (see secrets.py)."""
    env = os.environ.get("DISTRIBUTOR_KEY_FILE")
    if env:
        return Path(env)
    db_file = sqlite_file(db_url)
    if db_file is not None:
        return db_file.with_name(db_file.name + ".master-key")
    return user_data_dir() / "master.key"


@dataclass(frozen=True)
class DigiflazzSettings:
    username: str = ""
    api_key: str = ""
    webhook_secret: str = ""
    base_url: str = "https://api.digiflazz.com/v1"
    testing: bool = False
    timeout_seconds: float = 30.0
    callback_url: str = ""

    @classmethod
    def from_env(cls) -> DigiflazzSettings:
        return cls(
            username=os.environ.get("DIGIFLAZZ_USERNAME", ""),
            api_key=os.environ.get("DIGIFLAZZ_API_KEY", ""),
            webhook_secret=os.environ.get("DIGIFLAZZ_WEBHOOK_SECRET", ""),
            base_url=os.environ.get("DIGIFLAZZ_BASE_URL", cls.base_url),
            testing=os.environ.get("DIGIFLAZZ_TESTING", "") in ("1", "true", "yes"),
            callback_url=os.environ.get("DIGIFLAZZ_CALLBACK_URL", ""),
        )


DEFAULT_RATE_LIMITS = {"default": 1200, "topups": 1200, "changes": 600,
                       "deposit-tickets": 30, "inquiry": 120}


@dataclass(frozen=True)
class Settings:
    db_url: str
    key_file: Path
    upstream: str = "simulator"
    simulator_latency: float = 0.05
    simulator_pending_seconds: float = 3.0
    poll_base_seconds: float = 1.0
    poll_max_seconds: float = 60.0
    worker_threads: int = 8
    lease_seconds: float = 90.0
    """How long a sender holds a claimed top-up; longer than the slowest upstream call
    (Digiflazz times out at 30 s), since another sender may call again once it ends."""
    bank_name: str = "BCA"
    bank_account: str = "1234567890"
    bank_holder: str = "PT Distributor Pulsa Demo"
    timezone: str = "Asia/Jakarta"
    db_pool_size: int = 4
    db_pool_overflow: int = 4
    db_pool_timeout: float = 10.0
    db_hot_pool_size: int = 8
    """Per process; see db.PoolLimits. Exhausted -> 503 with Retry-After."""
    rate_limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    """Requests per kiosk per minute by endpoint bucket ("default" for the rest; 0 = off)."""
    max_open_tickets: int = 10
    """Open deposit tickets one kiosk may hold, so no kiosk can take an amount's 999 codes."""
    api_docs: bool = False
    """Serve /docs and /openapi.json (off in production; the embedded demo turns it on)."""
    access_log: bool = False
    """One log line per HTTP request (uvicorn's access log; ``serve --access-log``). Off by
    default: at scale the idle long polls alone make ~N/25 lines a second, and the server
    logs its own events (top-ups, incidents) anyway."""
    digiflazz: DigiflazzSettings = field(default_factory=DigiflazzSettings)

    @classmethod
    def for_db(
        cls, db_url: str | None = None, key_file: Path | None = None, **kw: object
    ) -> Settings:
        url = db_url or default_db_url()
        return cls(db_url=url, key_file=key_file or default_key_file(url), **kw)
