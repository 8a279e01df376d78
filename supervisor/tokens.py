"""Random secrets handed to a browser, of which the database keeps only a digest."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The SHA-256 hex digest stored in place of ``token``.

    A fast hash is enough: the tokens are random, so there is nothing to guess.
    """
    return hashlib.sha256(token.encode()).hexdigest()
