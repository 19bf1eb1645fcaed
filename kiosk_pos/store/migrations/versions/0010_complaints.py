"""complaints (komplain) about top-ups and the distributor's answers (issue 13)

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-26 07:15:00

New tables only; no existing row changes. A complaint is its own outbox row (``sent_at``
set on a definite answer); an answer is stored once by the server's ``step_id``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None

_UNSENT = sa.text("sent_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.String(36), nullable=False),
        sa.Column("topup_id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["topup_id"], ["topups.id"]),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id"),
    )
    op.create_index("ix_complaints_sale_id", "complaints", ["sale_id"])
    op.create_index("ix_complaints_topup_id", "complaints", ["topup_id"])
    op.create_index("ix_complaints_unsent", "complaints", ["id"], sqlite_where=_UNSENT)
    op.create_table(
        "complaint_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_row_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sn", sa.String(128), nullable=False),
        sa.Column("refund", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_row_id"], ["complaints.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id"),
    )
    op.create_index("ix_complaint_answers_complaint", "complaint_answers",
                    ["complaint_row_id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_answers_complaint", table_name="complaint_answers")
    op.drop_table("complaint_answers")
    op.drop_index("ix_complaints_unsent", table_name="complaints")
    op.drop_index("ix_complaints_topup_id", table_name="complaints")
    op.drop_index("ix_complaints_sale_id", table_name="complaints")
    op.drop_table("complaints")
