"""The one-click unsubscribe of a mail (RFC 8058): a signed token names the guardian and
the optional topic; a security notice never carries one."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from supervisor.mail.topics import Topic

SALT = "unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=SALT)


def token(guardian_id: int, topic: Topic) -> str:
    """The token of ``topic`` for ``guardian_id`` (never for security notices)."""
    if not topic.optional:
        raise ValueError("Security notices cannot be switched off")
    return str(_serializer().dumps([guardian_id, topic.value]))


def read(value: str) -> tuple[int, Topic] | None:
    """The guardian id and optional topic ``value`` names, or None for a bad token."""
    try:
        loaded = _serializer().loads(value)
    except BadSignature:
        return None
    if not (isinstance(loaded, list) and len(loaded) == 2):
        return None
    guardian_id, name = loaded
    if not isinstance(guardian_id, int) or name not in {t.value for t in Topic}:
        return None
    topic = Topic(name)
    return (guardian_id, topic) if topic.optional else None
