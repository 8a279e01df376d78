"""Corrections, never erasure: a guardian who left keeps their row, a track started by
mistake is removed but kept, the family's own checklist items and prompts are retired with
every wording kept, and a tick keeps the words it was given for.

Revision ID: 0011_family_corrections
Revises: 0010_corrections
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_family_corrections"
down_revision = "0010_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("left_how", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("removed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_guardian_removed_by_id_guardian"),
            "guardian",
            ["removed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("removed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("removed_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_track_removed_by_id_guardian"),
            "guardian",
            ["removed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("checklist_tick", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=200), nullable=True))
    for table in ("family_checklist_item", "family_prompt"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "family_wording_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("checklist_item_id", sa.Integer(), nullable=True),
        sa.Column("prompt_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("before", sa.String(length=500), nullable=False),
        sa.Column("after", sa.String(length=500), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_family_wording_change_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checklist_item_id"],
            ["family_checklist_item.id"],
            name=op.f("fk_family_wording_change_checklist_item_id_family_checklist_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["family_prompt.id"],
            name=op.f("fk_family_wording_change_prompt_id_family_prompt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_family_wording_change_guardian_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_wording_change")),
    )
    for column in ("family_id", "checklist_item_id", "prompt_id"):
        op.create_index(
            op.f(f"ix_family_wording_change_{column}"), "family_wording_change", [column]
        )


def downgrade() -> None:
    for column in ("prompt_id", "checklist_item_id", "family_id"):
        op.drop_index(
            op.f(f"ix_family_wording_change_{column}"), table_name="family_wording_change"
        )
    op.drop_table("family_wording_change")
    for table in ("family_prompt", "family_checklist_item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("removed_at")
    with op.batch_alter_table("checklist_tick", schema=None) as batch_op:
        batch_op.drop_column("label")
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_constraint("fk_track_removed_by_id_guardian", type_="foreignkey")
        batch_op.drop_column("removed_reason")
        batch_op.drop_column("removed_by_id")
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_constraint("fk_guardian_removed_by_id_guardian", type_="foreignkey")
        batch_op.drop_column("removed_by_id")
        batch_op.drop_column("left_how")
        batch_op.drop_column("left_at")
