"""Lighter writes for a top-up submit on PostgreSQL (issue 14); kiosks are never deleted.

- ``kiosks``: a delete is refused by a trigger (both engines). A kiosk is deactivated
  (``active`` false), never deleted: its top-ups, ledger and feed rows are its money's
  history. Nothing in the server deletes one; the trigger keeps a hand-typed ``DELETE``
  from orphaning those rows too.
- PostgreSQL: the foreign keys of ``topups``, ``ledger_entries`` and ``changes`` to
  ``kiosks`` are dropped. They cost a trigger and a ``SELECT ... FOR KEY SHARE`` of the
  kiosk row per inserted row, four per submit, about a fifth of the submit's write
  statement. Integrity holds without them: every writer of those tables first locks the
  kiosk's row in the same transaction (``FOR UPDATE``: :mod:`distributor_server.pg_hot`,
  :func:`distributor_server.db.lock_kiosk`) and writes from it (its id and its
  ``ledger_seq``/``change_seq`` counters), so the kiosk exists and cannot go away before
  the commit; and no kiosk is ever deleted (the trigger). SQLite keeps its foreign keys
  (dropping one rebuilds the table, and they cost the single-process server little).
- ``ledger_entries``: the index on ``created_at`` alone (every ledger row, a submit's
  included) becomes a partial index of the deposits' rows, which is all its one reader
  reads (the desk's "deposits today"): an index entry fewer for each submit and refund.
- PostgreSQL: ``rate_windows`` is UNLOGGED: no WAL for the count bumped on every signed
  request. A crash empties the table, which only restarts the current minute's counts.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KIOSK_CHILDREN = ("topups", "ledger_entries", "changes")
REFUSAL = "kiosks are deactivated, never deleted (their money history stays)"
DEPOSITS = "reason IN ('deposit', 'deposit_ticket')"
"""The ledger rows of money paid in (models.LEDGER_DEPOSITS, as of this revision)."""


def _ledger_day_index(deposits_only: bool) -> None:
    if deposits_only:
        op.drop_index("ix_ledger_entries_created_at", table_name="ledger_entries")
        op.create_index("ix_ledger_entries_deposits_created", "ledger_entries", ["created_at"],
                        postgresql_where=sa.text(DEPOSITS), sqlite_where=sa.text(DEPOSITS))
    else:
        op.drop_index("ix_ledger_entries_deposits_created", table_name="ledger_entries")
        op.create_index("ix_ledger_entries_created_at", "ledger_entries", ["created_at"])


def upgrade() -> None:
    _ledger_day_index(deposits_only=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION kiosks_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation';
            END $$""")
        op.execute("CREATE TRIGGER kiosks_never_deleted BEFORE DELETE ON kiosks "
                   "FOR EACH ROW EXECUTE FUNCTION kiosks_never_deleted()")
        for table in _KIOSK_CHILDREN:
            op.drop_constraint(f"{table}_kiosk_id_fkey", table, type_="foreignkey")
        op.execute("ALTER TABLE rate_windows SET UNLOGGED")
    else:
        op.execute(f"CREATE TRIGGER kiosks_never_deleted BEFORE DELETE ON kiosks "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    _ledger_day_index(deposits_only=False)
    op.execute("DROP TRIGGER kiosks_never_deleted" + (
        " ON kiosks" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION kiosks_never_deleted()")
        op.execute("ALTER TABLE rate_windows SET LOGGED")
        for table in _KIOSK_CHILDREN:
            op.create_foreign_key(f"{table}_kiosk_id_fkey", table, "kiosks", ["kiosk_id"],
                                  ["id"])
