"""Everything one server process shares: settings, database, master key, upstream, worker."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from distributor_server.config import Settings
from distributor_server.db import Database, PoolLimits
from distributor_server.feed import FeedNotifier
from distributor_server.kiosk_keys import kiosk_secret, load_or_create_master_key
from distributor_server.migrate import migrate
from distributor_server.notify import Listener
from distributor_server.upstream import Upstream, make_upstream

if TYPE_CHECKING:
    from distributor_server.pg_raw import HotPool

SECRETS_CACHED = 16_384
"""Kiosk secrets a process keeps derived (a few MB at most)."""


class ServerContext:
    def __init__(self, settings: Settings, upstream: Upstream | None = None) -> None:
        self.settings = settings
        limits = PoolLimits(settings.db_pool_size, settings.db_pool_overflow,
                            settings.db_pool_timeout, settings.db_hot_pool_size)
        self.db = Database(settings.db_url, limits)
        # the hot paths' asyncpg pool (PostgreSQL): opened by the API's first request on
        # its event loop, closed by the app's lifespan (pg_raw)
        self.hot: HotPool | None = None
        if not self.db.is_sqlite:
            from distributor_server.pg_raw import HotPool

            self.hot = HotPool(settings.db_url, limits, self.db.connections_lost)
        migrate(self.db)
        self.master_key = load_or_create_master_key(settings.key_file)
        self.notifier = FeedNotifier()
        self._upstream = upstream
        self._worker = None
        self._watch = None
        self._listener: Listener | None = None

    @property
    def upstream(self) -> Upstream:
        if self._upstream is None:
            self._upstream = make_upstream(self.settings)
        return self._upstream

    def secret_for(self, kiosk_id: int, generation: int) -> str:
        return self._secrets(kiosk_id, generation)

    @functools.cached_property
    def _secrets(self) -> Callable[[int, int], str]:
        """Kiosk secrets derived once per (kiosk, generation): every signed request needs
        its kiosk's twice (the check, the reply), and deriving it was ~3% of a submit's
        CPU (issue 14). A rotated secret has a new generation, so a new entry."""
        return functools.lru_cache(maxsize=SECRETS_CACHED)(
            functools.partial(kiosk_secret, self.master_key))

    def changed(self, kiosk_id: int) -> None:
        """Call after a commit that added feed rows for ``kiosk_id``."""
        self.notifier.bump(kiosk_id)

    def wake_worker(self) -> None:
        if self._worker is not None:
            self._worker.wake()

    def start_worker(self) -> None:
        from distributor_server.worker import UpstreamWorker

        if self._worker is None:
            self._worker = UpstreamWorker(self)
            self._worker.start()
        if self._watch is None:  # the incident rules run beside the sender, once a minute
            from distributor_server.incident_rules import IncidentWatch

            self._watch = IncidentWatch(self)
            self._watch.start()

    def start_listener(self) -> None:
        """PostgreSQL: hear other processes' feed changes and due top-ups (LISTEN/NOTIFY)."""
        if self.db.is_sqlite or self._listener is not None:
            return
        # behind PgBouncer in transaction mode LISTEN needs a session: DISTRIBUTOR_LISTEN_DB
        # names PostgreSQL itself (docs/deploy.md)
        url = make_url(os.environ.get("DISTRIBUTOR_LISTEN_DB") or self.settings.db_url)
        url = url.set(drivername="postgresql")
        self._listener = Listener(url.render_as_string(hide_password=False),
                                  self.notifier.bump, self.wake_worker, self.notifier.bump_all)
        self._listener.start()

    @property
    def hears_other_processes(self) -> bool:
        """True while feed changes made by other processes wake this one at once."""
        return self._listener is not None and self._listener.connected.is_set()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._upstream is not None:
            self._upstream.close()
        self.db.dispose()
