"""Throttles: locks in a row per sign-in address; sign-up and join attempts per address.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lockouts", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "signup_throttle",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "address", name=op.f("pk_signup_throttle")),
    )


def downgrade() -> None:
    op.drop_table("signup_throttle")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("lockouts")
