"""Initial schema: kiosks, ledger, top-ups, change feed, products, tickets, nonces.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("secret_generation", sa.Integer, nullable=False),
        sa.Column("balance", sa.BigInteger, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("balance_before", sa.BigInteger, nullable=False),
        sa.Column("balance_after", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("kiosk_id", "seq"),
    )
    op.create_index("ix_ledger_entries_created_at", "ledger_entries", ["created_at"])
    op.create_table(
        "topups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("ref_id", sa.String(64), nullable=False),
        sa.Column("sku", sa.String(40), nullable=False),
        sa.Column("destination", sa.String(40), nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sn", sa.String(120), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("upstream", sa.String(32), nullable=False),
        sa.Column("upstream_ref_id", sa.String(64), nullable=False, unique=True),
        sa.Column("upstream_reference", sa.String(120), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_check_at", TS, nullable=True),
        sa.Column("kiosk_created_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("kiosk_id", "ref_id"),
    )
    op.create_index("ix_topups_status_next_check", "topups", ["status", "next_check_at"])
    op.create_index("ix_topups_kiosk_created", "topups", ["kiosk_id", "created_at"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("kiosk_id", "seq"),
    )
    op.create_table(
        "products",
        sa.Column("sku", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("operator", sa.String(32), nullable=False),
        sa.Column("nominal", sa.BigInteger, nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_products_version", "products", ["version"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
        [{"name": "price_version", "value": 0}, {"name": "deposit_tickets", "value": 0}],
    )
    op.create_table(
        "deposit_tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kiosk_id", sa.Integer, sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("amount_requested", sa.BigInteger, nullable=False),
        sa.Column("unique_code", sa.Integer, nullable=False),
        sa.Column("amount_to_transfer", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
    )
    op.create_index("ix_deposit_tickets_kiosk_id", "deposit_tickets", ["kiosk_id"])
    op.create_index(
        "ix_deposit_tickets_amount_to_transfer", "deposit_tickets", ["amount_to_transfer"]
    )
    op.create_table(
        "seen_nonces",
        sa.Column("kiosk_id", sa.Integer, primary_key=True),
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_seen_nonces_expires_at", "seen_nonces", ["expires_at"])


def downgrade() -> None:
    for table in (
        "seen_nonces", "deposit_tickets", "counters", "products", "changes", "topups",
        "ledger_entries", "kiosks",
    ):
        op.drop_table(table)
