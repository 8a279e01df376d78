"""The three ways a guardian may look in on a permit account, from the source article.

The app stores which one the family chose, never a social-media password.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from supervisor.content.translations import LANGUAGES, language_of, translated


@dataclass(frozen=True)
class Arrangement:
    key: str
    title: str
    explanation: str
    for_child: str  # the same, said to the child
    explanation_for_child: str
    named: str  # the same with the child's name, for a page both read: "{child} opens ..."
    caveat: str | None = None


ARRANGEMENTS = {
    a.key: a
    for a in (
        Arrangement(
            "password_known",
            "The guardian knows the password and may log in to look",
            "The child tells the guardian the password. The guardian may log in to look at the "
            "account, and says when they have. This app never asks for or keeps that password.",
            "Your guardians know your password and may log in to look",
            "You tell your guardians the password. They may log in to look at the account, and "
            "they tell you when they have. This app never asks for or keeps that password.",
            "{child}'s guardians know the password and may log in to look",
        ),
        Arrangement(
            "show_on_request",
            "The child opens the account to show the guardian when asked",
            "The password stays with the child. When the guardian asks, the child opens the "
            "account and they look through it together.",
            "You open the account to show your guardians when they ask",
            "The password stays with you. When your guardians ask, you open the account and "
            "you look through it together.",
            "{child} opens the account to show their guardians when they ask",
        ),
        Arrangement(
            "follow",
            "The guardian follows or friends the account",
            "The guardian follows the child's account from their own and sees what the child "
            "shares with friends.",
            "Your guardians follow or friend your account",
            "Your guardians follow your account from their own and see what you share with "
            "friends.",
            "{child}'s guardians follow or friend the account",
            caveat="The weakest of the three for a new user: privacy settings can filter what "
            "a follower sees, so the guardian may miss exactly what matters.",
        ),
    )
}

# The guardians' promises against hovering, in the words the agreement prints them: the
# guardians speak ("we"), to the child ("you").
HOVERING = (
    "We will never post, comment or like on your account.",
    "We will stay out of your friends' accounts and conversations.",
    "We will use what we see to start a conversation with you, not to catch you out.",
)

# The words a translation gives; the keys and which arrangement has a caveat come from here.
TEXTS = frozenset(
    {"title", "explanation", "for_child", "explanation_for_child", "named", "caveat", "hovering"}
)


def _in(language: str) -> tuple[dict[str, Arrangement], tuple[str, ...]]:
    english = {
        "arrangement": {
            key: {field: value for field, value in asdict(a).items() if value is not None}
            for key, a in ARRANGEMENTS.items()
        },
        "hovering": list(HOVERING),
    }
    data = translated(language, "monitoring.toml", english, TEXTS)
    arrangements = {
        key: replace(a, **{f: v for f, v in data["arrangement"][key].items() if f != "key"})
        for key, a in ARRANGEMENTS.items()
    }
    return arrangements, tuple(data["hovering"])


_TRANSLATED = {language: _in(language) for language in LANGUAGES}


def arrangements_for(language: str | None) -> dict[str, Arrangement]:
    """The three arrangements in ``language`` (English for none), keyed as in English."""
    return _TRANSLATED[language_of(language)][0]


def hovering_for(language: str | None) -> tuple[str, ...]:
    """The guardians' promises against hovering, in ``language``."""
    return _TRANSLATED[language_of(language)][1]
