"""Check-ins held together: the child's PIN confirmation on a check-in's record, and the
child's own notes beside a check-in (never erased: a changed note replaces the one before).

Revision ID: 0015_checkin_together
Revises: 0014_views
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_checkin_together"
down_revision = "0014_views"
branch_labels = None
depends_on = None

CURRENT = sa.text("replaced_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("child_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_checkin_confirmed_by_id_child"),
            "child",
            ["confirmed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "checkin_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkin.id"],
            name=op.f("fk_checkin_note_checkin_id_checkin"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_checkin_note_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_checkin_note_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["checkin_note.id"],
            name=op.f("fk_checkin_note_replaces_id_checkin_note"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_note")),
    )
    op.create_index(
        op.f("ix_checkin_note_checkin_id"), "checkin_note", ["checkin_id"], unique=False
    )
    op.create_index(op.f("ix_checkin_note_family_id"), "checkin_note", ["family_id"], unique=False)
    op.create_index(
        "uq_checkin_note_checkin_id_child_id_current",
        "checkin_note",
        ["checkin_id", "child_id"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )


def downgrade() -> None:
    op.drop_index("uq_checkin_note_checkin_id_child_id_current", table_name="checkin_note")
    op.drop_index(op.f("ix_checkin_note_family_id"), table_name="checkin_note")
    op.drop_index(op.f("ix_checkin_note_checkin_id"), table_name="checkin_note")
    op.drop_table("checkin_note")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_checkin_confirmed_by_id_child"), type_="foreignkey")
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("child_confirmed_at")
