"""Three writes a real family makes, measured against the bench's own gunicorn server.

A PIN unlock on the family tablet, a check-in saved by a guardian, and a sign-off (a track
moved forward, then back, with the guardian's password typed each time). Each goes the way
the pages do: GET the form, read its CSRF token and what it offers, POST it. Only the POST
is timed; wrk cannot do this (every POST needs the token of the page before it), so a
thread per user does it with the bench's own small HTTP client.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from flask import Flask

from bench.browser import CSRF_META, DEVICE_COOKIE, Browser, Response
from bench.dataset import PASSWORD, PIN, device_token
from bench.forms import form_with
from bench.inprocess import SqlMeter, make_app, metered
from bench.pages import Session
from supervisor.content.platforms import PLATFORMS
from supervisor.extensions import db
from supervisor.models import (
    CheckIn,
    CheckInSchedule,
    Child,
    Family,
    LoginSession,
    Track,
    TrackEvent,
)
from supervisor.stages.ages import ADULT, age_now

SIGN_OFF_EVERY = 3  # one family in three moves a track; the others save check-ins
INPROCESS_POSTS = 5  # POSTs per write replayed in-process to count their statements
NOTE = "We talked about who can see her posts, and what to do with a message from a stranger."
STEP_BACK = "Let's go back over the check-ins together for a while."
EARLY = "We've talked it all through at home."

MakeBrowser = Callable[[dict[str, str]], Browser]


@dataclass(frozen=True)
class Sample:
    seconds: float  # the POST alone
    ok: bool  # answered as a working write is
    status: int  # of the POST, or of the form's page when that failed
    statements: int | None = None  # counted in-process only
    where: str = ""  # where an answer that was not the expected one redirected to

    @property
    def answer(self) -> str:
        """``302 /login``, ``409``: what an unexpected answer was, to say in the report."""
        return f"{self.status} {self.where}".strip()


class Job(Protocol):
    """One family's (or one tablet's) write, done once per call; ``None`` when none is left."""

    def once(self) -> Sample | None: ...


def _timed_post(browser: Browser, path: str, form: dict[str, str]) -> tuple[Response, float]:
    started = time.perf_counter()
    answer = browser.post(path, form)
    return answer, time.perf_counter() - started


def _where(answer: Response, ok: bool) -> str:
    return "" if ok else answer.location.split("?", 1)[0]


def _statements(browser: Browser) -> int | None:
    return browser.statements if isinstance(browser, InProcessBrowser) else None


@dataclass
class Unlock:
    """The family tablet: a child taps their name and types their PIN."""

    make: MakeBrowser
    family_id: int
    child_id: int
    cookie: str = ""  # the child's session after the last unlock that worked

    def once(self) -> Sample:
        browser = self.make({DEVICE_COOKIE: device_token(self.family_id)})
        path = f"/who/child/{self.child_id}"
        page = browser.get(path)
        token = CSRF_META.search(page.body)
        if page.status != 200 or token is None:
            return Sample(0.0, False, page.status)
        answer, took = _timed_post(browser, path, {"pin": PIN, "csrf_token": token.group(1)})
        ok = answer.status == 302 and answer.location.endswith("/me/")
        if ok:
            self.cookie = browser.cookie_header()
        return Sample(took, ok, answer.status, _statements(browser), _where(answer, ok))


@dataclass
class CheckIns:
    """A guardian records the check-ins whose day has come, track after track."""

    browser: Browser
    tracks: list[int]

    def once(self) -> Sample | None:
        while self.tracks:
            track = self.tracks[0]
            path = f"/family/tracks/{track}/checkins/new"
            page = self.browser.get(path)
            form = form_with(page.body, field_name="due_on")
            if page.status != 200:
                self.tracks.pop(0)
                return Sample(0.0, False, page.status)
            if form is None or not form.choices.get("due_on"):
                self.tracks.pop(0)  # every check-in of this track is recorded
                continue
            data = {**form.values, "due_on": form.choices["due_on"][0], "held": "held"}
            for ticked in ("prompts", "moments"):  # a prompt used, a moment talked through
                if form.choices.get(ticked):
                    data[ticked] = form.choices[ticked][0]
            data.update(shared_notes=NOTE, private_notes="")
            answer, took = _timed_post(self.browser, path, data)
            ok = answer.status == 302 and answer.location.endswith(f"/family/tracks/{track}")
            return Sample(took, ok, answer.status, _statements(self.browser), _where(answer, ok))
        return None


@dataclass
class SignOff:
    """A guardian signs a permit off to the licence, then steps it back, and so on.

    The track page asks for the password only when the last entry is older than the step-up
    window; the bench types it every time, so every move checks an Argon2id hash.
    """

    browser: Browser
    track: int
    moves: dict[str, int] = field(default_factory=lambda: {"forward": 0, "back": 0})

    def once(self) -> Sample:
        path = f"/family/tracks/{self.track}"
        page = self.browser.get(path)
        forward = form_with(page.body, "/sign-off")
        form = forward or form_with(page.body, "/step-back")
        if page.status != 200 or form is None:
            return Sample(0.0, False, page.status)
        data = {**form.values, "reauth_password": PASSWORD}
        if forward is None:
            data["reason"] = STEP_BACK
        elif "override_reason" in form.texts:  # not everything done: the page asks why
            data["override_reason"] = EARLY
        answer, took = _timed_post(self.browser, form.action, data)
        ok = answer.status == 302 and answer.location.endswith(path)
        if ok:
            self.moves["forward" if forward else "back"] += 1
        return Sample(took, ok, answer.status, _statements(self.browser), _where(answer, ok))


# --- which families do what -----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Who writes what: every sampled child unlocks; families with a permit track on a
    check-in schedule either save check-ins or, one in three, move one such track."""

    unlocks: list[tuple[int, int]]  # (family, child)
    checkins: dict[int, list[int]]  # family -> its permit tracks with a schedule
    sign_offs: dict[int, int]  # family -> one permit track


def plan(url: str, sessions: list[Session]) -> Plan:
    families = [s.member.family_id for s in sessions]
    scheduled = sa.exists().where(
        CheckInSchedule.track_id == Track.id,
        CheckInSchedule.child_agreed_at.is_not(None),
        CheckInSchedule.ended_at.is_(None),
    )
    query = (
        sa.select(
            Track.id,
            Track.family_id,
            Family.both_guardians_sign,
            Track.platform,
            Family.country,
            Child.birth_year,
            Child.birth_month,
        )
        .join(Child, Track.child_id == Child.id)
        .join(Family, Track.family_id == Family.id)
        .where(
            Track.family_id.in_(families),
            Track.stage == "permit",
            Track.removed_at.is_(None),
            scheduled,
        )
        .order_by(Track.family_id, Track.id)
    )
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    today = datetime.now(UTC).date()
    by_family: dict[int, list[tuple[int, bool]]] = {}
    for track_id, family_id, both_sign, platform, country, year, month in rows:
        # Moving it needs one signature, the platform's minimum age for the permit (a step back
        # from the licence enters it again), and no 18th birthday moving it meanwhile.
        age = age_now(year, month, today)
        can_move = not both_sign and PLATFORMS[platform].minimum_age(country) <= age < ADULT - 1
        by_family.setdefault(family_id, []).append((track_id, can_move))
    checkins: dict[int, list[int]] = {}
    sign_offs: dict[int, int] = {}
    could = 0  # families that could move a track
    for family_id, tracks in by_family.items():
        movable = [track for track, can_move in tracks if can_move]
        could += bool(movable)
        if movable and could % SIGN_OFF_EVERY == 1:
            sign_offs[family_id] = movable[0]
        else:
            checkins[family_id] = [track for track, _ in tracks]
    unlocks = [(s.member.family_id, s.member.child_id) for s in sessions]
    return Plan(unlocks, checkins, sign_offs)


def cookies_of(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in pairs}


def jobs(the_plan: Plan, sessions: list[Session], make: MakeBrowser) -> dict[str, list[Job]]:
    """Fresh jobs for each write; the guardians' browsers start from their signed-in cookies."""
    guardian = {s.member.family_id: s.guardian_cookie for s in sessions}
    return {
        UNLOCK: [Unlock(make, f, c) for f, c in the_plan.unlocks],
        CHECKIN: [
            CheckIns(make(cookies_of(guardian[f])), list(tracks))
            for f, tracks in the_plan.checkins.items()
        ],
        SIGN_OFF: [
            SignOff(make(cookies_of(guardian[f])), t) for f, t in the_plan.sign_offs.items()
        ],
    }


UNLOCK = "PIN unlock POST /who/child/<id>"
CHECKIN = "check-in POST …/checkins/new"
SIGN_OFF = "sign-off POST …/sign-off, …/step-back"


# --- driving and measuring -------------------------------------------------------------


@dataclass
class Drive:
    samples: list[Sample] = field(default_factory=list)
    socket_errors: int = 0
    seconds: float = 0.0
    ran_out: bool = False  # every job had nothing left before the time was up


def drive(work: list[Job], seconds: float, users: int, most: int = 0) -> Drive:
    """``users`` threads, each taking the next free job, doing it once, and handing it back;
    for ``seconds``, or until ``most`` writes are done."""
    free = list(reversed(work))  # taken from the end, handed back at the start
    result, lock = Drive(), threading.Lock()
    live = [len(work)]
    deadline = time.monotonic() + seconds

    def user() -> None:
        while (
            time.monotonic() < deadline and live[0] and not (most and len(result.samples) >= most)
        ):
            with lock:
                job = free.pop() if free else None
            if job is None:  # every job is in another user's hands
                time.sleep(0.01)
                continue
            try:
                sample = job.once()
            except OSError:
                sample = Sample(0.0, False, 0)
                with lock:
                    result.socket_errors += 1
            with lock:
                if sample is None:
                    live[0] -= 1
                    continue
                if sample.status:
                    result.samples.append(sample)
                free.insert(0, job)

    started = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    result.ran_out = not live[0]
    return result


@dataclass(frozen=True)
class WriteRow:
    """One line of the writes table."""

    write: str
    posts: int
    seconds: float
    p50: float
    p95: float
    p99: float
    unexpected: int  # answers not as a working write's, and socket errors
    statuses: dict[str, int]  # of those answers, by status
    statements: float | None
    effect: str  # what the database shows afterwards
    ran_out: bool

    @property
    def rps(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    base: str, url: str, secret_key: str, sessions: list[Session], seconds: float, users: int
) -> list[WriteRow]:
    """A few of each write in-process to count their statements (first: the check-ins due
    may run out), then each for ``seconds`` against the server, checked in the database."""
    the_plan = plan(url, sessions)
    counted = statements_in_process(url, secret_key, the_plan, sessions)
    served = jobs(the_plan, sessions, lambda cookies: Browser(base, dict(cookies)))
    rows = []
    for name, work in served.items():
        before = _high_water(url)
        done = drive(work, seconds, users)
        ok = sum(s.ok for s in done.samples)
        effect = _effect(name, url, before, work, ok, base)
        times = [s.seconds * 1000 for s in done.samples if s.ok]
        statuses = Counter(s.answer for s in done.samples if not s.ok)
        if done.socket_errors:
            statuses["socket error"] = done.socket_errors
        row = WriteRow(
            write=name,
            posts=len(done.samples),
            seconds=done.seconds,
            p50=percentile(times, 0.5),
            p95=percentile(times, 0.95),
            p99=percentile(times, 0.99),
            unexpected=sum(statuses.values()),
            statuses=dict(statuses),
            statements=counted.get(name),
            effect=effect,
            ran_out=done.ran_out,
        )
        print(
            f"  {name:40} {row.rps:7.1f} POST/s  p50 {row.p50:6.1f} ms  p95 {row.p95:6.1f} ms  "
            f"(unexpected: {row.unexpected} {row.statuses or ''}; {effect})",
            flush=True,
        )
        rows.append(row)
    return rows


def _high_water(url: str) -> dict[str, int]:
    """The highest ids of the rows the writes add, to count what each added."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        ids = {
            str(model.__tablename__): connection.scalar(sa.select(sa.func.max(model.id))) or 0
            for model in (LoginSession, CheckIn, TrackEvent)
        }
    engine.dispose()
    return ids


def _effect(
    name: str, url: str, before: dict[str, int], work: list[Job], ok: int, base: str
) -> str:
    """What the writes left in the database, against what the answers said."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        if name == UNLOCK:
            added = connection.scalar(
                sa.select(sa.func.count()).where(
                    LoginSession.id > before["login_session"], LoginSession.child_id.is_not(None)
                )
            )
        elif name == CHECKIN:
            added = connection.scalar(
                sa.select(sa.func.count()).where(CheckIn.id > before["checkin"])
            )
        else:
            added = connection.scalar(
                sa.select(sa.func.count()).where(
                    TrackEvent.id > before["track_event"],
                    TrackEvent.kind.in_(["advance", "step_back"]),
                )
            )
    engine.dispose()
    said = f"{added} rows for {ok} answers" + ("" if added == ok else " (MISMATCH)")
    if name == UNLOCK:
        cookies = [j.cookie for j in work if isinstance(j, Unlock) and j.cookie][:3]
        homes = [Browser(base, cookies_of(c)).get("/me/").status for c in cookies]
        return f"{said}; /me/ with the new child sessions: {homes}"
    if name == SIGN_OFF:
        moves = [j.moves for j in work if isinstance(j, SignOff)]
        forward, back = sum(m["forward"] for m in moves), sum(m["back"] for m in moves)
        return f"{said}; {forward} forward, {back} back on {len(moves)} tracks"
    return f"{said} on {len(work)} families' tracks"


# --- statements per write, in one process ------------------------------------------------


@dataclass
class InProcessBrowser(Browser):
    """The same browser, talking to the app through Flask's test client, counting the
    statements of each POST."""

    app: Flask | None = None
    meter: SqlMeter | None = None
    statements: int | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        assert self.app is not None and self.meter is not None
        client = self.app.test_client(use_cookies=False)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        self.meter.reset()
        answer = client.open(path, method=method, data=form, headers=headers)
        if method == "POST":
            self.statements = self.meter.statements
        set_cookies = tuple(answer.headers.getlist("Set-Cookie"))
        self._keep_cookies(list(set_cookies))
        location = answer.headers.get("Location", "")
        return Response(answer.status_code, location, answer.get_data(as_text=True), set_cookies)


def statements_in_process(
    url: str, secret_key: str, the_plan: Plan, sessions: list[Session]
) -> dict[str, float]:
    """Statements per POST (not BEGIN), mean of a few of each write that worked."""
    app = make_app(url, secret_key)
    counted: dict[str, float] = {}
    with metered(app) as meter:

        def make(cookies: dict[str, str]) -> Browser:
            return InProcessBrowser("http://localhost", dict(cookies), app=app, meter=meter)

        for name, work in jobs(the_plan, sessions, make).items():
            done = drive(work, 60, 1, most=INPROCESS_POSTS)
            counts = [s.statements for s in done.samples if s.ok]
            if counts:
                counted[name] = statistics.fmean(c for c in counts if c is not None)
    with app.app_context():
        db.engine.dispose()
    return counted


def table(rows: list[WriteRow]) -> str:
    lines = [
        "| write | POST/s | p50 ms | p95 ms | p99 ms | not as expected | SQL/POST | checked |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        statements = f"{r.statements:.1f}" if r.statements is not None else "-"
        mark = f" (ran out after {r.posts})" if r.ran_out else ""
        lines.append(
            f"| {r.write}{mark} | {r.rps:.1f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | "
            f"{r.unexpected}{f' {r.statuses}' if r.statuses else ''} | {statements} | {r.effect} |"
        )
    return "\n".join(lines)
