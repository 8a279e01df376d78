"""What the licence stage offers a child: tips for watching over themselves, and ways to stay
connected with the family that the child chooses (none are required)."""

from __future__ import annotations

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
