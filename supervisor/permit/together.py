"""The agenda of a check-in held together on the family tablet: what guardian and child talk
through side by side before the child confirms the record with their PIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from supervisor import clock
from supervisor.content.lessons import Prompt
from supervisor.content.monitoring import arrangements_for
from supervisor.extensions import db
from supervisor.lessons import prompts
from supervisor.local_time import when
from supervisor.models import CheckIn, CheckInSchedule, LearningMoment, Track
from supervisor.permit import reads
from supervisor.permit.who import guardian_name
from supervisor.words import say


@dataclass(frozen=True)
class Change:
    """Something that changed in the arrangement or the schedule, on a day."""

    on: date
    text: str


@dataclass(frozen=True)
class Agenda:
    moments: list[LearningMoment]  # to talk through: open, not withdrawn
    prompt: Prompt  # the prompt of the week for this child at this stage
    since: datetime | None  # when the last check-in was recorded (None: this is the first)
    changes: list[Change]  # in the arrangement or the schedule since then, oldest first
    requests: list[Track]  # the child's open requests for sign-off, on any of their tracks


def agenda(track: Track, zone: ZoneInfo, language: str) -> Agenda:
    """What to talk through now, the prompt and the arrangement's words in ``language``."""
    since = db.session.scalar(
        sa.select(sa.func.max(CheckIn.recorded_at)).where(
            CheckIn.track_id == track.id, CheckIn.replaces_id.is_(None)
        )
    )
    now = clock.now()
    requests = db.session.scalars(
        sa.select(Track)
        .where(
            Track.child_id == track.child_id,
            Track.removed_at.is_(None),
            Track.requested_at.is_not(None),
        )
        .order_by(Track.requested_at)
    )
    return Agenda(
        moments=reads.on_agenda(reads.moments(track)),
        prompt=prompts.of_the_week(
            prompts.for_family(track.family_id, language), track.stage, track.child_id, now
        ),
        since=since,
        changes=sorted(changes_since(track, since, zone, language), key=lambda c: c.on),
        requests=list(requests),
    )


def changes_since(
    track: Track, since: datetime | None, zone: ZoneInfo, language: str
) -> list[Change]:
    """What changed in how a guardian looks in and in the check-in schedule after ``since``
    (everything so far, at the first check-in), the arrangement named in ``language``."""
    child = track.child.display_name

    def after(moment: datetime | None) -> bool:
        return moment is not None and (since is None or moment > since)

    def day(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    found = []
    arrangement = arrangements_for(language).get(track.monitoring or "")
    if arrangement and track.monitoring_agreed_at and after(track.monitoring_agreed_at):
        found.append(
            Change(
                day(track.monitoring_agreed_at),
                _(
                    "%(guardian)s chose how to look in: %(arrangement)s.",
                    guardian=guardian_name(track.monitoring_chosen_by, _("A guardian")),
                    arrangement=arrangement.named.format(child=child),
                ),
            )
        )
    if arrangement and track.monitoring_child_agreed_at and after(track.monitoring_child_agreed_at):
        found.append(
            Change(
                day(track.monitoring_child_agreed_at),
                _("%(child)s agreed to how a guardian looks in.", child=child),
            )
        )
    versions = list(
        db.session.scalars(
            sa.select(CheckInSchedule)
            .where(CheckInSchedule.track_id == track.id)
            .order_by(CheckInSchedule.plan, CheckInSchedule.effective_from)
        )
    )
    plans: dict[int, list[CheckInSchedule]] = {}
    for version in versions:
        plans.setdefault(version.plan, []).append(version)
    today = clock.now().astimezone(zone).date()
    for version in versions:
        terms = say(reads.rhythm(version).describe())
        if version is plans[version.plan][0]:
            terms = _plan_terms(plans[version.plan])
            if after(version.created_at):
                found.append(
                    Change(
                        day(version.created_at),
                        _(
                            "%(guardian)s proposed a check-in schedule: %(terms)s.",
                            guardian=guardian_name(version.proposed_by, _("A guardian")),
                            terms=terms,
                        ),
                    )
                )
            if version.child_agreed_at and after(version.child_agreed_at):
                found.append(
                    Change(
                        day(version.child_agreed_at),
                        _("%(child)s agreed to the schedule: %(terms)s.", child=child, terms=terms),
                    )
                )
        elif (
            version.ended_at is None
            and version.child_agreed_at is not None
            and version.effective_from <= today
            and (since is None or version.effective_from > day(since))
        ):
            found.append(
                Change(
                    version.effective_from,
                    _("As agreed in the plan, check-ins became: %(terms)s.", terms=terms),
                )
            )
    return found


def _plan_terms(plan: list[CheckInSchedule]) -> str:
    """A whole plan as proposed: its first rhythm, then each step of a fade plan."""
    return "; ".join(
        _("then from %(day)s: %(terms)s", day=when(v.effective_from, "long-date"), terms=terms)
        if i
        else terms
        for i, v in enumerate(plan)
        for terms in [say(reads.rhythm(v).describe())]
    )
