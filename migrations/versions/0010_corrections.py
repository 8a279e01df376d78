"""Corrections, never erasure: a check-in is corrected by a new record that replaces it, one
record per due date is current, and a learning moment can be withdrawn (kept, marked).

Revision ID: 0010_corrections
Revises: 0009
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_corrections"
down_revision = "0009"
branch_labels = None
depends_on = None

CURRENT = sa.text("replaced_at IS NULL")


MOMENT = sa.table(
    "learning_moment", sa.column("id", sa.Integer()), sa.column("talked_in_id", sa.Integer())
)


def _talked_in() -> list[tuple[int, int]]:
    """(moment, check-in) pairs: SQLite's batch mode copies ``checkin`` to a new table and
    drops the old one, and the foreign key's ON DELETE SET NULL would forget them."""
    return [
        (row.id, row.talked_in_id)
        for row in op.get_bind().execute(
            sa.select(MOMENT.c.id, MOMENT.c.talked_in_id)
            .where(MOMENT.c.talked_in_id.is_not(None))
            .order_by(MOMENT.c.id)
        )
    ]


def _restore(pairs: list[tuple[int, int]]) -> None:
    for moment_id, checkin_id in pairs:
        op.execute(MOMENT.update().where(MOMENT.c.id == moment_id).values(talked_in_id=checkin_id))


def upgrade() -> None:
    pairs = _talked_in()
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("moments_talked", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_checkin_replaces_id_checkin"),
            "checkin",
            ["replaces_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("learning_moment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_learning_moment_withdrawn_by_id_guardian"),
            "guardian",
            ["withdrawn_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _restore(pairs)
    _keep_what_each_record_said(pairs)
    op.create_index(
        "uq_checkin_track_id_due_on_current",
        "checkin",
        ["track_id", "due_on"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )


def _keep_what_each_record_said(pairs: list[tuple[int, int]]) -> None:
    """Each record keeps the moments it said were talked through. A date recorded twice
    before dates were checked keeps its later record current, replacing the earlier one;
    the moments talked through in either stay talked through."""
    bind = op.get_bind()
    checkin = sa.table(
        "checkin",
        sa.column("id", sa.Integer()),
        sa.column("track_id", sa.Integer()),
        sa.column("due_on", sa.Date()),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("moments_talked", sa.JSON()),
        sa.column("replaces_id", sa.Integer()),
        sa.column("reason", sa.Text()),
        sa.column("replaced_at", sa.DateTime(timezone=True)),
    )
    said: dict[int, list[int]] = {}
    for moment_id, checkin_id in pairs:
        said.setdefault(checkin_id, []).append(moment_id)
    latest: dict[tuple[int, object], int] = {}
    for row in bind.execute(
        sa.select(
            checkin.c.id, checkin.c.track_id, checkin.c.due_on, checkin.c.recorded_at
        ).order_by(checkin.c.track_id, checkin.c.due_on, checkin.c.id)
    ):
        key = (row.track_id, row.due_on)
        if key in latest:
            before = latest[key]
            bind.execute(
                checkin.update().where(checkin.c.id == before).values(replaced_at=row.recorded_at)
            )
            bind.execute(
                checkin.update()
                .where(checkin.c.id == row.id)
                .values(
                    replaces_id=before,
                    reason="the same date was recorded twice, and the later record counts",
                )
            )
            bind.execute(
                MOMENT.update().where(MOMENT.c.talked_in_id == before).values(talked_in_id=row.id)
            )
            said[row.id] = [*said.get(row.id, []), *said.get(before, [])]
        latest[key] = row.id
    for checkin_id, ids in said.items():
        if ids:
            bind.execute(
                checkin.update().where(checkin.c.id == checkin_id).values(moments_talked=ids)
            )


def downgrade() -> None:
    pairs = _talked_in()
    op.drop_index("uq_checkin_track_id_due_on_current", table_name="checkin")
    with op.batch_alter_table("learning_moment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_learning_moment_withdrawn_by_id_guardian"), type_="foreignkey"
        )
        batch_op.drop_column("version")
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_checkin_replaces_id_checkin"), type_="foreignkey")
        batch_op.drop_column("version")
        batch_op.drop_column("replaced_at")
        batch_op.drop_column("reason")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("moments_talked")
    _restore(pairs)
