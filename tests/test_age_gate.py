"""The age gate (no learner's permit below a platform's minimum age in the family's country),
the one next step per track, and a dashboard that shows each item once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from supervisor.content import ContentError, platforms
from supervisor.content.platforms import PLATFORMS
from supervisor.extensions import db
from supervisor.models import Notification, Track
from supervisor.notices import read
from supervisor.tracks.age_gate import certainly_from
from tests.conftest import PASSWORD, Auth, text
from tests.test_tracks import (
    add_second_guardian,
    events,
    sign_off,
    stage_of,
    start_family,
    tick_everything,
)


def flat(page: str) -> str:
    return " ".join(page.split()).replace("&#39;", "'")


def add_track(client, child_id: int, platform: str) -> int:
    response = client.submit(f"/family/children/{child_id}/tracks/new", data={"platform": platform})
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def primary_buttons(page: str) -> list[str]:
    """The labels of buttons and button links styled as the primary action, in page order."""
    main = page[page.index("<main") :]
    found = re.findall(r'class="button"[^>]*>(.*?)</(?:a|button)>', main, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", label).split()) for label in found]


def test_the_month_from_which_a_child_is_certainly_old_enough():
    assert certainly_from(2015, 5, 13) == date(2028, 6, 1)
    assert certainly_from(2015, 12, 13) == date(2029, 1, 1)


def test_a_ten_year_old_is_refused_a_youtube_permit_in_gb_with_the_month(app, clock):
    family = start_family(app, birth_year=2015)  # May 2015: 10 in March 2026
    track = add_track(family.guardian, family.child_id, "youtube")
    tick_everything(family.guardian, track)
    page = flat(text(family.guardian.get(f"/family/tracks/{track}")))
    why = (
        "Mo can't be signed off into the learner's permit for YouTube yet: YouTube's minimum "
        "age in the United Kingdom is 13, and Mo is 10. From June 2028 Mo is certainly 13"
    )
    sign_card = section(page, "signoff-heading")
    assert why not in page  # the reason is said once, at the top, before any password is typed
    assert page.count("The minimum age for YouTube in the United Kingdom is 13; Mo is 10.") == 1
    assert 'name="reauth_password"' not in sign_card  # ... and none is asked for
    assert "disabled>Sign off: Learner's permit (possible from June 2028)" in sign_card
    assert "Sign off: Learner's permit" not in primary_buttons(page)

    refused = sign_off(
        family.guardian, track, "instruction", override_reason="She is mature.",
        reauth_password=PASSWORD,
    )  # fmt: skip
    assert refused.status_code == 422
    assert why in flat(text(refused)) and "She is mature." in text(refused)
    assert stage_of(app, track) == "instruction"
    assert [kind for kind, _, _ in events(app, track)] == ["created"]

    own_page = flat(text(family.tablet.get(f"/me/tracks/{track}")))
    assert "From June 2028 you are old enough" in own_page  # said before the child asks ...
    assert f'action="/me/tracks/{track}/request"' not in own_page  # ... and no button to ask
    asked = family.tablet.submit(f"/me/tracks/{track}/request", data={"note": "Please!"})
    assert asked.status_code == 409
    assert "You can't have the learner's permit for YouTube yet" in flat(text(asked))
    assert "From June 2028 you are old enough" in flat(text(asked))

    with app.app_context():  # a licence stepped back would land in the permit too
        db.session.get_one(Track, track).stage = "licence"
        db.session.commit()
    back = family.guardian.submit(
        f"/family/tracks/{track}/step-back",
        data={"from_stage": "licence", "reason": "Too soon.", "reauth_password": PASSWORD},
    )
    assert back.status_code == 422 and why in flat(text(back))
    assert stage_of(app, track) == "licence"


def test_the_permit_opens_in_the_month_the_child_is_certainly_old_enough(app, clock):
    family = start_family(app, birth_year=2015)
    track = add_track(family.guardian, family.child_id, "youtube")
    tick_everything(family.guardian, track)
    clock.current = datetime(2028, 5, 31, 12, 0, tzinfo=UTC)  # maybe 13, maybe not yet
    Auth(family.guardian).login()  # two years on: a new session
    still = sign_off(family.guardian, track, "instruction", reauth_password=PASSWORD)
    assert still.status_code == 422 and "From June 2028" in flat(text(still))
    clock.current = datetime(2028, 6, 1, 9, 0, tzinfo=UTC)
    Auth(family.guardian).login()
    page = flat(text(family.guardian.get(f"/family/tracks/{track}")))
    assert "can't be signed off" not in page and "YouTube Kids" not in page
    done = sign_off(family.guardian, track, "instruction", reauth_password=PASSWORD)
    assert done.status_code == 302 and stage_of(app, track) == "permit"


def test_australia_asks_sixteen_where_the_platform_is_on_its_list(app, clock):
    family = start_family(app, birth_year=2011)  # 14 in March 2026
    family.guardian.submit(
        "/family/settings", data={"country": "AU", "timezone": "Australia/Sydney"}
    )
    tick_everything(family.guardian, family.track_id)
    refused = sign_off(family.guardian, family.track_id, "instruction")
    assert refused.status_code == 422
    assert "Instagram's minimum age in Australia is 16, and Mo is 14" in flat(text(refused))
    assert "From June 2027 Mo is certainly 16" in flat(text(refused))
    discord = add_track(family.guardian, family.child_id, "discord")  # not on the list
    tick_everything(family.guardian, discord)
    assert sign_off(family.guardian, discord, "instruction").status_code == 302
    family.guardian.submit("/family/settings", data={"country": "GB", "timezone": "Europe/London"})
    assert sign_off(family.guardian, family.track_id, "instruction").status_code == 302


def test_discord_asks_sixteen_in_germany_and_fourteen_in_italy(app, clock):
    family = start_family(app, birth_year=2011)  # May 2011: 14 in March 2026
    family.guardian.submit("/family/settings", data={"country": "DE", "timezone": "Europe/Berlin"})
    discord = add_track(family.guardian, family.child_id, "discord")
    tick_everything(family.guardian, discord)
    page = flat(text(family.guardian.get(f"/family/tracks/{discord}")))
    assert "The minimum age for Discord in Germany is 16; Mo is 14." in page
    refused = sign_off(family.guardian, discord, "instruction", reauth_password=PASSWORD)
    assert refused.status_code == 422
    assert "Discord's minimum age in Germany is 16, and Mo is 14" in flat(text(refused))
    assert "From June 2027 Mo is certainly 16" in flat(text(refused))
    assert stage_of(app, discord) == "instruction"
    family.guardian.submit("/family/settings", data={"country": "IT", "timezone": "Europe/Rome"})
    assert "minimum age" not in flat(text(family.guardian.get(f"/family/tracks/{discord}")))
    assert sign_off(family.guardian, discord, "instruction").status_code == 302


def test_a_country_note_is_shown_only_to_families_in_that_country(app, clock):
    family = start_family(app, birth_year=2011)
    youtube = add_track(family.guardian, family.child_id, "youtube")
    note = "In Australia, since 10 December 2025 YouTube signs out everyone under 16"
    blog = 'href="https://blog.google/intl/en-au/products/whats-changing-on-youtube-in-australia"'
    british = flat(text(family.guardian.get(f"/family/tracks/{youtube}")))
    assert note not in british and blog not in british
    family.guardian.submit(
        "/family/settings", data={"country": "AU", "timezone": "Australia/Sydney"}
    )
    page = flat(text(family.guardian.get(f"/family/tracks/{youtube}")))
    assert page.count(note) == 1 and "YouTube Kids is not affected." in page
    assert f'{blog} rel="noopener noreferrer">source</a>, checked 2 December 2026' in page
    instagram = flat(text(family.guardian.get(f"/family/tracks/{family.track_id}")))
    assert "requires Instagram to stop under-16s from having accounts" in instagram
    assert ">secondary source</a>" in instagram and note not in instagram
    family.guardian.submit("/family/settings", data={"country": "GB", "timezone": "Europe/London"})
    assert note not in flat(text(family.guardian.get(f"/family/tracks/{youtube}")))


def test_the_youtube_track_page_names_the_supervised_paths_for_younger_children(app, clock):
    family = start_family(app, birth_year=2015)
    track = add_track(family.guardian, family.child_id, "youtube")
    page = flat(text(family.guardian.get(f"/family/tracks/{track}")))
    paths = section(page, "younger-heading")
    assert "For children under 13, YouTube itself offers" in paths
    assert "YouTube Kids." in paths and "A supervised experience on YouTube." in paths
    assert "Explore (generally 9+)" in paths and "not a learner's permit here" in paths
    assert 'href="https://support.google.com/youtube/answer/10315824"' in paths
    family.guardian.submit(
        "/family/settings", data={"country": "AU", "timezone": "Australia/Sydney"}
    )
    paths = section(flat(text(family.guardian.get(f"/family/tracks/{track}"))), "younger-heading")
    assert "For children under 16" in paths and "YouTube Kids." in paths
    assert "supervised experience" not in paths  # signed out in Australia since December 2025
    assert 'id="younger-heading"' not in text(
        family.guardian.get(f"/family/tracks/{family.track_id}")
    )


def test_a_sign_off_that_cannot_succeed_is_not_the_primary_action(app, clock):
    family = start_family(app)  # 13: old enough for Instagram
    url = f"/family/tracks/{family.track_id}"
    page = flat(text(family.guardian.get(url)))
    assert primary_buttons(page)[0] == "Tick the guardian checklist"
    sign_card = section(page, "signoff-heading")
    assert 'class="button button-secondary">Sign off: Learner\'s permit' in sign_card
    assert (
        'Not everything is done yet: <a href="#next-heading">see what is still missing above'
        in sign_card
    )
    assert "2 checklist items to tick" not in sign_card  # said once, in the next step
    assert page.count("2 checklist items to tick") == 1
    tick_everything(family.guardian, family.track_id)
    page = flat(text(family.guardian.get(url)))
    assert primary_buttons(page) == ["Sign off: Learner's permit"]
    assert "Everything is done." in section(page, "next-heading")
    assert sign_off(family.guardian, family.track_id, "instruction").status_code == 302

    first_day = flat(text(family.guardian.get(url)))  # the permit's first day
    assert primary_buttons(first_day)[0] == "Choose how a guardian looks in"
    assert "Sign off: Licence" not in primary_buttons(first_day)
    assert 'class="button button-secondary">Sign off: Licence' in first_day
    missing = section(first_day, "next-heading")
    assert missing.index("Privacy walkthrough") < missing.index("check-ins held")
    dashboard = flat(text(family.guardian.get("/family/")))
    assert primary_buttons(dashboard)[-1].startswith("Choose how a guardian looks in")
    family.guardian.submit(f"{url}/monitoring", data={"arrangement": "show_on_request"})
    assert "“I agree” to how a guardian looks in" in flat(text(family.guardian.get(url)))


def test_the_next_lesson_is_the_childs_step_and_a_guardian_talk_follows(app, clock):
    family = start_family(app)
    with app.app_context():
        from supervisor.models import LessonDiscussion, LessonProgress

        for model in (LessonDiscussion, LessonProgress):
            db.session.execute(sa.delete(model).where(model.lesson == "03-private-messages"))
        db.session.commit()
    page = flat(text(family.guardian.get(f"/family/tracks/{family.track_id}")))
    step = section(page, "next-heading")
    assert "Next for Mo, on the tablet: lesson 3," in step
    assert primary_buttons(page) == []  # the child acts first: nothing for a guardian to press


def test_the_dashboard_shows_each_item_once_and_nobody_hears_of_their_own_action(app, clock):
    family = start_family(app)
    grace = add_second_guardian(app, family.guardian)
    tick_everything(family.guardian, family.track_id)
    family.tablet.submit(f"/me/tracks/{family.track_id}/request", data={"note": "I am ready."})
    for guardian in (family.guardian, grace):
        page = text(guardian.get("/family/"))
        assert page.count("I am ready.") == 1, page
        assert flat(page).count("asks for sign-off") == 1
    response = sign_off(grace, family.track_id, "instruction", reauth_password=PASSWORD)
    assert response.status_code == 302
    ada = flat(text(family.guardian.get("/family/")))
    assert ada.count("Grace signed off Mo's Instagram") == 1  # in What's new ...
    assert "Grace signed off: Instruction" not in ada  # ... and not again in the history card
    assert ada.count("I am ready.") == 1  # the answered request, now in the history card
    assert family.guardian.submit("/family/notifications/read").status_code == 302
    ada = flat(text(family.guardian.get("/family/")))
    assert "What's new" not in ada  # read: the sign-off is back in the history card, once
    assert ada.count("Grace signed off: Instruction") == 1
    own = flat(text(grace.get("/family/")))
    assert "What's new" not in own and "Grace signed off Mo's Instagram" not in own
    assert "Grace signed off: Instruction" in own  # her own move, in the history card
    with app.test_request_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2  # join + this
        texts = [read(note) for note in db.session.scalars(sa.select(Notification))]
    assert not any("asks for sign-off" in t for t in texts)


def test_every_age_in_the_content_has_a_dated_source():
    for platform in PLATFORMS.values():
        covered = {fact for source in platform.source for fact in source.covers}
        assert set(platform.min_age_by_country) <= covered, platform.key
        assert not platform.min_age or "min_age" in covered, platform.key
        for fact in (*platform.source, *platform.younger, *platform.country_note):
            assert fact.checked == date(2026, 12, 2) and fact.url.startswith("https://")


def test_an_age_without_a_source_stops_start_up(tmp_path: Path):
    broken = tmp_path / "platforms.toml"
    broken.write_text(
        '[[platform]]\nkey = "other"\nname = "Other"\nmin_age = 13\n'
        "min_age_by_country = { AU = 16 }\n"
        '[[platform.source]]\ncovers = ["min_age"]\nurl = "https://example.org"\n'
        "checked = 2026-12-02\nofficial = true\n"
    )
    with pytest.raises(ContentError, match=r"no \[\[platform.source\]\] covers \['AU'\]"):
        platforms.load(broken)


NOTE = (
    '[[platform]]\nkey = "other"\nname = "Other"\nmin_age = 0\n'
    "[[platform.country_note]]\n{fields}\nchecked = 2026-12-02\nofficial = true\n"
)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ('countries = []\ntext = "Differs."\nurl = "https://example.org"', "needs `countries`"),
        ('countries = ["AU"]\ntext = " "\nurl = "https://example.org"', "and `text`"),
        ('countries = ["ZZ"]\ntext = "Differs."\nurl = "https://example.org"', "unknown country"),
        ('countries = ["AU"]\ntext = "Differs."\nurl = "example.org"', "full `url`"),
        ('countries = ["AU"]\ntext = "Differs."', "missing 1 required"),
    ],
)
def test_a_country_note_is_checked_like_a_source(tmp_path: Path, fields: str, problem: str):
    broken = tmp_path / "platforms.toml"
    broken.write_text(NOTE.format(fields=fields))
    with pytest.raises(ContentError, match=re.escape(problem)):
        platforms.load(broken)
