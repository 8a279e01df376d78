"""Who looked: guardians' views of a child's pages, counted per guardian, child, page, track
and day of the family's, for the child to read.

Revision ID: 0014_views
Revises: 0013_mail
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_views"
down_revision = "0013_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_view",
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=20), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_page_view_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_page_view_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_page_view_guardian_id_guardian"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "guardian_id", "child_id", "page", "track_id", "day", name=op.f("pk_page_view")
        ),
    )
    op.create_index(op.f("ix_page_view_child_id"), "page_view", ["child_id"], unique=False)
    op.create_index(op.f("ix_page_view_day"), "page_view", ["day"], unique=False)
    op.create_index(op.f("ix_page_view_family_id"), "page_view", ["family_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_page_view_family_id"), table_name="page_view")
    op.drop_index(op.f("ix_page_view_day"), table_name="page_view")
    op.drop_index(op.f("ix_page_view_child_id"), table_name="page_view")
    op.drop_table("page_view")
