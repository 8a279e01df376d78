"""Password and PIN hashing with Argon2id at OWASP's minimum parameters or above."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, salt_len=16, type=Type.ID)


def hash_secret(secret: str) -> str:
    """Hash a password or PIN for storage."""
    return HASHER.hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    """True when ``secret`` matches ``stored_hash``; never raises for a wrong secret."""
    try:
        return HASHER.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than ``HASHER`` uses now."""
    return HASHER.check_needs_rehash(stored_hash)


@cache
def _dummy_hash() -> str:
    return HASHER.hash("not-a-real-password")


def waste_equal_time(secret: str) -> None:
    """Spend as long as a real check, so unknown accounts answer as slowly as known ones."""
    verify_secret(_dummy_hash(), secret)
