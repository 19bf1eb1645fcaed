"""Incidents: facts the distributor must act on by hand (a Sukses after a refund).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("topup_id", sa.Integer, sa.ForeignKey("topups.id"), nullable=False),
        sa.Column("ref_id", sa.String(64), nullable=False),
        sa.Column("upstream_ref_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "topup_id"),
    )
    op.create_index("ix_incidents_kiosk_id", "incidents", ["kiosk_id"])


def downgrade() -> None:
    op.drop_index("ix_incidents_kiosk_id", "incidents")
    op.drop_table("incidents")
