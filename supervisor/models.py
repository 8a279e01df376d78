"""The family's data: families, guardians, children, invites and the server's login records."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supervisor import clock
from supervisor.db import Model, UTCDateTime
from supervisor.stages.base import StageKey, Words
from supervisor.stages.events import EventKind


def _family_fk() -> Mapped[int]:
    return mapped_column(sa.ForeignKey("family.id", ondelete="CASCADE"), index=True)


def _stored(enum: type[StrEnum], column: str) -> sa.Enum:
    """A column of ``enum``'s members: VARCHAR(20) holding a member's value (today's words,
    "permit" or "step_back"), kept to those values by a CHECK constraint named after the
    column; reads hand back the member itself. Not a native enum, so that SQLite and
    PostgreSQL store it alike (see migration 0012_stage_enums)."""
    return sa.Enum(
        enum,
        name=column,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
    )


class Family(Model):
    """A household: the unit that owns all data and that other families never see."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Minimum ages depend on the country's law; times are shown in the family's time zone.
    country: Mapped[str] = mapped_column(sa.String(2), default="GB", server_default="GB")
    timezone: Mapped[str] = mapped_column(
        sa.String(64), default="Europe/London", server_default="Europe/London"
    )
    # When set, an advance needs the signatures of two different guardians.
    both_guardians_sign: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The family's calendar feed: only a digest of its secret link is kept.
    calendar_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Stricter numbers for leaving the permit than the stage declares (never looser).
    permit_min_checkins: Mapped[int | None]
    permit_min_weeks: Mapped[int | None]
    # Moved on by every write to the family's rows, in the same transaction (``revisions``):
    # a page kept from them is current while this is what it was made from.
    revision: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default=sa.text("0"))

    # The guardians in the family now; one who left or was removed keeps their row (their
    # name stays on what they did) but is no longer one of these.
    guardians: Mapped[list[Guardian]] = relationship(
        primaryjoin="and_(Family.id == Guardian.family_id, Guardian.left_at.is_(None))",
        back_populates="family",
        order_by="Guardian.id",
        passive_deletes=True,
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="family", order_by="Child.id", passive_deletes=True
    )


class RuleChange(Model):
    """A request that waits for another guardian's approval under the two-key rule.

    While a family requires two guardians' signatures, switching that off, lowering its own
    permit requirements, a new guardian's invite link and a birth date that makes a child
    older are only proposed here (``changes`` says which); nothing of it happens until a
    guardian other than the proposer approves with a fresh password. Decided rows are kept,
    with who decided and how.
    """

    __tablename__ = "rule_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # setting -> proposed value, and setting -> its value when the change was proposed
    changes: Mapped[dict[str, object]] = mapped_column(sa.JSON)
    previous: Mapped[dict[str, object]] = mapped_column(sa.JSON)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    outcome: Mapped[str | None] = mapped_column(sa.String(20))  # approved, refused, withdrawn...

    proposed_by: Mapped[Guardian | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[Guardian | None] = relationship(foreign_keys=[decided_by_id])


class Guardian(Model):
    """A parent or carer who signs in with email and password and signs off progress."""

    __tablename__ = "guardian"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    name: Mapped[str] = mapped_column(sa.String(100))
    # Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Set when the guardian left the family or another guardian removed them: the row stays
    # so that history keeps their name, but their sign-in and email address are gone.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_how: Mapped[str | None] = mapped_column(sa.String(10))  # "left" or "removed"
    removed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    # No mail but the confirmation itself goes to an address until its owner has opened
    # the link sent there.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A reset link made before this no longer works.
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The mail topics (supervisor.mail.topics) this guardian switched off; security notices
    # cannot be.
    mail_off: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # The language this guardian reads the app in (one of ``LANGUAGES``); empty: the browser's.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    # The language their pages were last shown in (noted at sign-up and sign-in): their mail
    # speaks it while they have chosen none.
    seen_language: Mapped[str | None] = mapped_column(sa.String(16))

    family: Mapped[Family] = relationship(back_populates="guardians")
    removed_by: Mapped[Guardian | None] = relationship(remote_side=[id])

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False
    is_guardian = True

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    def get_id(self) -> str:
        return f"guardian:{self.id}"


class Child(Model):
    """A child profile: only what the app needs, never a full birth date."""

    __tablename__ = "child"
    __table_args__ = (sa.CheckConstraint("birth_month BETWEEN 1 AND 12", name="birth_month_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    display_name: Mapped[str] = mapped_column(sa.String(40))
    avatar: Mapped[str] = mapped_column(sa.String(16))
    colour: Mapped[str] = mapped_column(sa.String(16))
    birth_year: Mapped[int]
    birth_month: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Argon2id hash of the PIN a guardian set; the PIN itself is never stored.
    pin_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Set after too many wrong PINs: only a guardian's password opens the profile again.
    pin_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the child's own pages speak, whatever the guardians read; empty: the browser's.
    language: Mapped[str | None] = mapped_column(sa.String(16))

    family: Mapped[Family] = relationship(back_populates="children")

    # Flask-Login's user protocol: a child signs in on a family tablet only.
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_guardian = False

    def get_id(self) -> str:
        return f"child:{self.id}"

    @property
    def name(self) -> str:
        return self.display_name


class Invite(Model):
    """A one-time link that lets a second guardian join a family; only its hash is stored."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    # Made while both guardians must sign: it works only once another guardian approves it.
    needs_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The address the invite was mailed to, if the inviter typed one.
    email: Mapped[str | None] = mapped_column(sa.String(254))

    family: Mapped[Family] = relationship()
    created_by: Mapped[Guardian | None] = relationship(foreign_keys=[created_by_id])


class OneTimeLink(Model):
    """A link sent by mail that works once: a password reset or an address confirmation.

    Only the digest of its token is kept. ``email`` is the address it was sent to, which for
    a confirmation is the address it confirms (a new one, when a guardian changes theirs).
    """

    __tablename__ = "one_time_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(10))  # "reset" or "confirm"
    email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guardian: Mapped[Guardian] = relationship()


class OutboxMessage(Model):
    """A mail written in the same transaction as the change that causes it; the worker sends
    it (see supervisor/mail/delivery.py), so a change rolled back sends nothing.

    ``status`` is its fate: queued (waiting, or waiting to be tried again at
    ``next_attempt_at``), sent or failed (given up, with ``last_error``). Once sent, its
    bodies are dropped: a reset link lives in the mailbox, not here.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("family.id", ondelete="CASCADE"), index=True
    )
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(sa.String(30))  # the template it was made from
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    text_body: Mapped[str | None] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # [{"filename": ..., "content_type": "text/calendar", "content": "..."}]
    attachments: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    # A worker that took the message for sending holds it until then.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobRun(Model):
    """A periodic job's turn: the first worker to add the row for a period does the work, in
    the same transaction, so a job runs once per period however many workers run."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class SentReminder(Model):
    """A check-in reminder or overdue notice already sent for one due date of one track."""

    __tablename__ = "sent_reminder"

    track_id: Mapped[int] = mapped_column(
        sa.ForeignKey("track.id", ondelete="CASCADE"), primary_key=True
    )
    due_on: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # "tomorrow", "overdue"
    family_id: Mapped[int] = _family_fk()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Device(Model):
    """A browser a guardian marked as the family tablet; its cookie holds a token we hash."""

    __tablename__ = "device"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    name: Mapped[str] = mapped_column(sa.String(60))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    family: Mapped[Family] = relationship()
    created_by: Mapped[Guardian | None] = relationship()


class LoginSession(Model):
    """A signed-in session the server can end: logout or a password change deletes the row.

    The browser's cookie holds a random token; only its SHA-256 is stored here. Exactly one
    of ``guardian_id`` and ``child_id`` is set; children only ever sign in on a device.
    """

    __tablename__ = "login_session"
    __table_args__ = (
        sa.CheckConstraint(
            "(guardian_id IS NULL) <> (child_id IS NULL)", name="exactly_one_person"
        ),
        sa.CheckConstraint("child_id IS NULL OR device_id IS NOT NULL", name="child_on_device"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    family_id: Mapped[int] = _family_fk()
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("child.id", ondelete="CASCADE"), index=True
    )
    device_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("device.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When the guardian last typed their password: sensitive actions need it recent.
    password_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guardian: Mapped[Guardian | None] = relationship()
    child: Mapped[Child | None] = relationship()
    device: Mapped[Device | None] = relationship()

    @property
    def person(self) -> Guardian | Child:
        person = self.guardian or self.child
        assert person is not None  # guaranteed by the check constraint
        return person


class PinAttempts(Model):
    """Consecutive wrong PINs for one profile on one device, shared by every worker."""

    __tablename__ = "pin_attempts"

    child_id: Mapped[int] = mapped_column(
        sa.ForeignKey("child.id", ondelete="CASCADE"), primary_key=True
    )
    device_id: Mapped[int] = mapped_column(
        sa.ForeignKey("device.id", ondelete="CASCADE"), primary_key=True
    )
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Model):
    """One line of the family's security log: who did what, when, from where, and how it went.

    Rows are only ever added; they go with the family when the family is deleted.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("family.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    action: Mapped[str] = mapped_column(sa.String(40))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    actor: Mapped[str | None] = mapped_column(sa.String(40))
    subject: Mapped[str | None] = mapped_column(sa.String(80))
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("device.id", ondelete="SET NULL"))


class LoginThrottle(Model):
    """Failed sign-ins per email address, shared by every worker process.

    ``lockouts`` counts the locks in a row, so that each lasts longer than the one before.
    """

    __tablename__ = "login_throttle"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lockouts: Mapped[int] = mapped_column(default=0, server_default="0")


class SignupThrottle(Model):
    """Sign-up and join attempts per email address and per client address, for every worker.

    Both forms say whether an address already has an account, so the attempts are counted to
    keep anyone from testing a list of addresses. ``scope`` says which kind ``address`` is.
    """

    __tablename__ = "signup_throttle"

    scope: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Track(Model):
    """One social network a child is learning, at exactly one stage.

    ``version`` is SQLAlchemy's optimistic lock: two sign-offs racing on two workers cannot
    both move the stage. ``requested_at`` marks a child's open request for sign-off.
    """

    __tablename__ = "track"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("child.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(sa.String(30))
    other_name: Mapped[str | None] = mapped_column(sa.String(40))
    stage: Mapped[StageKey] = mapped_column(_stored(StageKey, "stage"))
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_note: Mapped[str | None] = mapped_column(sa.Text)
    # How a guardian may look in during the permit (one of permit.monitoring.ARRANGEMENTS).
    monitoring: Mapped[str | None] = mapped_column(sa.String(20))
    monitoring_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    monitoring_child_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    monitoring_chosen_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    # Licence: ways to stay connected the child chose, and a guardian's yearly refresher.
    connections: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    refresher: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A track started by mistake, removed while still in instruction: kept with its history,
    # shown to nobody as a current track.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    removed_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    child: Mapped[Child] = relationship()
    monitoring_chosen_by: Mapped[Guardian | None] = relationship(
        foreign_keys=[monitoring_chosen_by_id]
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own form


class TrackEvent(Model):
    """The append-only history of a track: every transition, request, decline and signature.

    Nothing in the app updates or deletes these rows; they go only with the whole child or
    family. ``requirements`` keeps how the requirements stood at that moment.
    """

    __tablename__ = "track_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[EventKind] = mapped_column(_stored(EventKind, "kind"))
    from_stage: Mapped[StageKey | None] = mapped_column(_stored(StageKey, "from_stage"))
    to_stage: Mapped[StageKey | None] = mapped_column(_stored(StageKey, "to_stage"))
    actor: Mapped[str] = mapped_column(sa.String(40))
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)
    override: Mapped[bool] = mapped_column(default=False)
    requirements: Mapped[list[dict[str, object]] | None] = mapped_column(sa.JSON)

    guardian: Mapped[Guardian | None] = relationship()

    def sentence(self, who: str | None) -> Words:
        """This row as people read it, in ``EventKind``'s words (``say`` shows them in the
        page's language); ``who`` names the actor, ``None`` for the child reading it."""
        return self.kind.sentence(who, self.from_stage, self.to_stage, self.reason, self.override)


class ChecklistTick(Model):
    """A checklist item a guardian ticked for one track."""

    __tablename__ = "checklist_tick"

    track_id: Mapped[int] = mapped_column(
        sa.ForeignKey("track.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    family_id: Mapped[int] = _family_fk()
    ticked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The item's wording when it was ticked: a family's own item may be reworded later.
    label: Mapped[str | None] = mapped_column(sa.String(200))


class Notification(Model):
    """A message for one guardian on the family page, such as a sign-off by the other one."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    guardian_id: Mapped[int] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # What it says, as a message to translate and its placeholders (``supervisor.notices``),
    # told in the reader's language when shown; ``plural`` the message's plural form.
    message: Mapped[str | None] = mapped_column(sa.Text)
    plural: Mapped[str | None] = mapped_column(sa.Text)
    params: Mapped[dict[str, object] | None] = mapped_column(sa.JSON)
    # A notice written before messages were kept: its finished text, shown as it is.
    text: Mapped[str | None] = mapped_column(sa.Text)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HistoryIsAppendOnly(Exception):
    """Raised when code tries to change or delete a history row."""


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _refuse_history_changes(session: sa.orm.Session, _context: object, _instances: object) -> None:
    """History rows are written once; only deleting a child or family removes them (in SQL)."""
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, TrackEvent | FamilyWordingChange) and (
            row in session.deleted or session.is_modified(row)
        ):
            raise HistoryIsAppendOnly(f"{row.__tablename__} {row.id} cannot be changed")
        if isinstance(row, CheckIn) and (row in session.deleted or _recorded_values_changed(row)):
            raise HistoryIsAppendOnly(f"checkin {row.id} is corrected by a new record")


def _recorded_values_changed(checkin: CheckIn) -> bool:
    """A check-in's record may only be marked replaced; what it says stays as it was."""
    state = sa.inspect(checkin)
    return any(
        state.attrs[name].history.has_changes()
        for name in state.mapper.column_attrs.keys()  # noqa: SIM118 - a mapper's own view
        if name not in {"replaced_at", "version"}
    )


class LessonProgress(Model):
    """Where a child is in one lesson, saved after every step so an interruption loses nothing.

    ``answers`` maps a question's index to the options tried in the current attempt (each by
    its own index in the lesson file, whatever shuffled order the page showed it in);
    ``best_score`` is the best first-try score of a finished attempt.
    """

    __tablename__ = "lesson_progress"

    child_id: Mapped[int] = mapped_column(
        sa.ForeignKey("child.id", ondelete="CASCADE"), primary_key=True
    )
    lesson: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    family_id: Mapped[int] = _family_fk()
    position: Mapped[int] = mapped_column(default=0)
    attempt: Mapped[int] = mapped_column(default=1)
    answers: Mapped[dict[str, list[int]]] = mapped_column(sa.JSON, default=dict)
    first_try_correct: Mapped[int] = mapped_column(default=0)
    best_score: Mapped[int | None]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LessonDiscussion(Model):
    """A guardian's tick: "we talked this lesson through" with this child."""

    __tablename__ = "lesson_discussion"

    child_id: Mapped[int] = mapped_column(
        sa.ForeignKey("child.id", ondelete="CASCADE"), primary_key=True
    )
    lesson: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    family_id: Mapped[int] = _family_fk()
    ticked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class FamilyChecklistItem(Model):
    """A checklist item a family added for every track at one stage.

    Removing it retires it (``removed_at``): it stops being a requirement, and the ticks
    given for it stay. Its earlier wordings are in ``FamilyWordingChange``.
    """

    __tablename__ = "family_checklist_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    stage: Mapped[StageKey] = mapped_column(_stored(StageKey, "stage"))
    label: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def key(self) -> str:
        return self.key_of(self.id)

    @staticmethod
    def key_of(item_id: int) -> str:
        """The checklist key of the item with this id (keys of built-in items are words)."""
        return f"family-{item_id}"


class FamilyPrompt(Model):
    """A discussion prompt a family wrote for itself; removing it takes it out of the bank
    (``removed_at``), and check-ins that used it keep its words."""

    __tablename__ = "family_prompt"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    stage: Mapped[StageKey] = mapped_column(_stored(StageKey, "stage"))
    topic: Mapped[str] = mapped_column(sa.String(30))
    text: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FamilyWordingChange(Model):
    """One correction of the family's own checklist item or prompt: who, when, why, and the
    wording before (and after, for an edit). Rows are only ever added."""

    __tablename__ = "family_wording_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    checklist_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("family_checklist_item.id", ondelete="CASCADE"), index=True
    )
    prompt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("family_prompt.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(sa.String(10))  # "edited" or "removed"
    before: Mapped[str] = mapped_column(sa.String(500))
    after: Mapped[str | None] = mapped_column(sa.String(500))
    reason: Mapped[str | None] = mapped_column(sa.String(200))

    guardian: Mapped[Guardian | None] = relationship()


class WalkthroughRun(Model):
    """One time through a platform's privacy walkthrough for a track; redoing it adds a run."""

    __tablename__ = "walkthrough_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"), index=True)
    walkthrough: Mapped[str] = mapped_column(sa.String(30))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list[WalkthroughAnswer]] = relationship(
        order_by="WalkthroughAnswer.step", passive_deletes=True
    )


class WalkthroughAnswer(Model):
    """What happened at one step: done, chose differently (with a note), or couldn't find it."""

    __tablename__ = "walkthrough_answer"

    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("walkthrough_run.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    outcome: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CheckInSchedule(Model):
    """One version of a track's agreed check-in rhythm; relaxing it adds a version.

    A fade plan is several versions agreed at once with later ``effective_from`` dates. A
    version is in force once both a guardian and the child have agreed to it.
    """

    __tablename__ = "checkin_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"), index=True)
    plan: Mapped[int]  # versions agreed together share a plan number
    frequency: Mapped[str] = mapped_column(sa.String(12))
    every_days: Mapped[int]
    weekday: Mapped[int]  # 0 = Monday
    at_time: Mapped[str] = mapped_column(sa.String(5))  # "18:30", family's local time
    minutes: Mapped[int]
    effective_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    guardian_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The guardian whose proposal this is (their proposal is their agreement).
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    child_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposed_by: Mapped[Guardian | None] = relationship()


class CheckIn(Model):
    """A check-in a guardian recorded: held or skipped, prompts used, notes, for one due date.

    A correction never changes a record: it adds one that ``replaces`` it (with the reason)
    and marks the old one ``replaced_at``, so the original stays in the history. One record
    per due date is current (a partial unique index); ``version`` makes two corrections of
    the same record racing each other end in a conflict, not two current records.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        sa.Index(
            "uq_checkin_track_id_due_on_current",
            "track_id",
            "due_on",
            unique=True,
            sqlite_where=sa.text("replaced_at IS NULL"),
            postgresql_where=sa.text("replaced_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    held: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    prompts_used: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    shared_notes: Mapped[str | None] = mapped_column(sa.Text)
    private_notes: Mapped[str | None] = mapped_column(sa.Text)
    # The learning moments this record says were talked through (ids), kept as recorded.
    moments_talked: Mapped[list[int]] = mapped_column(sa.JSON, default=list, server_default="[]")
    replaces_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checkin.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why this record corrects the one before
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Held together on the family tablet: the child typed their PIN to say "I was there, and
    # this is what we said". A record without it still counts, and is marked not confirmed.
    child_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("child.id", ondelete="SET NULL")
    )

    recorded_by: Mapped[Guardian | None] = relationship()
    confirmed_by: Mapped[Child | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own form


class CheckInNote(Model):
    """A child's own note on a check-in, shown beside it to everyone.

    Never erased: changing it adds a note that ``replaces`` the one before and marks that one
    ``replaced_at``, so the original stays readable. One note per child and record is current.
    """

    __tablename__ = "checkin_note"
    __table_args__ = (
        sa.Index(
            "uq_checkin_note_checkin_id_child_id_current",
            "checkin_id",
            "child_id",
            unique=True,
            sqlite_where=sa.text("replaced_at IS NULL"),
            postgresql_where=sa.text("replaced_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    checkin_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkin.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("child.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    replaces_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checkin_note.id", ondelete="SET NULL")
    )
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LearningMoment(Model):
    """A mistake treated as a lesson: what happened, the child's reflection, a lesson to
    revisit, and the check-in where it was talked through. Never a score."""

    __tablename__ = "learning_moment"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = _family_fk()
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    what_happened: Mapped[str] = mapped_column(sa.Text)
    lesson: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reflection: Mapped[str | None] = mapped_column(sa.Text)
    reflected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    talked_in_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checkin.id", ondelete="SET NULL")
    )
    # Withdrawn (logged by mistake): kept and marked, off the agenda, counted nowhere.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="SET NULL")
    )
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    withdrawn_by: Mapped[Guardian | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own form


class PageView(Model):
    """A guardian's looks at one page of a child's records on one day of the family's, counted:
    one row per guardian, child, page and track a day however often they looked, so the child
    can read who looked and the table stays small (rows older than 90 days are pruned).

    ``track_id`` is 0 for a page of no one track (the lessons, the data export); it is not a
    foreign key for that reason, and a track is only ever deleted with its child.
    """

    __tablename__ = "page_view"

    guardian_id: Mapped[int] = mapped_column(
        sa.ForeignKey("guardian.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[int] = mapped_column(
        sa.ForeignKey("child.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    page: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    track_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True, index=True)
    family_id: Mapped[int] = _family_fk()
    times: Mapped[int] = mapped_column(default=1)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
