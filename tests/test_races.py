"""Races between real connections (security targets 4, 25 and 28): requests at the same
moment from threads, each client on its own app instance (worker) and connection, on SQLite
with WAL and on PostgreSQL. Every loser gets a plain 409 or 410, never a 500, and the
winner's change happens exactly once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from supervisor.extensions import db
from supervisor.models import Family, Guardian, Invite, RuleChange, Track, TrackEvent
from tests.conftest import PASSWORD, Client, make_app, text
from tests.races import at_once
from tests.test_corrections import guardian_id, join, two_keys
from tests.test_tracks import add_second_guardian, start_family

ROUNDS = 10
WORKERS = 3


@pytest.fixture
def workers(app: Flask) -> Iterator[list[Flask]]:
    """Three more app instances on the same database, as gunicorn workers would be (with room
    for 30 joins from one test client's address: the sign-up limit is not what is tested)."""
    others = [
        make_app(app.config["DATABASE_URL"], SIGNUP_MAX_PER_CLIENT=100) for _ in range(WORKERS)
    ]
    yield others
    for other in others:
        with other.app_context():
            db.engine.dispose()


def on(worker: Flask, client: Client) -> Client:
    """The same browser (its session cookie) talking to another worker."""
    moved = worker.test_client()
    moved.set_cookie("__Host-session", client.get_cookie("__Host-session").value)
    return moved


def test_one_invite_link_redeemed_by_thirty_requests_adds_one_guardian(app, workers):
    family = start_family(app)
    page = text(family.guardian.submit("/family/invites"))
    path = re.search(r'value="https?://[^/]+(/invite/[^"]+)"', page).group(1)
    requests = [
        (
            workers[i % WORKERS].test_client(),
            path,
            {
                "name": f"G{i}",
                "email": f"g{i}@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        for i in range(30)
    ]
    codes = at_once(requests)
    assert codes.count(302) == 1, codes
    assert set(codes) <= {302, 409, 410}, codes
    with app.app_context():
        assert len(db.session.scalars(sa.select(Guardian)).all()) == 2
        invite = db.session.scalars(sa.select(Invite)).one()
        assert invite.accepted_by_id is not None


def _both_on(app: Flask, family, workers: list[Flask]) -> tuple[Client, Client]:
    second = add_second_guardian(app, family.guardian)
    return on(workers[0], family.guardian), on(workers[1], second)


def _tracks_at(app: Flask, family, stage: str, count: int) -> list[int]:
    with app.app_context():
        first = db.session.get_one(Track, family.track_id)
        ids = []
        for _ in range(count):
            track = Track(
                family_id=first.family_id,
                child_id=first.child_id,
                platform="youtube",
                stage=stage,
                stage_entered_at=first.created_at,
            )
            db.session.add(track)
            db.session.flush()
            ids.append(track.id)
        db.session.commit()
    return ids


def _moves(app: Flask, track_id: int, kind: str) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                sa.select(TrackEvent).where(
                    TrackEvent.track_id == track_id, TrackEvent.kind == kind
                )
            ).all()
        )


def _stage(app: Flask, track_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Track, track_id).stage


@pytest.mark.parametrize(
    ("action", "data", "stage", "to", "kind"),
    [
        ("sign-off", {"from_stage": "permit", "override_reason": "race"}, "permit", "licence",
         "advance"),
        ("step-back", {"from_stage": "permit", "reason": "Shared a location."}, "permit",
         "instruction", "step_back"),
    ],
)  # fmt: skip
def test_racing_moves_give_one_move_and_a_409(app, workers, action, data, stage, to, kind):
    """Permit to licence, and permit back to instruction (both end the schedule as they
    move): the loser's version is stale, and it is told so."""
    family = start_family(app)
    ada, grace = _both_on(app, family, workers)
    outcomes = []
    for track_id in _tracks_at(app, family, stage, ROUNDS):
        url = f"/family/tracks/{track_id}/{action}"
        outcomes.append(tuple(sorted(at_once([(ada, url, data), (grace, url, data)]))))
        assert _stage(app, track_id) == to
        assert _moves(app, track_id, kind) == 1
    assert set(outcomes) == {(302, 409)}, outcomes


def test_two_required_signatures_at_once_advance_the_track_exactly_once(app, workers):
    family = start_family(app)
    ada, grace = _both_on(app, family, workers)
    with app.app_context():
        db.session.get_one(Family, 1).both_guardians_sign = True
        db.session.commit()
    for track_id in _tracks_at(app, family, "instruction", ROUNDS):
        url = f"/family/tracks/{track_id}/sign-off"
        data = {"from_stage": "instruction", "override_reason": "both of us"}
        codes = at_once([(ada, url, data), (grace, url, data)])
        assert sorted(codes) == [302, 302], codes
        assert _stage(app, track_id) == "permit"
        assert _moves(app, track_id, "advance") == 1
        assert _moves(app, track_id, "signature") == 2


def test_concurrent_edits_of_a_monitoring_arrangement_never_answer_500(app, workers):
    family = start_family(app)
    ada, grace = _both_on(app, family, workers)
    for track_id in _tracks_at(app, family, "permit", ROUNDS):
        url = f"/family/tracks/{track_id}/monitoring"
        codes = at_once(
            [(ada, url, {"arrangement": "follow"}), (grace, url, {"arrangement": "password_known"})]
        )
        assert set(codes) <= {302, 409} and 302 in codes, codes
        with app.app_context():
            assert db.session.get_one(Track, track_id).monitoring in {"follow", "password_known"}


def test_two_schedules_proposed_at_once_stay_two_plans(app, workers):
    """The child's "I agree" names one plan: two proposals at once must not share a number."""
    from datetime import date

    from supervisor.models import CheckInSchedule
    from tests.conftest import weekly_schedule

    family = start_family(app)
    ada, grace = _both_on(app, family, workers)
    for track_id in _tracks_at(app, family, "permit", ROUNDS):
        url = f"/family/tracks/{track_id}/schedule"
        codes = at_once(
            [
                (ada, url, weekly_schedule(date(2026, 3, 9))),
                (grace, url, weekly_schedule(date(2026, 3, 10), at_time="06:30")),
            ]
        )
        assert sorted(codes) == [302, 302], codes
        with app.app_context():
            rows = db.session.execute(
                sa.select(CheckInSchedule.plan, CheckInSchedule.ended_at).where(
                    CheckInSchedule.track_id == track_id
                )
            ).all()
        assert sorted(plan for plan, _ in rows) == [1, 2]
        assert [plan for plan, ended in rows if ended is None] == [2]  # the later one waits


@pytest.mark.own_app  # it adds a page
def test_a_row_deleted_by_another_request_meanwhile_is_a_409(app, second_worker):
    """Security target 28 for deletions: a row gone under a request (or a row whose parent
    went) gives the conflict page on both databases, never a 500."""
    from supervisor.models import AuditEvent, Child

    @app.get("/test/write-for-a-deleted-family")
    def write_for_a_deleted_family() -> str:
        db.session.add(AuditEvent(family_id=10**6, action="x", outcome="x"))
        db.session.commit()
        return "written"

    @app.get("/test/read-a-deleted-child")
    def read_a_deleted_child() -> str:
        child = db.session.scalars(sa.select(Child)).one()
        with second_worker.app_context():  # another worker deletes it meanwhile
            db.session.execute(sa.delete(Child).where(Child.id == child.id))
            db.session.commit()
        db.session.expire(child)
        return child.display_name

    family = start_family(app)
    response = family.guardian.get("/test/write-for-a-deleted-family")
    assert response.status_code == 409, text(response)[:500]
    assert "Someone else changed this at the same moment" in text(response)
    # PostgreSQL reads the row again and finds it gone; SQLite's read keeps its snapshot.
    response = family.guardian.get("/test/read-a-deleted-child")
    with app.app_context():
        gone_at_once = db.engine.dialect.name == "postgresql"
    assert response.status_code == (409 if gone_at_once else 200), text(response)[:500]


def current_guardians(app: Flask) -> list[str]:
    with app.app_context():
        query = sa.select(Guardian.name).where(Guardian.left_at.is_(None)).order_by(Guardian.id)
        return list(db.session.scalars(query))


def test_two_guardians_removing_each_other_at_once_leave_one(app):
    """The guardians are read after the family's lock: the second removal finds its own
    author gone and is refused, so the family always keeps a guardian."""
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    ada_id, grace_id = guardian_id(app, "Ada"), guardian_id(app, "Grace")
    codes = at_once(
        [
            (family.guardian, f"/family/guardians/{grace_id}/remove", {"confirm": "y"}),
            (grace, f"/family/guardians/{ada_id}/remove", {"confirm": "y"}),
        ]
    )
    # The loser gets a 409, or, where writers take turns (SQLite), finds its session ended
    # and is sent to sign in (302): never a 500, and one guardian stays.
    assert set(codes) <= {302, 409} and len(current_guardians(app)) == 1


def test_removing_the_other_guardian_and_leaving_at_once_keep_one(app):
    """One guardian in two tabs: remove the other, and leave. One of them must lose."""
    family = start_family(app)
    join(app, family.guardian, "Grace", "grace@example.org")
    grace_id = guardian_id(app, "Grace")
    codes = at_once(
        [
            (family.guardian, f"/family/guardians/{grace_id}/remove", {"confirm": "y"}),
            (family.guardian, "/family/guardians/leave", {"confirm": "y"}),
        ]
    )
    # The loser gets a 409, or, where writers take turns (SQLite), finds its session ended
    # and is sent to sign in (302): never a 500, and one guardian stays.
    assert set(codes) <= {302, 409} and len(current_guardians(app)) == 1


def test_approving_each_others_removal_at_once_leaves_two_keys(app):
    """Three guardians under two keys; Ada asks to remove Grace and Cy. Cy approves Grace's
    removal while Grace approves Cy's: the approver removed first cannot approve any more."""
    family = start_family(app)
    ada = family.guardian
    grace = join(app, ada, "Grace", "grace@example.org")
    cy = join(app, ada, "Cy", "cy@example.org")
    two_keys(ada)
    for name in ("Grace", "Cy"):
        url = f"/family/guardians/{guardian_id(app, name)}/remove"
        assert ada.submit(url, data={"confirm": "y"}).status_code == 302
    with app.app_context():
        for_grace, for_cy = db.session.scalars(sa.select(RuleChange.id).order_by(RuleChange.id))
    codes = at_once(
        [
            (cy, f"/family/settings/changes/{for_grace}/approve", {}),
            (grace, f"/family/settings/changes/{for_cy}/approve", {}),
        ]
    )
    assert set(codes) <= {302, 409} and len(current_guardians(app)) == 2
