"""Tracks, their append-only history, checklist ticks, notifications and family settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 00:09:53.922447
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_notification_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_notification_guardian_id_guardian"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_family_id"), ["family_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notification_guardian_id"), ["guardian_id"], unique=False
        )

    op.create_table(
        "track",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("other_name", sa.String(length=40), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_track_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_track_family_id_family"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track")),
    )
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_track_family_id"), ["family_id"], unique=False)

    op.create_table(
        "checklist_tick",
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("ticked_by_id", sa.Integer(), nullable=True),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_checklist_tick_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticked_by_id"],
            ["guardian.id"],
            name=op.f("fk_checklist_tick_ticked_by_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_checklist_tick_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "item", name=op.f("pk_checklist_tick")),
    )
    with op.batch_alter_table("checklist_tick", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_tick_family_id"), ["family_id"], unique=False
        )

    op.create_table(
        "track_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=True),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_track_event_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_track_event_guardian_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_track_event_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_event")),
    )
    with op.batch_alter_table("track_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_event_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_track_event_track_id"), ["track_id"], unique=False)

    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("country", sa.String(length=2), server_default="GB", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "timezone", sa.String(length=64), server_default="Europe/London", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "both_guardians_sign", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_column("both_guardians_sign")
        batch_op.drop_column("timezone")
        batch_op.drop_column("country")

    with op.batch_alter_table("track_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_event_track_id"))
        batch_op.drop_index(batch_op.f("ix_track_event_family_id"))

    op.drop_table("track_event")
    with op.batch_alter_table("checklist_tick", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_tick_family_id"))

    op.drop_table("checklist_tick")
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_family_id"))
        batch_op.drop_index(batch_op.f("ix_track_child_id"))

    op.drop_table("track")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_guardian_id"))
        batch_op.drop_index(batch_op.f("ix_notification_family_id"))

    op.drop_table("notification")
