"""Lesson progress, discussed ticks, family checklist items and family prompts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:22:48.053173
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_family_checklist_item_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_checklist_item")),
    )
    with op.batch_alter_table("family_checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_checklist_item_family_id"), ["family_id"], unique=False
        )

    op.create_table(
        "family_prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_family_prompt_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_prompt")),
    )
    with op.batch_alter_table("family_prompt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_prompt_family_id"), ["family_id"], unique=False)

    op.create_table(
        "lesson_discussion",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("lesson", sa.String(length=60), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("ticked_by_id", sa.Integer(), nullable=True),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_lesson_discussion_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_lesson_discussion_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticked_by_id"],
            ["guardian.id"],
            name=op.f("fk_lesson_discussion_ticked_by_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("child_id", "lesson", name=op.f("pk_lesson_discussion")),
    )
    with op.batch_alter_table("lesson_discussion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_discussion_family_id"), ["family_id"], unique=False
        )

    op.create_table(
        "lesson_progress",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("lesson", sa.String(length=60), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("first_try_correct", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_lesson_progress_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_lesson_progress_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("child_id", "lesson", name=op.f("pk_lesson_progress")),
    )
    with op.batch_alter_table("lesson_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_progress_family_id"), ["family_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lesson_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_progress_family_id"))

    op.drop_table("lesson_progress")
    with op.batch_alter_table("lesson_discussion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_discussion_family_id"))

    op.drop_table("lesson_discussion")
    with op.batch_alter_table("family_prompt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_prompt_family_id"))

    op.drop_table("family_prompt")
    with op.batch_alter_table("family_checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_checklist_item_family_id"))

    op.drop_table("family_checklist_item")
