"""Whether a child is old enough for a platform's learner's permit, and from which month.

The permit is the stage at which the account is made, so a child younger than the platform's
minimum age in the family's country cannot enter it, whatever the requirements or a
guardian's reason. Only the birth year and month are stored, so "old enough" means certainly
old enough: from the month after the birthday month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from supervisor import clock
from supervisor.content.places import country_name
from supervisor.content.platforms import PLATFORMS, Platform
from supervisor.local_time import month_name, page_locale
from supervisor.models import Track
from supervisor.stages.ages import age_now

# Country names as they read after "in" (codes not listed read as their plain name).
IN_COUNTRY = {
    "GB": _l("the United Kingdom"), "US": _l("the United States"), "NL": _l("the Netherlands"),
    "XX": _l("your country"),
}  # fmt: skip


def in_country(code: str) -> str:
    """The country as it reads after "in", in the page's language."""
    if code in IN_COUNTRY:
        return str(IN_COUNTRY[code])
    return country_name(code, page_locale()) or _("your country")


def certainly_from(birth_year: int, birth_month: int, age: int) -> date:
    """The first day of the first month in which a child born in that month is surely ``age``."""
    year, month = birth_year + age, birth_month + 1
    return date(year + 1, 1, 1) if month > 12 else date(year, month, 1)


@dataclass(frozen=True)
class AgeGate:
    """A child against one platform's minimum age in the family's country, on a given day."""

    platform: Platform
    country: str
    minimum: int
    age: int  # whole years, a birthday in the current month not yet counted
    possible_from: date

    @property
    def open(self) -> bool:
        return self.age >= self.minimum

    @property
    def from_month(self) -> str:
        return month_name(self.possible_from)

    def why(self, child_name: str) -> str:
        """For guardians: why the permit must wait, and until when."""
        return _(
            "%(child)s can't be signed off into the learner's permit for %(platform)s yet: "
            "%(platform)s's minimum age in %(country)s is %(minimum)d, and %(child)s is %(age)d. "
            "From %(month)s %(child)s is certainly %(minimum)d (the app keeps only the birth "
            "month and year), and the sign-off becomes possible then.",
            child=child_name, platform=self.platform.name, country=in_country(self.country),
            minimum=self.minimum, age=self.age, month=self.from_month,
        )  # fmt: skip

    def why_for_child(self) -> str:
        """For the child, in the second person."""
        return _(
            "You can't have the learner's permit for %(platform)s yet: its minimum age in "
            "%(country)s is %(minimum)d. From %(month)s you are old enough, and you can ask "
            "then. Until then, keep learning.",
            platform=self.platform.name, country=in_country(self.country),
            minimum=self.minimum, month=self.from_month,
        )  # fmt: skip


def local_today(zone: str) -> date:
    return clock.now().astimezone(ZoneInfo(zone)).date()


def gate(track: Track, today: date | None = None) -> AgeGate:
    """The age gate of ``track``'s child for its platform, today in the family's time zone."""
    child = track.child
    family = child.family
    today = today or local_today(family.timezone)
    platform = PLATFORMS[track.platform]
    minimum = platform.minimum_age(family.country)
    age = age_now(child.birth_year, child.birth_month, today)
    return AgeGate(
        platform=platform,
        country=family.country,
        minimum=minimum,
        age=age,
        possible_from=certainly_from(child.birth_year, child.birth_month, minimum),
    )
