"""Learner's permit: walkthrough runs, schedules, check-ins, learning moments, calendar link.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 00:36:11.932767
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("prompts_used", sa.JSON(), nullable=False),
        sa.Column("shared_notes", sa.Text(), nullable=True),
        sa.Column("private_notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_checkin_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["guardian.id"],
            name=op.f("fk_checkin_recorded_by_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"], ["track.id"], name=op.f("fk_checkin_track_id_track"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
    )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkin_track_id"), ["track_id"], unique=False)

    op.create_table(
        "checkin_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at_time", sa.String(length=5), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("guardian_agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("child_agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_checkin_schedule_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_checkin_schedule_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_schedule")),
    )
    with op.batch_alter_table("checkin_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkin_schedule_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checkin_schedule_track_id"), ["track_id"], unique=False
        )

    op.create_table(
        "walkthrough_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("walkthrough", sa.String(length=30), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_walkthrough_run_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_walkthrough_run_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walkthrough_run")),
    )
    with op.batch_alter_table("walkthrough_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_walkthrough_run_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_walkthrough_run_track_id"), ["track_id"], unique=False)

    op.create_table(
        "learning_moment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("lesson", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("reflected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("talked_in_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_learning_moment_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["talked_in_id"],
            ["checkin.id"],
            name=op.f("fk_learning_moment_talked_in_id_checkin"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_learning_moment_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_moment")),
    )
    with op.batch_alter_table("learning_moment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_moment_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_learning_moment_track_id"), ["track_id"], unique=False)

    op.create_table(
        "walkthrough_answer",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_walkthrough_answer_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["walkthrough_run.id"],
            name=op.f("fk_walkthrough_answer_run_id_walkthrough_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "step", name=op.f("pk_walkthrough_answer")),
    )
    with op.batch_alter_table("walkthrough_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_walkthrough_answer_family_id"), ["family_id"], unique=False
        )

    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("permit_min_checkins", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("permit_min_weeks", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_family_calendar_token_hash"), ["calendar_token_hash"]
        )

    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.add_column(sa.Column("monitoring", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("monitoring_agreed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_column("monitoring_agreed_at")
        batch_op.drop_column("monitoring")

    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_family_calendar_token_hash"), type_="unique")
        batch_op.drop_column("permit_min_weeks")
        batch_op.drop_column("permit_min_checkins")
        batch_op.drop_column("calendar_token_hash")

    with op.batch_alter_table("walkthrough_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_walkthrough_answer_family_id"))

    op.drop_table("walkthrough_answer")
    with op.batch_alter_table("learning_moment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_moment_track_id"))
        batch_op.drop_index(batch_op.f("ix_learning_moment_family_id"))

    op.drop_table("learning_moment")
    with op.batch_alter_table("walkthrough_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_walkthrough_run_track_id"))
        batch_op.drop_index(batch_op.f("ix_walkthrough_run_family_id"))

    op.drop_table("walkthrough_run")
    with op.batch_alter_table("checkin_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_schedule_track_id"))
        batch_op.drop_index(batch_op.f("ix_checkin_schedule_family_id"))

    op.drop_table("checkin_schedule")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_track_id"))
        batch_op.drop_index(batch_op.f("ix_checkin_family_id"))

    op.drop_table("checkin")
