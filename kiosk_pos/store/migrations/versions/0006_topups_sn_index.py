"""an index on the top-ups' SN, so History's "cek status" finds a sale by its SN

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 05:40:00

- ``ix_topups_sn`` (top-ups with an SN only): the search by SN or token, whole or by its
  first characters, walks this index instead of the whole ``topups`` table. Searching by
  number and by Ref already had theirs (``ix_sale_lines_destination``, the unique index on
  ``ref_id``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_WITH_SN = sa.text("sn IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_topups_sn", "topups", ["sn"], unique=False, sqlite_where=_WITH_SN)


def downgrade() -> None:
    op.drop_index("ix_topups_sn", table_name="topups")
