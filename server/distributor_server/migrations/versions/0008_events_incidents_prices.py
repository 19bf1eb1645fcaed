"""Events and incidents for the desk, the supplier's cost and the markup rules.

``events``: what the server noticed (upstream failure bursts, a top-up pending too long, a
silent kiosk, a kiosk's clock off, bad signatures from one address, a ticket left
unmatched) and the desk's steps on an incident. ``incidents`` gains a subject, a status
(open, acknowledged, resolved) and the resolution note; its top-up columns become optional.
``products.cost`` is what the supplier charges; ``price_rules`` turn it into the price.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.alter_column("kiosk_id", existing_type=sa.Integer, nullable=True)
        batch.alter_column("topup_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("subject", sa.String(120), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("severity", sa.String(8), nullable=False,
                                   server_default="warning"))
        batch.add_column(sa.Column("status", sa.String(16), nullable=False,
                                   server_default="open"))
        batch.add_column(sa.Column("event_count", sa.Integer, nullable=False,
                                   server_default="1"))
        batch.add_column(sa.Column("last_event_at", _TZ, nullable=True))
        batch.add_column(sa.Column("acknowledged_at", _TZ, nullable=True))
        batch.add_column(sa.Column("acknowledged_by", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("resolved_at", _TZ, nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("resolution", sa.String(500), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("facts", sa.Text, nullable=False, server_default=""))
    op.execute("UPDATE incidents SET subject = 'topup:' || topup_id, "
               "last_event_at = created_at, severity = 'critical'")
    op.create_index("ix_incidents_status_kind_subject", "incidents",
                    ["status", "kind", "subject"])
    op.create_index("ix_incidents_last_event_at", "incidents", ["last_event_at"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("key", sa.String(120), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=True),
        sa.UniqueConstraint("kind", "subject", "key"),
    )
    op.create_index("ix_events_at", "events", ["at"])
    op.create_index("ix_events_incident_id", "events", ["incident_id"])
    op.create_index("ix_upstream_calls_finished_at", "upstream_calls", ["finished_at"])
    op.create_index("ix_deposit_tickets_status_expires", "deposit_tickets",
                    ["status", "expires_at"])
    op.add_column("products", sa.Column("cost", sa.BigInteger, nullable=True))
    op.create_table(
        "price_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("operator", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("markup", sa.BigInteger, nullable=False),
        sa.Column("round_to", sa.Integer, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.UniqueConstraint("operator", "kind"),
    )


def downgrade() -> None:
    op.drop_table("price_rules")
    op.drop_column("products", "cost")
    op.drop_index("ix_deposit_tickets_status_expires", "deposit_tickets")
    op.drop_index("ix_upstream_calls_finished_at", "upstream_calls")
    op.drop_index("ix_events_incident_id", "events")
    op.drop_index("ix_events_at", "events")
    op.drop_table("events")
    op.drop_index("ix_incidents_last_event_at", "incidents")
    op.drop_index("ix_incidents_status_kind_subject", "incidents")
    with op.batch_alter_table("incidents") as batch:
        for column in ("facts", "resolution", "resolved_by", "resolved_at", "acknowledged_by",
                       "acknowledged_at", "last_event_at", "event_count", "status",
                       "severity", "subject"):
            batch.drop_column(column)
