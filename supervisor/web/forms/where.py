"""Where a family lives: its country (for minimum ages) and one of that country's time zones.

Sign-up and the family settings ask the same two questions. The time zones offered are the
chosen country's own; without script, changing the country and saving shows that country's
zones with a message, and a zone of another country is refused with a clear message. With
script (``static/places.js``) the zones follow the country as it changes, and the device's
zone is preselected where it belongs to the country. Countries and zones are named in the
page's language (CLDR's names, through ``content.places``), sorted in its order.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError

from supervisor.content.places import (
    ALIASES,
    COUNTRIES,
    LABELS,
    countries_in,
    zone_label,
    zones_in,
    zones_of,
)
from supervisor.content.platforms import PLATFORMS
from supervisor.local_time import page_locale
from supervisor.web.forms.fields import choices


def _age_note() -> str:
    """What the country changes, in words that stay true as the content data changes."""
    names = countries_in(page_locale())
    codes = {c for p in PLATFORMS.values() for c in p.min_age_by_country}
    by_law = [name for code, name in names.items() if code in codes]  # in the page's order
    if not by_law:
        return _("Every network's minimum age comes from its own terms, in every country.")
    return _(
        "Minimum ages come from each network's own terms; the app also knows where a "
        "country's law or the network asks for an older age: %(countries)s. "
        "Any country can be chosen.",
        countries=", ".join(by_law),
    )


@cache
def _for_the_script(language: str) -> dict[str, str]:
    """What the script needs to offer each country's zones (named in ``language``) and to
    recognise the device's zone."""
    zones = zones_in(language)
    return {
        "data-zones": json.dumps(
            {c: list(z.items()) for c, z in zones.items()}, ensure_ascii=False
        ),
        "data-aliases": json.dumps(ALIASES),
    }


class WhereWeLiveForm(FlaskForm):
    """The country and time zone fields; the zones offered are those of the country sent
    (or, before anything is sent, the family's)."""

    # Required: "Choose your country" is a placeholder, not an answer (the page says so).
    country = SelectField(
        _l("Country"),
        validate_choice=False,
        description=LazyString(_age_note),
        render_kw={"required": True},
    )
    timezone = SelectField(
        _l("Time zone"),
        validate_choice=False,
        description=_l("Check-in times and dates are shown in this time zone."),
    )
    # The family's saved zone when it is not one of its (unchanged) country's zones.
    saved_elsewhere: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = str(page_locale())
        self._language = language
        countries = countries_in(language).items()
        self.country.choices = choices([("", _("Choose your country")), *countries])
        zones = zones_of(self.country.data, language)
        placeholder = _("Choose a time zone") if zones else _("Choose your country first")
        first = [] if len(zones) == 1 else [("", placeholder)]
        # A family saved before zones followed the country still sees its own zone.
        saved = self.timezone.object_data
        unchanged = self.country.data == self.country.object_data
        self.saved_elsewhere = saved if unchanged and saved and saved not in zones else None
        if self.saved_elsewhere:
            label = _(
                "%(zone)s (as saved; choose one of the list)", zone=zone_label(saved, language)
            )
            first.append((saved, label))
        self.timezone.choices = choices([*first, *zones.items()])
        # Once the country offers zones, "Choose a time zone" is no answer either; before,
        # the field waits for the country (and the page without script sends it empty).
        self.timezone.render_kw = {**_for_the_script(language), "required": bool(zones)}

    def validate_country(self, field: SelectField) -> None:
        if field.data not in COUNTRIES:
            raise ValidationError(_("Choose your country from the list."))

    def validate_timezone(self, field: SelectField) -> None:
        """One of the country's zones; a country with one zone needs no choice."""
        zones = zones_of(self.country.data, self._language)
        if not zones or field.data in zones:
            return  # without a country, its own message says what to do
        as_saved = field.data == self.saved_elsewhere
        if len(zones) == 1 and not as_saved:
            field.data = next(iter(zones))
            return
        country = countries_in(self._language)[self.country.data]
        if not field.data:
            raise ValidationError(
                _("%(country)s has several time zones: choose yours.", country=country)
            )
        known = as_saved or field.data in LABELS
        if not known:
            raise ValidationError(
                _(
                    "That zone is not a time zone in %(country)s. "
                    "Choose one of %(country)s's time zones.",
                    country=country,
                )
            )
        raise ValidationError(
            _(
                "%(zone)s is not a time zone in %(country)s. "
                "Choose one of %(country)s's time zones.",
                zone=zone_label(field.data, self._language),
                country=country,
            )
        )
