"""One kiosk's ledger rows of a day are read by an index.

``GET /v1/ledger?from=&to=`` filters on the kiosk and a time window; the only indexes were
``(kiosk_id, seq)`` (every row of the kiosk) and ``created_at`` (every kiosk's rows of the
window). ``(kiosk_id, created_at)`` bounds it to the rows it returns.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_entries_kiosk_created", "ledger_entries",
                    ["kiosk_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_kiosk_created", table_name="ledger_entries")
