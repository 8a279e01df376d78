"""Avatars by name: a child's avatar was an emoji, which shows as an empty box where no emoji
font is installed; it is now the name of a picture the app serves ("fox", "panda", ...).

Revision ID: 0017_avatar_names
Revises: 0016_who_chose
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_avatar_names"
down_revision = "0016_who_chose"
branch_labels = None
depends_on = None

# The twelve emoji the form offered, and the name each became (written out so that this
# migration keeps its meaning when the app's list changes).
NAMES = {
    "🦊": "fox",
    "🐼": "panda",
    "🐙": "octopus",
    "🦉": "owl",
    "🐢": "turtle",
    "🦄": "unicorn",
    "🐝": "bee",
    "🐬": "dolphin",
    "🚀": "rocket",
    "⚽": "football",
    "🎸": "guitar",
    "🌻": "sunflower",
}
# The form never took any other value; should a row hold one all the same, it gets the first
# picture rather than one the pages cannot show.
FALLBACK = "fox"

child = sa.table("child", sa.column("avatar", sa.String))


def _rename(mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(child.update().where(child.c.avatar == old).values(avatar=new))


def upgrade() -> None:
    _rename(NAMES)
    op.execute(
        child.update().where(child.c.avatar.not_in(list(NAMES.values()))).values(avatar=FALLBACK)
    )


def downgrade() -> None:
    _rename({name: emoji for emoji, name in NAMES.items()})
