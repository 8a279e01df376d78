"""Stages and history kinds are enums: every stage column holds one of the three stages, and
a history row's kind is one of the kinds the app writes, checked by the database.

Stored as SQLAlchemy's non-native enum: the columns stay VARCHAR(20) with the same values
("instruction", "permit", "licence"; "created", "advance", "step_back"...), and a named CHECK
constraint per column keeps them to those values. So no row changes, SQLite (which has no
enum type) and PostgreSQL store and check them alike, and the export's JSON stays as it was.
A native PostgreSQL enum would be a second kind of schema on one database only, and adding a
value later would need ``ALTER TYPE`` outside the migration's transaction; a new value here
is a new CHECK constraint, the same on both.

The values are written out here, not read from the app's enums, so that this migration
keeps meaning what it meant when the enums change. Adding the constraints fails loudly if a
row holds anything else, rather than keeping it silently.

Revision ID: 0012_stage_enums
Revises: 0011_family_corrections
Create Date: 2026-12-03 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_stage_enums"
down_revision = "0011_family_corrections"
branch_labels = None
depends_on = None

STAGES = ("instruction", "permit", "licence")
KINDS = (
    "created",
    "request",
    "decline",
    "signature",
    "advance",
    "step_back",
    "majority",
    "removed",
)

# table -> (column, the values it may hold)
CHECKED = {
    "track": (("stage", STAGES),),
    "track_event": (("kind", KINDS), ("from_stage", STAGES), ("to_stage", STAGES)),
    "family_checklist_item": (("stage", STAGES),),
    "family_prompt": (("stage", STAGES),),
}


def upgrade() -> None:
    for table, columns in CHECKED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns:
                batch_op.create_check_constraint(
                    op.f(f"ck_{table}_{column}"), sa.column(column).in_(values)
                )


def downgrade() -> None:
    for table, columns in reversed(CHECKED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _values in reversed(columns):
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
