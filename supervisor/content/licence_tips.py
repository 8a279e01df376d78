"""What the licence stage offers a child: tips for watching over themselves, and ways to stay
connected with the family that the child chooses (none are required)."""

from __future__ import annotations

from supervisor.content.translations import LANGUAGES, language_of, translated

SELF_MONITORING_TIPS = (
    "Every few months, look at your account as a stranger would: what can they learn about you?",
    "Check your privacy settings again after big app updates; new features can switch things on.",
    "Notice how you feel after scrolling. If it's worse, that's a sign to put the phone down.",
    "Before you post, try the auditorium test: would you say it to a hall full of people you know?",
    "If something goes wrong, you can still ask for help. That's what grown-ups do too.",
)

CONNECTIONS = {
    "share_finds": "Now and then, show my family something good I found or made online",
    "monthly_chat": "A short monthly chat about what's new online",
    "help_younger": "Help a younger brother, sister or cousin with their lessons",
    "tell_if_wrong": "Tell a guardian if something goes wrong, without it being a big deal",
}

# The words a translation gives: every tip, and every connection's wording (never its key).
_ENGLISH = {"tips": list(SELF_MONITORING_TIPS), "connections": CONNECTIONS}
_TRANSLATED = {
    language: translated(language, "licence_tips.toml", _ENGLISH, {"tips", *CONNECTIONS})
    for language in LANGUAGES
}


def tips_for(language: str | None) -> tuple[str, ...]:
    """The self-monitoring tips in ``language`` (English for none), in the English order."""
    return tuple(_TRANSLATED[language_of(language)]["tips"])


def connections_for(language: str | None) -> dict[str, str]:
    """Connection key -> the words a child reads in ``language``; the keys are the English ones."""
    return dict(_TRANSLATED[language_of(language)]["connections"])
