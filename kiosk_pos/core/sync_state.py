"""Sync bookkeeping kept in the store's ``sync_state`` table (name -> JSON value).

Always written inside the same write transaction as the data it describes, so a crash can
never leave a cursor ahead of (or behind) what was applied. The core owns the table: sync
reads it with :func:`get`; only core functions call :func:`put`, inside their transactions.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kiosk_pos.core.dbapi import raw

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kiosk_pos.core.dbapi import Conn

CHANGES_CURSOR = "changes_cursor"      # last /v1/changes seq applied
SERVER_BALANCE = "server_balance"      # balance_after of the last mirrored server ledger row
SERVER_LEDGER_SEQ = "server_ledger_seq"
ALIGNED = "aligned"                    # the first-sync opening alignment is done
LAST_SYNC = "last_sync"                # ISO time of the last cycle the server answered
DRIFT = "drift"                        # local - expected after the last full pull (0 = good)


# Read and written a few times per poll: plain SQL on the transaction's sqlite3 connection
# (kiosk_pos/core/dbapi.py).
_GET = "SELECT value FROM sync_state WHERE name = ?"
_PUT = ("INSERT INTO sync_state (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value")


def get(conn: Conn, name: str, default: Any = None) -> Any:
    row = raw(conn).execute(_GET, (name,)).fetchone()
    return default if row is None or row[0] is None else json.loads(row[0])


def put(conn: Connection, name: str, value: Any) -> None:
    raw(conn).execute(_PUT, (name, json.dumps(value, default=str)))
