"""Which guardian chose a track's way of looking in, and which proposed a check-in schedule,
so families with several guardians read a name instead of "a guardian".

Rows made before this are filled in only where the family had a single guardian at that
moment (guardians' rows stay after they leave, so that guardian is certain); the others stay
empty and the pages keep saying "a guardian".

Revision ID: 0016_who_chose
Revises: 0015_checkin_together
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_who_chose"
down_revision = "0015_checkin_together"
branch_labels = None
depends_on = None


guardian = sa.table(
    "guardian",
    sa.column("id", sa.Integer),
    sa.column("family_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("left_at", sa.DateTime),
)
track = sa.table(
    "track",
    sa.column("family_id", sa.Integer),
    sa.column("monitoring_agreed_at", sa.DateTime),
    sa.column("monitoring_chosen_by_id", sa.Integer),
)
schedule = sa.table(
    "checkin_schedule",
    sa.column("family_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("proposed_by_id", sa.Integer),
)


def _only_guardian(family_id: sa.ColumnElement[int], moment: sa.ColumnElement) -> sa.Case:
    """The one guardian of the row's family at ``moment``, or NULL when it had several."""
    present = sa.and_(
        guardian.c.family_id == family_id,
        guardian.c.created_at <= moment,
        sa.or_(guardian.c.left_at.is_(None), guardian.c.left_at > moment),
    )
    return sa.case(
        (
            sa.select(sa.func.count()).where(present).scalar_subquery() == 1,
            sa.select(guardian.c.id).where(present).scalar_subquery(),
        )
    )


def upgrade() -> None:
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.add_column(sa.Column("monitoring_chosen_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_track_monitoring_chosen_by_id_guardian"),
            "guardian",
            ["monitoring_chosen_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("checkin_schedule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_checkin_schedule_proposed_by_id_guardian"),
            "guardian",
            ["proposed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        track.update()
        .where(track.c.monitoring_agreed_at.is_not(None))
        .values(
            monitoring_chosen_by_id=_only_guardian(track.c.family_id, track.c.monitoring_agreed_at)
        )
    )
    op.execute(
        schedule.update().values(
            proposed_by_id=_only_guardian(schedule.c.family_id, schedule.c.created_at)
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("checkin_schedule", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_checkin_schedule_proposed_by_id_guardian"), type_="foreignkey"
        )
        batch_op.drop_column("proposed_by_id")
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_track_monitoring_chosen_by_id_guardian"), type_="foreignkey"
        )
        batch_op.drop_column("monitoring_chosen_by_id")
