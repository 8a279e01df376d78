"""Licence: the child's chosen ways to stay connected and the yearly refresher.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 00:59:07.564857
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("connections", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("refresher", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_column("refresher")
        batch_op.drop_column("connections")
