"""Random journeys through the stage engine (security target 5).

A Hypothesis state machine adds tracks, ticks checklists, lets the child ask, signs off
(with or without an override), declines, steps back, switches who holds the tablet, asks
for both guardians' signatures (and stops asking, which the other guardian approves) and
moves the clock. After every step: the stage never
skipped, every transition was signed by a guardian of the family, and replaying the
history gives the stage the database holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from supervisor.extensions import db
from supervisor.models import Guardian, Track, TrackEvent
from supervisor.stages import STAGES, engine
from supervisor.stages.base import StageKey
from supervisor.stages.events import EventKind
from tests.conftest import (
    PASSWORD,
    Auth,
    FakeClock,
    add_child,
    emptied,
    pass_all_lessons,
)
from tests.test_tracks import add_second_guardian

ORDER = list(StageKey)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PIN = "4826"


class TrackMachine(RuleBasedStateMachine):
    shared_app: Flask
    clock: FakeClock
    moves_seen = 0  # across all examples, to prove the journeys really moved stages

    tracks = Bundle("tracks")

    @initialize(target=tracks)
    def family(self) -> int:
        """A family with two guardians, a child, a tablet, and one track already signed off."""
        # Every example starts on the same day: otherwise the days passed in earlier examples
        # add up until the child turns 18 and supervision ends by law, which this model skips.
        self.clock.current = START
        self.app = emptied(self.shared_app)
        self.guardian = Auth(self.app.test_client())
        self.guardian.signup()
        self.child_id = add_child(self.guardian.client, "Mo", PIN, birth_year=2012)
        pass_all_lessons(self.app, self.child_id)  # instruction then hangs on the checklist
        self.second = add_second_guardian(self.app, self.guardian.client)
        self.tablet = Auth(self.app.test_client())
        self.tablet.login()
        self.tablet.client.submit("/family/devices/", data={"name": "Tablet"})
        self.tablet_role = "nobody"
        self.both = False
        # model: track id -> stage, entered_at, stages fully ticked, requested, signers
        self.model: dict[int, dict] = {}
        track_id = self.add_track("instagram")
        self.sign(self.guardian.client, track_id, "first", override=True)
        return track_id

    # --- helpers ------------------------------------------------------------------------

    def ready(self, track: dict) -> bool:
        """Instruction is ready once ticked (lessons are passed at the start); the permit
        needs check-ins, which these journeys never hold, so it is never ready."""
        return track["stage"] is StageKey.INSTRUCTION and StageKey.INSTRUCTION in track["ticked"]

    def move(self, track: dict, to: StageKey) -> None:
        TrackMachine.moves_seen += 1
        track.update(stage=to, entered=self.clock.current, requested=False, signers=set())

    def sign(self, client, track_id: int, who: str, override: bool) -> None:
        track = self.model[track_id]
        data = {"from_stage": track["stage"].value, "reauth_password": PASSWORD}
        if override:
            data["override_reason"] = "We talked it through."
        status = client.submit(f"/family/tracks/{track_id}/sign-off", data=data).status_code
        if STAGES[track["stage"]].advances_to is None:
            assert status == 409
        elif not self.ready(track) and not override:
            assert status == 422
        else:
            assert status == 302
            track["signers"].add(who)
            if not self.both or len(track["signers"]) >= 2:
                self.move(track, STAGES[track["stage"]].advances_to)

    # --- rules --------------------------------------------------------------------------

    @rule(target=tracks, platform=st.sampled_from(["instagram", "tiktok", "youtube"]))
    def new_track(self, platform: str) -> int:
        return self.add_track(platform)

    def add_track(self, platform: str) -> int:
        response = self.guardian.client.submit(
            f"/family/children/{self.child_id}/tracks/new", data={"platform": platform}
        )
        assert response.status_code == 302
        track_id = int(response.headers["Location"].rsplit("/", 1)[1])
        self.model[track_id] = {
            "stage": StageKey.INSTRUCTION,
            "entered": self.clock.current,
            "ticked": set(),
            "requested": False,
            "signers": set(),
        }
        return track_id

    @rule(track_id=tracks)
    def tick_everything(self, track_id: int) -> None:
        client = self.guardian.client
        page = client.get(f"/family/tracks/{track_id}").get_data(as_text=True)
        for item in re.findall(r'name="item" value="([^"]+)"', page):
            client.submit(
                f"/family/tracks/{track_id}/checklist", data={"item": item, "ticked": "y"}
            )
        self.model[track_id]["ticked"].add(self.model[track_id]["stage"])

    @precondition(lambda self: self.tablet_role == "child")
    @rule(track_id=tracks)
    def child_asks(self, track_id: int) -> None:
        track = self.model[track_id]
        status = self.tablet.client.submit(
            f"/me/tracks/{track_id}/request", data={"note": "I'm ready"}
        ).status_code
        if self.ready(track) and not track["requested"]:
            assert status == 302
            track["requested"] = True
        else:
            assert status == 409

    @rule(track_id=tracks, override=st.booleans(), second=st.booleans())
    def guardian_signs_off(self, track_id: int, override: bool, second: bool) -> None:
        client = self.second if second else self.guardian.client
        self.sign(client, track_id, "second" if second else "first", override)

    @rule(track_id=tracks)
    def tablet_tries_to_sign_off(self, track_id: int) -> None:
        """Whoever holds the tablet: a child gets 403, and so does nobody at all."""
        if self.tablet_role == "guardian":
            self.sign(self.tablet.client, track_id, "first", override=True)
            return
        response = self.tablet.client.submit(
            f"/family/tracks/{track_id}/sign-off",
            data={"from_stage": self.model[track_id]["stage"].value, "override_reason": "me"},
        )
        assert response.status_code in (302, 403)  # 302: nobody signed in, sent to the picker

    @rule(track_id=tracks, offset=st.sampled_from([1, 2]))
    def stale_sign_off(self, track_id: int, offset: int) -> None:
        stage = ORDER[(ORDER.index(self.model[track_id]["stage"]) + offset) % 3]
        response = self.guardian.client.submit(
            f"/family/tracks/{track_id}/sign-off",
            data={"from_stage": stage.value, "override_reason": "x", "reauth_password": PASSWORD},
        )
        assert response.status_code == 409

    @rule(track_id=tracks)
    def decline(self, track_id: int) -> None:
        track = self.model[track_id]
        status = self.guardian.client.submit(
            f"/family/tracks/{track_id}/decline", data={"reason": "Not yet."}
        ).status_code
        assert status == (302 if track["requested"] else 409)
        track["requested"] = False

    @rule(track_id=tracks)
    def step_back(self, track_id: int) -> None:
        track = self.model[track_id]
        status = self.guardian.client.submit(
            f"/family/tracks/{track_id}/step-back",
            data={
                "from_stage": track["stage"].value,
                "reason": "A mistake to learn from.",
                "reauth_password": PASSWORD,
            },
        ).status_code
        back = STAGES[track["stage"]].steps_back_to
        assert status == (409 if back is None else 302)
        if back is not None:
            self.move(track, back)

    @rule(role=st.sampled_from(["child", "guardian", "nobody"]))
    def switch_tablet(self, role: str) -> None:
        client = self.tablet.client
        client.submit("/logout")
        if role == "child":
            assert (
                client.submit(f"/who/child/{self.child_id}", data={"pin": PIN}).status_code == 302
            )
        elif role == "guardian":
            guardian_id = self.guardian_id()
            assert (
                client.submit(
                    f"/who/guardian/{guardian_id}", data={"password": PASSWORD}
                ).status_code
                == 302
            )
        self.tablet_role = role

    @rule(both=st.booleans())
    def both_guardians(self, both: bool) -> None:
        data = {"country": "GB", "timezone": "Europe/London"}
        if both:
            data["both_guardians_sign"] = "y"
        assert self.guardian.client.submit("/family/settings", data=data).status_code == 302
        if self.both and not both:
            # Switching the two-key rule off waits for the other guardian's approval.
            page = self.second.get("/family/settings").get_data(as_text=True)
            (approve,) = re.findall(r'action="(/family/settings/changes/\d+/approve)"', page)
            response = self.second.submit(approve, data={"reauth_password": PASSWORD})
            assert response.status_code == 302
        self.both = both

    @rule(days=st.integers(min_value=1, max_value=40))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)
        # Everyone's session has expired: sign back in.
        self.guardian.login()
        Auth(self.second).login(email="grace@example.org")
        self.switch_tablet(self.tablet_role)

    def guardian_id(self) -> int:
        with self.app.app_context():
            return db.session.scalars(
                sa.select(Guardian.id).where(Guardian.email == "ada@example.org")
            ).one()

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def history_explains_every_stage(self) -> None:
        if not hasattr(self, "app"):
            return
        with self.app.app_context():
            tracks = db.session.scalars(sa.select(Track)).all()
            family_guardians = set(db.session.scalars(sa.select(Guardian.id)))
            for track in tracks:
                rows = db.session.scalars(
                    sa.select(TrackEvent)
                    .where(TrackEvent.track_id == track.id)
                    .order_by(TrackEvent.id)
                ).all()
                moves = [r for r in rows if r.kind in (EventKind.ADVANCE, EventKind.STEP_BACK)]
                assert all(r.guardian_id in family_guardians for r in moves)
                assert all(r.actor.startswith("guardian:") for r in moves)
                replayed = engine.replay([(r.kind, r.from_stage, r.to_stage) for r in moves])
                assert replayed is track.stage is self.model[track.id]["stage"]


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_random_journeys_keep_the_stage_honest(app, clock):
    TrackMachine.shared_app = app
    TrackMachine.clock = clock
    machine = TrackMachine.TestCase
    machine.settings = settings(
        max_examples=15,
        stateful_step_count=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine().runTest()
    assert TrackMachine.moves_seen > 15  # at least one per journey, and then some
