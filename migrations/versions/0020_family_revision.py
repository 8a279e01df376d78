"""A family's revision: a random number every write to the family's rows draws anew, in the
same transaction, so a page kept from those rows knows when it is out of date. Additive: the
previous release's code neither reads nor writes it.

Revision ID: 0020_family_revision
Revises: 0019_notice_messages
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_family_revision"
down_revision = "0019_notice_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.BigInteger(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_column("revision")
