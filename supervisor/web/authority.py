"""What every state-changing route demands and leaves behind, declared once (target 22).

``access`` says who may reach a route at all; this table says, for every POST endpoint, what
proof it needs beyond that, which audit action it writes when it succeeds, and whether the
family's other guardians are told. ``enforce`` applies the proof before any view runs, so a
view cannot forget it; views call ``done`` to write the declared audit row and notice (sign-in,
sign-off and the tablet write the same rows in their own operations, with their failures). A
test walks the URL map and fails on a POST endpoint missing here, and proves every line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from flask import Flask, request
from flask_login import current_user

from supervisor import audit
from supervisor.mail.topics import Topic
from supervisor.models import Guardian
from supervisor.notices import Notice, notify_guardians
from supervisor.web import stepup


class Proof(Enum):
    """What a request must show beyond the area's access rule."""

    ACCESS = "the area's access rule only"
    FRESH = "the guardian's password, typed in this request or within the step-up window"
    OWN = "a password or PIN the form itself asks for"


@dataclass(frozen=True)
class Rule:
    proof: Proof = Proof.ACCESS
    audit: str | None = None  # the audit action a success writes
    notify: bool = False  # the family's other guardians get a notification
    topic: Topic | None = None  # and a mail on this topic, to those who may get one


FRESH = Proof.FRESH
SECURITY = Topic.SECURITY

RULES: dict[str, Rule] = {
    # Accounts: the forms carry their own password, or there is no one to tell yet.
    "auth.signup": Rule(audit="signup"),
    "auth.login": Rule(Proof.OWN, audit="login"),
    "auth.logout": Rule(audit="logout"),
    "auth.join_family": Rule(audit="join_family", notify=True, topic=SECURITY),
    "auth.account": Rule(Proof.OWN, audit="password_change", notify=True, topic=SECURITY),
    "auth.mail_choices": Rule(),  # one's own mail, nothing of the family
    "auth.language": Rule(),  # one's own pages' language, nothing of the family
    "mail_choices.unsubscribe_post": Rule(),  # the signed link is the proof
    "auth.details": Rule(FRESH, audit="guardian_details", notify=True, topic=SECURITY),
    # A reset link: the token mailed to the address is the proof; the operation tells the others.
    "auth.forgot_password": Rule(audit="password_reset_request"),
    "auth.reset_password": Rule(Proof.OWN, audit="password_reset", notify=True),
    # The link from the mail is the proof; the operation writes the audit row and tells
    # the other guardians when the address changed.
    "auth.confirm_address": Rule(audit="address_confirm"),
    "auth.resend_confirmation": Rule(audit="confirmation_resend"),
    # Whoever may give authority, change a rule, export or delete: a fresh password.
    "family.settings": Rule(FRESH, audit="family_settings", notify=True, topic=SECURITY),
    "family.approve_change": Rule(FRESH, audit="rule_change_approved", notify=True, topic=SECURITY),
    "family.drop_change": Rule(audit="rule_change_dropped", notify=True),
    "family.create_invite": Rule(FRESH, audit="invite_create", notify=True),
    "family.revoke_invite": Rule(FRESH, audit="invite_revoke", notify=True),
    "family.add_child": Rule(audit="child_add", notify=True),
    "family.edit_child": Rule(audit="child_edit"),
    "family.birth_date": Rule(FRESH, audit="birth_date_change", notify=True, topic=SECURITY),
    "family.delete_child": Rule(FRESH, audit="child_delete", notify=True),
    "family.set_pin": Rule(FRESH, audit="pin_set", notify=True),
    "family.unlock_profile": Rule(FRESH, audit="pin_reset", notify=True),
    "family.export_data": Rule(FRESH, audit="export", notify=True),
    "family.delete_family": Rule(FRESH, audit="family_delete"),  # nobody is left to tell
    "family.read_notifications": Rule(),
    "family.rename": Rule(FRESH, audit="family_rename", notify=True),
    # Who is a guardian: a key of the family comes or goes.
    "guardians.leave": Rule(FRESH, audit="guardian_leave", notify=True, topic=SECURITY),
    "guardians.remove": Rule(FRESH, audit="guardian_remove", notify=True, topic=SECURITY),
    # The family's own checklist is a family rule; its own prompts are only questions.
    "family_words.edit_item": Rule(FRESH, audit="checklist_item_edit", notify=True, topic=SECURITY),
    "family_words.remove_item": Rule(
        FRESH, audit="checklist_item_remove", notify=True, topic=SECURITY
    ),
    "family_words.edit_prompt": Rule(audit="prompt_edit", notify=True),
    "family_words.remove_prompt": Rule(audit="prompt_remove", notify=True),
    "devices.index": Rule(FRESH, audit="device_enrol", notify=True, topic=SECURITY),
    "devices.revoke": Rule(FRESH, audit="device_revoke", notify=True),
    "calendar.new_link": Rule(FRESH, audit="calendar_link", notify=True),
    "calendar.revoke": Rule(FRESH, audit="calendar_revoke", notify=True),
    # Stage moves: a fresh password, and every guardian hears of it.
    "tracks.sign_off": Rule(FRESH, audit="sign_off", notify=True),
    "tracks.step_back": Rule(FRESH, audit="step_back", notify=True),
    "tracks.remove": Rule(FRESH, audit="track_remove", notify=True),
    # Everyday work of a guardian: it moves nothing and grants nothing by itself.
    "tracks.add": Rule(),
    "tracks.tick": Rule(),
    "tracks.add_checklist_item": Rule(),
    "tracks.refresher": Rule(),
    "tracks.decline": Rule(),
    "family_lessons.discussed": Rule(),
    "family_lessons.prompt_bank": Rule(),
    "permit.walkthrough": Rule(),
    "permit.walkthrough_step": Rule(),
    "permit.monitoring": Rule(),
    "permit.checkin_schedule": Rule(),
    "permit.record_checkin": Rule(),
    # Held together: the child's PIN confirms the record (its failures count on the tablet).
    "permit.checkin_together": Rule(audit="checkin_together"),
    "permit.add_moment": Rule(),
    # Corrections never erase: the old record stays, and the other guardians hear why.
    "permit.correct_checkin": Rule(audit="checkin_correct", notify=True),
    "permit.withdraw_moment": Rule(audit="moment_withdraw", notify=True),
    # The tablet: a guardian's password or a child's PIN on the form itself.
    "tablet.unlock_child": Rule(Proof.OWN, audit="pin_unlock"),
    "tablet.unlock_guardian": Rule(Proof.OWN, audit="tablet_unlock"),
    # A child's own pages: nothing a child does here grants or moves anything.
    "child.request_sign_off": Rule(),
    "child.agree_schedule": Rule(),
    "child.agree_arrangement": Rule(),
    "child.choose_connections": Rule(),
    "child.reflect": Rule(),
    "child.checkin_note": Rule(),  # never erased: a change keeps the original
    "lessons.page": Rule(),
    "lessons.retake": Rule(),
}


def rule() -> Rule:
    """The rule of the POST being served (a POST endpoint missing from the table is a bug)."""
    endpoint = request.endpoint or ""
    if endpoint not in RULES:
        raise LookupError(f"{endpoint} has no line in supervisor.web.authority.RULES")
    return RULES[endpoint]


def enforce() -> tuple[str, int] | None:
    """Before any POST view: a stale guardian session gets the password page (401), nothing else.

    Strangers and children are left to the access rules, which send them away in their own
    words; a guardian's password only ever proves a guardian.
    """
    if request.method != "POST" or request.endpoint in (None, "static"):
        return None
    if rule().proof is Proof.FRESH and current_user.is_authenticated and current_user.is_guardian:
        return stepup.check()
    return None


def done(subject: str | None = None, notice: Notice | None = None, *, by: Guardian) -> None:
    """Write what this route's rule declares: its audit row, and its notice to the others."""
    declared = rule()
    if declared.audit is None:
        raise LookupError(f"{request.endpoint} declares no audit action")
    audit.record(declared.audit, audit.SUCCESS, family_id=by.family_id, actor=by, subject=subject)
    if declared.notify:
        if notice is None:
            raise ValueError(f"{request.endpoint} must tell the other guardians what happened")
        notify_guardians(by.family_id, notice, skip=by, topic=declared.topic)


def init_app(app: Flask) -> None:
    app.before_request(enforce)
