"""indexes so nothing on the sale path or in a periodic job scans the history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 01:50:00

- ``ix_deposit_ledger_reference``: the mirror's "has the server debited this top-up" look-up.
- ``ix_deposit_ledger_unmatched``: local ledger rows the server has not shown yet (partial,
  ``server_seq IS NULL``): the mirror's candidate walk and the unaccepted-cost sum.
- ``ix_deposit_ledger_created_at``: reconciliation reads one day's ledger rows.
- ``ix_topups_created_at``: reconciliation reads one day's top-ups.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UNMATCHED = sa.text("server_seq IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("deposit_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_deposit_ledger_reference", ["reference"], unique=False)
        batch_op.create_index("ix_deposit_ledger_unmatched", ["reason", "reference"],
                              unique=False, sqlite_where=_UNMATCHED)
        batch_op.create_index("ix_deposit_ledger_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("topups", schema=None) as batch_op:
        batch_op.create_index("ix_topups_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("topups", schema=None) as batch_op:
        batch_op.drop_index("ix_topups_created_at")
    with op.batch_alter_table("deposit_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_deposit_ledger_created_at")
        batch_op.drop_index("ix_deposit_ledger_unmatched", sqlite_where=_UNMATCHED)
        batch_op.drop_index("ix_deposit_ledger_reference")
