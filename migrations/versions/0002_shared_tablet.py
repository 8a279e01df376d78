"""The shared tablet: devices, child PINs and lockouts, audit log, child and device sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:01:36.355280
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["guardian.id"],
            name=op.f("fk_device_created_by_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_device_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_device_token_hash")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_family_id"), ["family_id"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_audit_event_device_id_device"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_audit_event_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_family_id"), ["family_id"], unique=False)

    op.create_table(
        "pin_attempts",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_pin_attempts_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_pin_attempts_device_id_device"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("child_id", "device_id", name=op.f("pk_pin_attempts")),
    )
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pin_locked_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("password_verified_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column("guardian_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_login_session_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_session_device_id"), ["device_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_login_session_device_id_device"),
            "device",
            ["device_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_login_session_child_id_child"),
            "child",
            ["child_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            op.f("ck_login_session_exactly_one_person"),
            "(guardian_id IS NULL) <> (child_id IS NULL)",
        )
        batch_op.create_check_constraint(
            op.f("ck_login_session_child_on_device"), "child_id IS NULL OR device_id IS NOT NULL"
        )


def downgrade() -> None:
    op.execute("DELETE FROM login_session WHERE guardian_id IS NULL")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_login_session_child_on_device"), type_="check")
        batch_op.drop_constraint(op.f("ck_login_session_exactly_one_person"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_login_session_child_id_child"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_login_session_device_id_device"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_login_session_device_id"))
        batch_op.drop_index(batch_op.f("ix_login_session_child_id"))
        batch_op.alter_column("guardian_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("password_verified_at")
        batch_op.drop_column("device_id")
        batch_op.drop_column("child_id")

    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("pin_locked_at")
        batch_op.drop_column("pin_hash")

    op.drop_table("pin_attempts")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_family_id"))

    op.drop_table("audit_event")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_family_id"))

    op.drop_table("device")
