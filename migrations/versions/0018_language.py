"""Each person's own language: a guardian's account setting and a child's profile setting;
empty means the browser's choice, as before.

Revision ID: 0018_language
Revises: 0017_avatar_names
Create Date: 2026-12-02 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_language"
down_revision = "0017_avatar_names"
branch_labels = None
depends_on = None

TABLES = ("guardian", "child")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
