"""acknowledged refund notices: who handed a failed top-up's money back, and when (issue 11)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 05:30:00

A new table only; no existing row changes. A top-up has at most one acknowledgement.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refund_acknowledgements",
        sa.Column("topup_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["topup_id"], ["topups.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("topup_id"),
    )


def downgrade() -> None:
    op.drop_table("refund_acknowledgements")
