"""Complaints (komplain) and their steps.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("complaint_id", sa.String(64), nullable=False),
        sa.Column("topup_id", sa.Integer, sa.ForeignKey("topups.id"), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("refunded", sa.BigInteger, nullable=False),
        sa.Column("kiosk_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kiosk_id", "complaint_id"),
    )
    op.create_index("ix_complaints_status_created", "complaints", ["status", "created_at"])
    op.create_index("ix_complaints_topup", "complaints", ["topup_id"])
    op.create_table(
        "complaint_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("complaint_row_id", sa.Integer, sa.ForeignKey("complaints.id"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sn", sa.String(120), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=True),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_complaint_steps_complaint_row_id", "complaint_steps",
                    ["complaint_row_id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_steps_complaint_row_id", "complaint_steps")
    op.drop_table("complaint_steps")
    op.drop_index("ix_complaints_topup", "complaints")
    op.drop_index("ix_complaints_status_created", "complaints")
    op.drop_table("complaints")
