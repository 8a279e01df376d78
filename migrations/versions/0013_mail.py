"""Mail: an outbox written with the change that causes it, one-time links (password reset,
address confirmation), confirmed addresses and mail choices, invites by mail, and the turns
of periodic jobs and the reminders they sent.

Revision ID: 0013_mail
Revises: 0012_stage_enums
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_mail"
down_revision = "0012_stage_enums"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("mail_off", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "one_time_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_one_time_link_guardian_id_guardian"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_link_token_hash")),
    )
    op.create_index(
        op.f("ix_one_time_link_guardian_id"), "one_time_link", ["guardian_id"], unique=False
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=True),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_outbox_message_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_outbox_message_guardian_id_guardian"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(
        op.f("ix_outbox_message_family_id"), "outbox_message", ["family_id"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_message_next_attempt_at"),
        "outbox_message",
        ["next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "job_run",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "period", name=op.f("pk_job_run")),
    )
    op.create_table(
        "sent_reminder",
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_sent_reminder_family_id_family"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["track.id"],
            name=op.f("fk_sent_reminder_track_id_track"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "due_on", "kind", name=op.f("pk_sent_reminder")),
    )
    op.create_index(
        op.f("ix_sent_reminder_family_id"), "sent_reminder", ["family_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sent_reminder_family_id"), table_name="sent_reminder")
    op.drop_table("sent_reminder")
    op.drop_table("job_run")
    op.drop_index(op.f("ix_outbox_message_next_attempt_at"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_family_id"), table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_index(op.f("ix_one_time_link_guardian_id"), table_name="one_time_link")
    op.drop_table("one_time_link")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_column("mail_off")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("email_confirmed_at")
