"""Sync bookkeeping kept in the store's ``sync_state`` table (name -> JSON value).

Always written inside the same write transaction as the data it describes, so a crash can
never leave a cursor ahead of (or behind) what was applied. The core owns the table: sync
reads it with :func:`get`; only core functions call :func:`put`, inside their transactions.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects.sqlite import insert

from kiosk_pos.store.schema import sync_state

CHANGES_CURSOR = "changes_cursor"      # last /v1/changes seq applied
SERVER_BALANCE = "server_balance"      # balance_after of the last mirrored server ledger row
SERVER_LEDGER_SEQ = "server_ledger_seq"
ALIGNED = "aligned"                    # the first-sync opening alignment is done
LAST_SYNC = "last_sync"                # ISO time of the last cycle the server answered
DRIFT = "drift"                        # local - expected after the last full pull (0 = good)


_GET = select(sync_state.c.value).where(sync_state.c.name == bindparam("name"))
_PUT = insert(sync_state).values(name=bindparam("name"), value=bindparam("value"))
_PUT = _PUT.on_conflict_do_update(index_elements=["name"], set_={"value": _PUT.excluded.value})


def get(conn: Connection, name: str, default: Any = None) -> Any:
    raw = conn.execute(_GET, {"name": name}).scalar()
    return default if raw is None else json.loads(raw)


def put(conn: Connection, name: str, value: Any) -> None:
    conn.execute(_PUT, {"name": name, "value": json.dumps(value, default=str)})
