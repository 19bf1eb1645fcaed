"""Upstream sends claimed with a lease, and every send and status check as a timeline row.

``topups.claimed_by``/``lease_until``: the sender process (``host:pid``) that holds the
top-up's next upstream call and until when; another sender takes it over only after the
lease ends. ``upstream_calls``: one row per call to the supplier (a ``send`` or a
``check``), written before the call and completed with its outcome after it.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("topups", sa.Column("claimed_by", sa.String(120), nullable=True))
    op.add_column("topups", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "upstream_calls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topup_id", sa.Integer, sa.ForeignKey("topups.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_upstream_calls_topup_id", "upstream_calls", ["topup_id"])


def downgrade() -> None:
    op.drop_index("ix_upstream_calls_topup_id", "upstream_calls")
    op.drop_table("upstream_calls")
    op.drop_column("topups", "lease_until")
    op.drop_column("topups", "claimed_by")
