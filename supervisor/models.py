"""The family's data: families, guardians, children, invites and the server's login records."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervisor import clock
from supervisor.db import Model, UTCDateTime


def _family_fk() -> Mapped[int]:
    return mapped_column(sa.ForeignKey("family.id", ondelete="CASCADE"), index=True)


class Family(Model):
    """A household: the unit that owns all data and that other families never see."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="family", order_by="Guardian.id", passive_deletes=True
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="family", order_by="Child.id", passive_deletes=True
    )


class Guardian(Model):
    """A parent or carer who signs in with email and password and signs off progress."""

    __tablename__ = "guardian"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    name: Mapped[str] = mapped_column(sa.String(100))
    # Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    family: Mapped[Family] = relationship(back_populates="guardians")

    # Flask-Login's user protocol.
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_guardian = True

    def get_id(self) -> str:
        return f"guardian:{self.id}"


class Child(Model):
    """A child profile: only what the app needs, never a full birth date."""

    __tablename__ = "child"
    __table_args__ = (sa.CheckConstraint("birth_month BETWEEN 1 AND 12", name="birth_month_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    display_name: Mapped[str] = mapped_column(sa.String(40))
    avatar: Mapped[str] = mapped_column(sa.String(16))
    colour: Mapped[str] = mapped_column(sa.String(16))
    birth_year: Mapped[int]
    birth_month: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    family: Mapped[Family] = relationship(back_populates="children")


class Invite(Model):
    """A one-time link that lets a second guardian join a family; only its hash is stored."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )

    family: Mapped[Family] = relationship()
    created_by: Mapped[Guardian | None] = relationship(foreign_keys=[created_by_id])


class LoginSession(Model):
    """A signed-in session the server can end: logout or a password change deletes the row.

    The browser's cookie holds a random token; only its SHA-256 is stored here.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    family_id: Mapped[int] = _family_fk()
    guardian_id: Mapped[int] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    guardian: Mapped[Guardian] = relationship()


class LoginThrottle(Model):
    """Failed sign-ins per email address, shared by every worker process."""

    __tablename__ = "login_throttle"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
