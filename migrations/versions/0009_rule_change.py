"""Two-key family rules: a loosening, a new guardian's invite or a birth date that makes a
child older waits for another guardian's approval.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_rule_change_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["guardian.id"],
            name=op.f("fk_rule_change_proposed_by_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["guardian.id"],
            name=op.f("fk_rule_change_decided_by_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_change")),
    )
    op.create_index(op.f("ix_rule_change_family_id"), "rule_change", ["family_id"])
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    # Unused links of families already under two keys would otherwise work unapproved: they
    # stop, and a new link (which waits for approval) takes their place.
    family = sa.table("family", sa.column("id"), sa.column("both_guardians_sign", sa.Boolean()))
    guardian = sa.table("guardian", sa.column("family_id"))
    invite = sa.table(
        "invite",
        sa.column("family_id"),
        sa.column("accepted_at"),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    guardians = (
        sa.select(sa.func.count())
        .select_from(guardian)
        .where(guardian.c.family_id == family.c.id)
        .scalar_subquery()
    )
    guarded = sa.select(family.c.id).where(family.c.both_guardians_sign.is_(True), guardians > 1)
    now = datetime.now(UTC)
    op.execute(
        invite.update()
        .where(
            invite.c.accepted_at.is_(None),
            invite.c.expires_at > now,
            invite.c.family_id.in_(guarded),
        )
        .values(expires_at=now)
    )


def downgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("needs_approval")
    op.drop_index(op.f("ix_rule_change_family_id"), table_name="rule_change")
    op.drop_table("rule_change")
