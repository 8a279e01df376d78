"""What a mail to a guardian is about: each guardian switches off the topics they do not
want; security notices cannot be switched off."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


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
        return str(LABELS[self])

    @property
    def on_page(self) -> str:
        """Where the family page still shows the matter when its mail is off."""
        return str(ON_PAGE[self])

    @property
    def optional(self) -> bool:
        return self is not Topic.SECURITY


LABELS = {
    Topic.SIGN_OFF_REQUEST: _l("A child asks for sign-off"),
    Topic.SECOND_SIGNATURE: _l("A sign-off waits for a second guardian's signature"),
    Topic.CHECKIN_TOMORROW: _l("A check-in is tomorrow (with a calendar file)"),
    Topic.CHECKIN_OVERDUE: _l("A check-in is overdue"),
    Topic.REFLECTION: _l("A child wrote a reflection on a learning moment"),
    Topic.SECURITY: _l(
        "Security notices: a new guardian joined, a family rule changed, a tablet was set "
        "up, a profile locked itself after wrong PINs, your password or address changed"
    ),
}
ON_PAGE = {
    Topic.SIGN_OFF_REQUEST: _l("The family page still shows each child's request for sign-off."),
    Topic.SECOND_SIGNATURE: _l("It still shows under What's new on the family page."),
    Topic.CHECKIN_TOMORROW: _l("The family page still shows each track's next check-in."),
    Topic.CHECKIN_OVERDUE: _l("The family page still shows a check-in that is overdue."),
    Topic.REFLECTION: _l("It still shows under What's new on the family page."),
    Topic.SECURITY: _l("It shows under What's new on the family page too."),
}
OPTIONAL = tuple(topic for topic in Topic if topic.optional)
