"""A notice kept as its message and placeholders, told in each reader's language when shown
(the finished text of older notices stays, now optional); and the language a guardian's pages
were last shown in, which their mail speaks while they have chosen none.

Revision ID: 0019_notice_messages
Revises: 0018_language
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_notice_messages"
down_revision = "0018_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("plural", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=True)
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_column("seen_language")
    op.execute("DELETE FROM notification WHERE text IS NULL")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("params")
        batch_op.drop_column("plural")
        batch_op.drop_column("message")
