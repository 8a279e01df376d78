"""The attacks of a stale or second session on the family's rules (security targets 11, 22,
23 and 24): the two-key rule guards itself, a birth date that makes a child 18 is a signed
stage move, new guardians are never silent, one browser holds one person's session, and a
child's "I agree" binds to what the page showed."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import (
    AuditEvent,
    Child,
    Family,
    Guardian,
    LoginSession,
    Notification,
    RuleChange,
    Track,
    TrackEvent,
)
from supervisor.notices import read
from tests.conftest import PASSWORD, Auth, Client, tap_i_agree, text, weekly_schedule
from tests.races import at_once
from tests.test_tracks import add_second_guardian, start_family

SETTINGS = {"country": "GB", "timezone": "Europe/London"}


def family_row(app) -> Family:
    with app.app_context():
        family = db.session.scalars(sa.select(Family)).first()
        db.session.expunge(family)
        return family


def notes_for(app, name: str) -> list[str]:
    from supervisor.models import Guardian

    with app.test_request_context():
        return [
            read(note)
            for note in db.session.scalars(
                sa.select(Notification)
                .join(Guardian, Guardian.id == Notification.guardian_id)
                .where(Guardian.name == name)
                .order_by(Notification.id)
            )
        ]


def _invite_path(inviter: Client) -> str:
    """Make an invite link through the page and return its path."""
    return _path_of(text(inviter.submit("/family/invites")))


def _path_of(invite_page: str) -> str:
    link = invite_page.split('readonly value="')[1].split('"')[0]
    return "/invite/" + link.rsplit("/invite/", 1)[1]


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_two_key_rule_cannot_be_switched_off_by_one_guardian(app, clock):
    """Security target 23: the rule stays on until another guardian approves."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    assert family_row(app).both_guardians_sign

    response = ada.submit("/family/settings", data=SETTINGS, follow_redirects=True)
    assert "Another guardian must approve" in text(response)
    assert family_row(app).both_guardians_sign  # the rule stays on
    told = " ".join(notes_for(app, "Grace"))
    assert "Ada asks to change “both guardians must sign off” from on to off" in told
    assert "Waiting for another guardian" in text(ada.get("/family/settings"))
    dashboard = " ".join(text(grace.get("/family/")).split())
    assert "A request is waiting for another guardian's approval" in dashboard
    (change_id,) = _open_changes(app)
    refused = ada.submit(f"/family/settings/changes/{change_id}/approve")
    assert refused.status_code == 409 and family_row(app).both_guardians_sign
    assert "Another guardian has to approve a change you asked for." in text(refused)

    clock.advance(minutes=6)  # Grace's password is no longer fresh
    stale = grace.submit(f"/family/settings/changes/{change_id}/approve")
    assert stale.status_code == 401 and family_row(app).both_guardians_sign
    approved = grace.submit(
        f"/family/settings/changes/{change_id}/approve", data={"reauth_password": PASSWORD}
    )
    assert approved.status_code == 302
    assert not family_row(app).both_guardians_sign
    told = " ".join(notes_for(app, "Ada"))
    assert "Grace approved the request to change “both guardians must sign off”" in told
    assert "rule_change_approved" in audit_actions(app)
    assert "another guardian's approval" not in " ".join(text(grace.get("/family/")).split())
    again = grace.submit(
        f"/family/settings/changes/{change_id}/approve", data={"reauth_password": PASSWORD}
    )
    assert again.status_code == 409


def test_lowering_the_familys_own_requirements_waits_raising_does_not(app):
    """Security target 23: lowering the family's own requirements waits too."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    strict = {**SETTINGS, "both_guardians_sign": "y", "permit_min_checkins": "10"}
    ada.submit("/family/settings", data=strict)
    assert family_row(app).permit_min_checkins == 10  # stricter: at once
    ada.submit("/family/settings", data={**strict, "permit_min_checkins": "12"})
    assert family_row(app).permit_min_checkins == 12
    ada.submit("/family/settings", data={**strict, "permit_min_checkins": ""})
    assert family_row(app).permit_min_checkins == 12  # back to 6 waits for Grace
    page = text(grace.get("/family/settings"))
    assert "the check-ins needed to leave the permit from 12 to 6 (the app&#39;s minimum)" in page
    (change_id,) = _open_changes(app)
    assert grace.submit(f"/family/settings/changes/{change_id}/drop").status_code == 302
    assert family_row(app).permit_min_checkins == 12
    assert "Grace refused the request to change the check-ins needed" in " ".join(
        notes_for(app, "Ada")
    )
    assert _open_changes(app) == []


def test_a_held_change_is_not_applied_once_its_setting_moved_on(app):
    """The approver saw "from 12"; a change since then makes the request outdated, not applied."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    strict = {**SETTINGS, "both_guardians_sign": "y", "permit_min_checkins": "12"}
    ada.submit("/family/settings", data=strict)
    ada.submit("/family/settings", data={**strict, "permit_min_checkins": "8"})  # held
    ada.submit("/family/settings", data={**strict, "permit_min_checkins": "30"})  # at once
    (change_id,) = _open_changes(app)
    response = grace.submit(f"/family/settings/changes/{change_id}/approve")
    assert response.status_code == 409 and "was not applied" in text(response)
    assert family_row(app).permit_min_checkins == 30
    assert _open_changes(app) == []


def test_under_two_keys_a_new_guardian_needs_the_other_guardians_approval(app):
    """Security target 23: one guardian's second account would be a second key in one hand."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    ada.submit("/family/settings", data=SETTINGS)  # held for Grace
    (loosening,) = _open_changes(app)
    page = text(ada.submit("/family/invites"))
    assert "works only once another guardian approves it" in " ".join(page.split())
    path = _path_of(page)
    joining = {"name": "Ada 2", "email": "ada.two@example.org", "password": PASSWORD,
               "confirm": PASSWORD}  # fmt: skip
    other = app.test_client()
    waiting = other.submit(path, data=joining)
    assert waiting.status_code == 403 and "waits for another guardian" in text(waiting)
    assert "Ada asks to let a new guardian join the family" in " ".join(notes_for(app, "Grace"))
    invite_change = next(c for c in _open_changes(app) if c != loosening)
    assert grace.submit(f"/family/settings/changes/{invite_change}/approve").status_code == 302
    assert other.submit(path, data=joining).status_code == 302
    # The newcomer joined after the loosening was asked: not the key that may approve it.
    late = other.submit(f"/family/settings/changes/{loosening}/approve")
    assert late.status_code == 409 and "in the family when this was asked" in text(late)
    assert family_row(app).both_guardians_sign


def test_a_refused_invite_never_works(app):
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    page = text(ada.submit("/family/invites"))
    path = _path_of(page)
    (change_id,) = _open_changes(app)
    assert grace.submit(f"/family/settings/changes/{change_id}/drop").status_code == 302
    gone = app.test_client().get(path)
    assert gone.status_code == 410 and "not valid" in text(gone)


def test_under_two_keys_a_birth_date_that_ends_supervision_waits(app, clock):
    """Security target 23: ending supervision through a correction takes both keys."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    url = f"/family/children/{family.child_id}/birth-date"
    older = {"birth_year": "2007", "birth_month": "5", "reason": "We typed the wrong year."}
    held = ada.submit(url, data=older, follow_redirects=True)
    assert "another guardian must approve it" in text(held)
    assert _stage(app, family.track_id) == "instruction"
    assert "Born May 2012" in text(ada.get(f"/family/children/{family.child_id}/edit"))
    (change_id,) = _open_changes(app)
    assert "correct Mo&#39;s birth date from May 2012 to May 2007" in text(
        grace.get("/family/settings")
    )
    response = grace.submit(f"/family/settings/changes/{change_id}/approve")
    assert response.status_code == 302
    assert _stage(app, family.track_id) == "licence"
    with app.app_context():
        reason = db.session.scalars(
            sa.select(TrackEvent.reason).where(TrackEvent.kind == "majority")
        ).one()
    assert "to May 2007" in reason and "Grace approved" in reason


def test_one_guardian_changes_the_rule_alone_and_it_is_recorded(app):
    family = start_family(app)
    family.guardian.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    family.guardian.submit("/family/settings", data=SETTINGS)
    assert not family_row(app).both_guardians_sign
    with app.app_context():
        subjects = db.session.scalars(
            sa.select(AuditEvent.subject).where(AuditEvent.action == "family_settings")
        ).all()
    assert len(subjects) == 2 and all("both_guardians_sign" in s for s in subjects)


def test_two_guardians_approving_at_once_apply_it_once(app, second_worker):
    """Security targets 23 and 28: decided once; the second approval gets 409."""
    family = start_family(app)
    ada = family.guardian
    grace = add_second_guardian(app, ada)
    third = _join(app, ada, "Hal", "hal@example.org")
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    ada.submit("/family/settings", data=SETTINGS)
    (change_id,) = _open_changes(app)
    other = second_worker.test_client()
    other.set_cookie("__Host-session", third.get_cookie("__Host-session").value)
    url = f"/family/settings/changes/{change_id}/approve"
    codes = at_once([(grace, url, {}), (other, url, {})])
    assert sorted(codes) == [302, 409]
    with app.app_context():
        assert db.session.get(RuleChange, change_id).outcome == "approved"
    assert audit_actions(app).count("rule_change_approved") == 1


def test_a_birth_date_that_makes_a_child_18_is_a_signed_stage_move(app, clock):
    """Security targets 3, 5 and 22: a fresh password, a recorded move, told to all."""
    family = start_family(app)
    ada = family.guardian
    add_second_guardian(app, ada)
    url = f"/family/children/{family.child_id}/birth-date"
    older = {"birth_year": "2007", "birth_month": "5", "reason": "We typed the wrong year."}
    clock.advance(minutes=6)
    stale = ada.submit(url, data=older)
    assert stale.status_code == 401
    assert _stage(app, family.track_id) == "instruction"
    done = ada.submit(url, data={**older, "reauth_password": PASSWORD})
    assert done.status_code == 302
    assert _stage(app, family.track_id) == "licence"
    with app.app_context():
        move = db.session.scalars(sa.select(TrackEvent).where(TrackEvent.kind == "majority")).one()
        assert move.actor == "system" and move.from_stage == "instruction"
        assert "from May 2012 to May 2007" in move.reason
    assert {"birth_date_change", "majority"} <= set(audit_actions(app))
    assert "Ada corrected Mo's birth date from May 2012 to May 2007" in " ".join(
        notes_for(app, "Grace")
    )
    child_page = text(family.tablet.get(f"/me/tracks/{family.track_id}"))
    assert "corrected Mo&#39;s birth date from May 2012 to May 2007" in child_page


def test_eighteen_clears_the_request_and_the_consent(app, clock):
    family = start_family(app, birth_year=2008)
    guardian = family.guardian
    guardian.submit(
        f"/family/tracks/{family.track_id}/sign-off",
        data={"from_stage": "instruction", "override_reason": "Ready."},
    )
    guardian.submit(f"/family/tracks/{family.track_id}/monitoring", data={"arrangement": "follow"})
    tap_i_agree(family.tablet, family.track_id, "agree-arrangement")
    clock.advance(days=92)  # June 2026: Mo is 18
    assert "1 track(s)" in app.test_cli_runner().invoke(args=["supervisor", "daily"]).output
    with app.app_context():
        track = db.session.get(Track, family.track_id)
        assert track.stage == "licence" and track.requested_at is None
    # The arrangement is kept as the record of what ended; nothing is watched over any more.
    page = text(family.tablet.get(f"/me/tracks/{family.track_id}"))
    assert "monitoring-sign" not in page and "I agree</button>" not in page
    assert "majority" in audit_actions(app)


def test_unlocking_another_profile_ends_the_previous_session_on_the_server(app):
    """Security targets 10 and 11: the guardian's row goes, not only the cookie."""
    family = start_family(app)
    tablet = family.tablet  # Mo is unlocked on it
    tablet.submit("/logout")
    picker = tablet.get("/who")
    guardian_id = int(text(picker).split("/who/guardian/")[1].split('"')[0])
    assert tablet.submit(f"/who/guardian/{guardian_id}", data={"password": PASSWORD}).status_code
    guardian_cookie = tablet.get_cookie("__Host-session").value
    assert tablet.get("/family/").status_code == 200
    # The child taps her own tile without "Switch person".
    assert tablet.submit(f"/who/child/{family.child_id}", data={"pin": "4826"}).status_code == 302
    with app.app_context():
        people = db.session.execute(
            sa.select(LoginSession.guardian_id, LoginSession.child_id).where(
                LoginSession.device_id.is_not(None)
            )
        ).all()
    assert people == [(None, family.child_id)]
    replay = app.test_client()
    replay.set_cookie("__Host-device", tablet.get_cookie("__Host-device").value)
    replay.set_cookie("__Host-session", guardian_cookie)
    assert replay.get("/family/").status_code == 302  # the guardian's session is gone


def test_accepting_an_invite_ends_the_browsers_other_session(app):
    family = start_family(app)
    outsider = Auth(app.test_client())
    outsider.signup(email="eve@example.org", name="Eve", family="The Outsiders")
    old_cookie = outsider.client.get_cookie("__Host-session").value
    path = _invite_path(family.guardian)
    joined = outsider.client.submit(
        path,
        data={"name": "Eve", "email": "eve.b@example.org", "password": PASSWORD,
              "confirm": PASSWORD},
    )  # fmt: skip
    assert joined.status_code == 302
    with app.app_context():
        eves = db.session.execute(
            sa.select(LoginSession.guardian_id).where(LoginSession.family_id != 1)
        ).all()
    assert eves == []  # the outsider family's session ended
    replay = app.test_client()
    replay.set_cookie("__Host-session", old_cookie)
    assert replay.get("/family/").status_code == 302


def test_joining_is_told_to_every_guardian_and_shown_to_the_child(app, clock):
    family = start_family(app)
    add_second_guardian(app, family.guardian)
    assert "Grace (grace@example.org) joined the family as a guardian" in " ".join(
        notes_for(app, "Ada")
    )
    assert "join_family" in audit_actions(app)
    page = text(family.tablet.get("/me/"))
    assert "Ada, since 2 Mar 2026" in page and "Grace, since 2 Mar 2026" in page


def test_i_agree_binds_to_the_schedule_the_child_was_shown(app, clock):
    """Security target 24."""
    family = start_family(app)
    guardian, tablet, track = family.guardian, family.tablet, family.track_id
    guardian.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "Ready."},
    )
    guardian.submit(f"/family/tracks/{track}/schedule", data=weekly_schedule(date(2026, 3, 9)))
    shown = text(tablet.get(f"/me/tracks/{track}"))
    terms = shown.split('name="terms" value="')[1].split('"')[0]
    # Meanwhile the guardian proposes something else: every two weeks.
    guardian.submit(
        f"/family/tracks/{track}/schedule",
        data=weekly_schedule(date(2026, 3, 9), frequency="fortnightly"),
    )
    late = tablet.submit(f"/me/tracks/{track}/agree", data={"agree": "y", "terms": terms})
    assert late.status_code == 409
    assert "Your guardian changed this since you opened the page" in text(late)
    assert "Every two weeks" in text(late)
    assert "No schedule agreed yet" in text(tablet.get(f"/me/tracks/{track}"))
    assert tap_i_agree(tablet, track).status_code == 302
    assert "Every two weeks, Mondays at 18:00" in text(tablet.get(f"/me/tracks/{track}"))


def test_i_agree_binds_to_the_arrangement_the_child_was_shown(app):
    """Security target 24."""
    family = start_family(app)
    guardian, tablet, track = family.guardian, family.tablet, family.track_id
    guardian.submit(
        f"/family/tracks/{track}/sign-off",
        data={"from_stage": "instruction", "override_reason": "Ready."},
    )
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "follow"})
    guardian.submit(f"/family/tracks/{track}/monitoring", data={"arrangement": "password_known"})
    late = tablet.submit(
        f"/me/tracks/{track}/agree-arrangement", data={"agree": "y", "terms": "follow"}
    )
    assert late.status_code == 409 and "know your password" in text(late)
    with app.app_context():
        assert db.session.get(Track, track).monitoring_child_agreed_at is None
    assert tap_i_agree(tablet, track, "agree-arrangement").status_code == 302
    with app.app_context():
        assert db.session.get(Track, track).monitoring_child_agreed_at is not None


def _open_changes(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(RuleChange.id)
                .where(RuleChange.decided_at.is_(None))
                .order_by(RuleChange.id)  # the order they were asked (PostgreSQL has none)
            )
        )


def _stage(app, track_id: int) -> str:
    with app.app_context():
        return db.session.get(Track, track_id).stage


def _join(app, inviter: Client, name: str, email: str) -> Client:
    joiner = app.test_client()
    response = joiner.submit(
        _invite_path(inviter),
        data={"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302, text(response)
    return joiner


def test_monitoring_and_check_ins_belong_to_the_permit_alone(app):
    """Before the permit there is no account to look in on; with the licence looking in has
    ended: neither an arrangement nor a schedule can be set then, and the child is never asked
    to agree to one."""
    family = start_family(app)
    guardian, track = family.guardian, family.track_id
    pages = ("monitoring", "schedule", "checkins/new")
    forms = {
        "monitoring": {"arrangement": "password_known"},
        "schedule": weekly_schedule(date(2026, 3, 9)),
        "checkins/new": {"due_on": "2026-03-09", "held": "held"},
    }
    for stage in ("instruction", "licence"):
        if stage == "licence":
            for from_stage in ("instruction", "permit"):
                guardian.submit(
                    f"/family/tracks/{track}/sign-off",
                    data={"from_stage": from_stage, "override_reason": "Ready."},
                )
        for page in pages:
            url = f"/family/tracks/{track}/{page}"
            assert guardian.get(url).status_code == 409, (stage, page)
            refused = guardian.submit(url, data=forms[page])
            assert refused.status_code == 409, (stage, page)
            assert "belong to the learner&#39;s permit" in text(refused)
        with app.app_context():
            assert db.session.get(Track, track).monitoring is None
        assert "I agree" not in text(family.tablet.get(f"/me/tracks/{track}"))


def test_the_family_tablet_never_signs_anyone_up_or_in_by_invite(app):
    """Every session on the tablet is the tablet's (short idle limit, ended with it)."""
    family = start_family(app)
    path = _invite_path(family.guardian)
    tablet = family.tablet
    tablet.submit("/logout")
    joining = {"name": "Kit", "email": "kit@example.org", "password": PASSWORD,
               "confirm": PASSWORD}  # fmt: skip
    for url, data in ((path, joining), ("/signup", {**joining, "family_name": "The Kits"})):
        response = tablet.submit(url, data=data)
        assert response.status_code == 302 and response.headers["Location"] == "/who"
        assert "use your own device" in text(tablet.get("/who"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 1
        emails = set(db.session.scalars(sa.select(Guardian.email)))
    assert "kit@example.org" not in emails


JOINING = {"password": PASSWORD, "confirm": PASSWORD}


def test_invite_links_made_before_two_keys_wait_too(app):
    """However the family comes to need two keys (the rule switched on with two guardians,
    or a second guardian joining while it is on), older unused links wait for approval."""
    for order in ("rule after the join", "rule before the join"):
        with app.app_context():
            db.session.execute(sa.delete(Family))
            db.session.commit()
        family = start_family(app)
        ada = family.guardian
        first, spare = _invite_path(ada), _invite_path(ada)
        if order == "rule before the join":
            ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
        grace = app.test_client()
        joined = grace.submit(first, data={**JOINING, "name": "Grace", "email": "g@example.org"})
        assert joined.status_code == 302, order
        if order == "rule after the join":
            ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
        late = app.test_client().submit(
            spare, data={**JOINING, "name": "Ada 2", "email": "ada.2@example.org"}
        )
        assert late.status_code == 403 and "waits for another guardian" in text(late), order
        told = " ".join(notes_for(app, "Ada") + notes_for(app, "Grace"))
        assert "the unused invite link made before" in told, order


def test_a_held_birth_date_is_not_applied_once_the_date_moved_on(app):
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    url = f"/family/children/{family.child_id}/birth-date"
    ada.submit(url, data={"birth_year": "2007", "birth_month": "1", "reason": "Typo."})  # held
    younger = ada.submit(url, data={"birth_year": "2013", "birth_month": "3", "reason": "Really."})
    assert younger.status_code == 302  # younger only tightens: at once
    assert "Born March 2013" in text(ada.get(f"/family/children/{family.child_id}/edit"))
    (change_id,) = _open_changes(app)
    response = grace.submit(f"/family/settings/changes/{change_id}/approve")
    assert response.status_code == 409 and "was not applied" in text(response)
    assert _stage(app, family.track_id) == "instruction"


def test_under_two_keys_any_correction_that_makes_a_child_older_waits(app):
    """Not only to 18: a child made older is supervised for less time."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    url = f"/family/children/{family.child_id}/birth-date"
    held = ada.submit(url, data={"birth_year": "2008", "birth_month": "12", "reason": "Typo."})
    assert held.status_code == 302
    assert "Born May 2012" in text(ada.get(f"/family/children/{family.child_id}/edit"))
    page = text(grace.get("/family/settings"))
    assert "which brings the end of supervision at 18 closer" in page


def test_a_new_profile_is_a_child_under_18(app, clock):
    """Deleting a child and adding them again as an adult would end supervision at a stroke."""
    family = start_family(app)
    adult = {"display_name": "Oli", "avatar": "fox", "colour": "sky", "birth_year": "2007",
             "birth_month": "5"}  # fmt: skip
    refused = family.guardian.submit("/family/children/new", data=adult)
    assert refused.status_code == 200
    assert "This app is for children under 18" in text(refused)
    assert (
        family.guardian.submit(
            "/family/children/new", data={**adult, "birth_year": "2008"}
        ).status_code
        == 302
    )  # 17


def test_a_held_birth_date_of_a_deleted_child_is_not_applied(app):
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    url = f"/family/children/{family.child_id}/birth-date"
    ada.submit(url, data={"birth_year": "2007", "birth_month": "1", "reason": "Typo."})
    ada.submit(f"/family/children/{family.child_id}/delete", data={"name": "Mo"})
    birth, removal = _open_changes(app)
    assert grace.submit(f"/family/settings/changes/{removal}/approve").status_code == 302
    assert grace.submit(f"/family/settings/changes/{birth}/approve").status_code == 409


def test_under_two_keys_removing_a_child_waits(app):
    """Removed and added again, a child could come back older: that takes both keys too."""
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    held = ada.submit(
        f"/family/children/{family.child_id}/delete", data={"name": "Mo"}, follow_redirects=True
    )
    assert "waits for another guardian" in text(held)
    with app.app_context():
        assert db.session.get(Child, family.child_id) is not None
    (change_id,) = _open_changes(app)
    assert "remove Mo&#39;s profile and everything in it" in text(grace.get("/family/settings"))
    assert grace.submit(f"/family/settings/changes/{change_id}/approve").status_code == 302
    with app.app_context():
        assert db.session.get(Child, family.child_id) is None


def test_a_guardian_who_joined_later_sees_why_they_cannot_approve(app):
    family = start_family(app)
    ada, grace = family.guardian, add_second_guardian(app, family.guardian)
    ada.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    ada.submit("/family/settings", data=SETTINGS)  # held
    path = _invite_path(ada)
    (invite_change,) = [c for c in _open_changes(app)][1:]
    grace.submit(f"/family/settings/changes/{invite_change}/approve")
    late = app.test_client()
    late.submit(path, data={**JOINING, "name": "Hal", "email": "hal@example.org"})
    page = text(late.get("/family/settings"))
    assert "Only a guardian who was in the family when this was asked" in page
    assert "Approve the change" not in page


def test_the_password_page_never_writes_a_pin_or_password_back(app, clock):
    """A stale session setting a PIN gets the password page; the new PIN is not on it."""
    family = start_family(app)
    clock.advance(minutes=6)
    url = f"/family/children/{family.child_id}/pin"
    stale = family.guardian.submit(url, data={"pin": "5937", "confirm": "5937"})
    assert stale.status_code == 401 and "5937" not in text(stale)


def test_a_refused_post_with_a_token_in_its_path_is_audited_without_it(app):
    family = start_family(app)
    token = _invite_path(family.guardian).rsplit("/", 1)[1]
    assert family.tablet.submit(f"/invite/{token}", data={}).status_code == 403
    with app.app_context():
        subjects = " ".join(filter(None, db.session.scalars(sa.select(AuditEvent.subject))))
    assert "/invite/[hidden]" in subjects and token not in subjects


def test_a_nul_in_any_value_of_a_field_is_refused(app):
    family = start_family(app)
    response = family.guardian.submit(
        f"/family/tracks/{family.track_id}/checklist/new", data={"label": ["fine", "bad\x00"]}
    )
    assert response.status_code == 400
