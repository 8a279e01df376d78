"""Password and PIN hashing with Argon2id, at the costs the app is configured with.

The costs are settings (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in KiB and
``ARGON2_PARALLELISM``), and each app builds its hasher from them in ``create_app``. They
apply to new hashes only: argon2 reads a stored hash's parameters from the hash itself, so
every hash ever stored verifies whatever the costs are now, and one made at other costs is
made again at the configured ones when its owner next signs in (``needs_rehash``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

EXTENSION = "supervisor.passwords"


class Passwords:
    """Argon2id at one set of costs.

    The shipped costs (``config.Config``) are the minimum that the OWASP Password Storage
    Cheat Sheet recommends for Argon2id: m=19456 (19 MiB), t=2, p=1
    (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
    The sheet lists others of equal strength that trade memory for time (m=46 MiB, t=1 down to
    m=7 MiB, t=5), all with p=1. The salt is 16 random bytes.
    """

    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self.hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            salt_len=16,
            type=Type.ID,
        )

    @classmethod
    def configured(cls, config: Mapping[str, Any]) -> Passwords:
        """The hasher an app's settings ask for."""
        return cls(
            time_cost=int(config["ARGON2_TIME_COST"]),
            memory_cost=int(config["ARGON2_MEMORY_COST"]),
            parallelism=int(config["ARGON2_PARALLELISM"]),
        )

    def hash(self, secret: str) -> str:
        return self.hasher.hash(secret)

    def verify(self, stored_hash: str, secret: str) -> bool:
        """True when ``secret`` matches ``stored_hash``, made at any costs; never raises for
        a wrong secret or a broken hash."""
        try:
            return self.hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash was made at other costs than these (argon2 compares them all, so
        a hash made at higher costs is made again at these too)."""
        return self.hasher.check_needs_rehash(stored_hash)

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash("not-a-real-password")

    def waste_equal_time(self, secret: str) -> None:
        """Spend as long as a real check, so unknown accounts answer as slowly as known ones."""
        self.verify(self._dummy_hash, secret)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Passwords.configured(app.config)


def current() -> Passwords:
    """This app's hasher."""
    hasher: Passwords = current_app.extensions[EXTENSION]
    return hasher


def hash_secret(secret: str) -> str:
    """Hash a password or PIN for storage."""
    return current().hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    """True when ``secret`` matches ``stored_hash``; never raises for a wrong secret."""
    return current().verify(stored_hash, secret)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made at other costs than the app is configured with."""
    return current().needs_rehash(stored_hash)


def waste_equal_time(secret: str) -> None:
    """Spend as long as a real check, so unknown accounts answer as slowly as known ones."""
    current().waste_equal_time(secret)
