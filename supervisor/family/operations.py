"""Changes to the family itself and its children's profiles. Operations add and flush, never
commit: the request is the transaction. The views audit and tell the other guardians, as
``supervisor.web.authority`` declares; held changes go through ``supervisor.family.rules``."""

from __future__ import annotations

import sqlalchemy as sa

from supervisor import clock
from supervisor.extensions import db
from supervisor.models import Child, Family, Guardian, Notification


def rename(family: Family, name: str) -> None:
    family.name = name


def add_child(
    family_id: int, display_name: str, avatar: str, colour: str, birth_year: int, birth_month: int
) -> Child:
    """A child's profile, flushed so that the audit row can name it."""
    child = Child(family_id=family_id, birth_year=birth_year, birth_month=birth_month)
    edit_child(child, display_name, avatar, colour, None)
    db.session.add(child)
    db.session.flush()
    return child


def edit_child(
    child: Child, display_name: str, avatar: str, colour: str, language: str | None
) -> None:
    """How a child's profile looks (name, avatar, colour) and the language its pages speak
    (``None``: as the tablet's browser asks)."""
    child.display_name = display_name.strip()
    child.avatar = avatar
    child.colour = colour
    child.language = language


def correct_birth_date(child: Child, year: int, month: int) -> None:
    """A corrected birth date; the caller ends supervision if it makes the child 18."""
    child.birth_year, child.birth_month = year, month


def delete_child(child: Child) -> None:
    """The child's profile and everything in it (its rows go with it)."""
    db.session.delete(child)


def read_notifications(guardian: Guardian) -> None:
    """Every unread notification of ``guardian``, read now."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.guardian_id == guardian.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
