"""The order a quiz question's options are shown in: shuffled, so the answer can't be learnt
by its place, yet the same every time the same child opens the same attempt.

The order is only how the page lays the options out. Everything stored or scored uses an
option's own index in the lesson file, so a shuffled position is never saved anywhere.
"""

from __future__ import annotations

import hashlib


def order(child_id: int, lesson_key: str, attempt: int, question: int, count: int) -> list[int]:
    """The options' own indexes in the order this child sees them in this attempt.

    Each index is ranked by a hash of who, which lesson, which attempt and which question,
    rather than by ``random``, whose shuffling may change between Python versions and would
    reorder a quiz a child is half-way through.
    """
    seed = f"{child_id}/{lesson_key}/{attempt}/{question}"
    return sorted(range(count), key=lambda i: hashlib.sha256(f"{seed}/{i}".encode()).digest())
