"""What a mail to a guardian is about: each guardian switches off the topics they do not
want; security notices cannot be switched off."""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    SIGN_OFF_REQUEST = "sign_off_request"
    SECOND_SIGNATURE = "second_signature"
    CHECKIN_TOMORROW = "checkin_tomorrow"
    CHECKIN_OVERDUE = "checkin_overdue"
    REFLECTION = "reflection"
    SECURITY = "security"

    @property
    def label(self) -> str:
        """The topic as a guardian chooses it on their account page."""
        return LABELS[self]

    @property
    def on_page(self) -> str:
        """Where the family page still shows the matter when its mail is off."""
        return ON_PAGE[self]

    @property
    def optional(self) -> bool:
        return self is not Topic.SECURITY


LABELS = {
    Topic.SIGN_OFF_REQUEST: "A child asks for sign-off",
    Topic.SECOND_SIGNATURE: "A sign-off waits for a second guardian's signature",
    Topic.CHECKIN_TOMORROW: "A check-in is tomorrow (with a calendar file)",
    Topic.CHECKIN_OVERDUE: "A check-in is overdue",
    Topic.REFLECTION: "A child wrote a reflection on a learning moment",
    Topic.SECURITY: (
        "Security notices: a new guardian joined, a family rule changed, a tablet was set "
        "up, a profile locked itself after wrong PINs, your password or address changed"
    ),
}
ON_PAGE = {
    Topic.SIGN_OFF_REQUEST: "The family page still shows each child's request for sign-off.",
    Topic.SECOND_SIGNATURE: "It still shows under What's new on the family page.",
    Topic.CHECKIN_TOMORROW: "The family page still shows each track's next check-in.",
    Topic.CHECKIN_OVERDUE: "The family page still shows a check-in that is overdue.",
    Topic.REFLECTION: "It still shows under What's new on the family page.",
    Topic.SECURITY: "It shows under What's new on the family page too.",
}
OPTIONAL = tuple(topic for topic in Topic if topic.optional)
