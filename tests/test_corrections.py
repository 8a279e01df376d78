"""Corrections, never erasure: the family's own checklist items and prompts, a track started
by mistake, the family's name, a guardian's own name and email, leaving and removing guardians.

Each correction is made through the pages with valid input and its effect read back on the
page; the original stays in the history; bad input gets its message.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from supervisor.extensions import db
from supervisor.models import (
    AuditEvent,
    Device,
    FamilyChecklistItem,
    FamilyPrompt,
    FamilyWordingChange,
    Guardian,
    OutboxMessage,
    RuleChange,
    Track,
    TrackEvent,
)
from tests.conftest import PASSWORD, Auth, Client, text
from tests.test_guarded_changes import SETTINGS, notes_for
from tests.test_tracks import Family, sign_off, start_family, tick_everything


def page(response) -> str:
    """The page's text, HTML entities read, with runs of white space as one space."""
    return " ".join(html.unescape(text(response)).split())


def join(app, inviter: Client, name: str, email: str) -> Client:
    """A guardian joins through an invite link made on the family page."""
    made = text(inviter.submit("/family/invites"))
    link = made.split('readonly value="')[1].split('"')[0]
    client = app.test_client()
    joined = client.submit(
        urlsplit(link).path,
        data={"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert joined.status_code == 302, text(joined)
    return client


def two_keys(client: Client) -> None:
    response = client.submit("/family/settings", data={**SETTINGS, "both_guardians_sign": "y"})
    assert response.status_code == 302


def guardian_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalars(sa.select(Guardian.id).where(Guardian.name == name)).one()


def add_item(app, family: Family, label: str) -> int:
    response = family.guardian.submit(
        f"/family/tracks/{family.track_id}/checklist/new", data={"label": label}
    )
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalars(
            sa.select(FamilyChecklistItem.id).where(FamilyChecklistItem.label == label)
        ).one()


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def signed_out(client: Client) -> bool:
    response = client.get("/family/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- the family's own checklist items and prompts --------------------------------------------


def test_rewording_a_checklist_item_keeps_its_ticks_and_the_words_before(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    item = add_item(app, family, "Phones off at dinnr")
    family.guardian.submit(
        f"/family/tracks/{family.track_id}/checklist",
        data={"item": f"family-{item}", "ticked": "y"},
    )

    empty = family.guardian.submit(f"/family/own/items/{item}", data={"label": "  "})
    assert empty.status_code == 200 and "Write the item." in page(empty)

    done = family.guardian.submit(
        f"/family/own/items/{item}", data={"label": "Phones off at dinner"}
    )
    assert done.status_code == 302
    track = page(family.guardian.get(f"/family/tracks/{family.track_id}"))
    ticked = r'aria-pressed="true"> <svg class="icon icon-square-check"[^>]*>(<path[^>]*> ?)*</svg>'
    assert re.search(ticked + " Phones off at dinner", track)
    own = page(family.guardian.get("/family/own/"))
    assert "Ticked for Mo on" in own and "as “Phones off at dinnr”" in own
    assert "Ada reworded the checklist item “Phones off at dinnr” to “Phones off at dinner”" in own
    assert "checklist_item_edit" in audit_actions(app)
    assert any(
        "“Phones off at dinnr” to “Phones off at dinner”" in n for n in notes_for(app, "Grace")
    )
    assert grace.get("/family/own/").status_code == 200
    agreed = page(family.tablet.get("/me/"))  # the rule as it was ticked, and what it says now
    assert "<li>Phones off at dinnr (since reworded: “Phones off at dinner”) <span" in agreed


def test_a_removed_checklist_item_is_no_longer_required_and_its_tick_stays(app):
    family = start_family(app)
    tick_everything(family.guardian, family.track_id)
    ticked = add_item(app, family, "Talked about screenshots")
    family.guardian.submit(
        f"/family/tracks/{family.track_id}/checklist",
        data={"item": f"family-{ticked}", "ticked": "y"},
    )
    item = add_item(app, family, "Phones off at dinner")
    before = page(family.guardian.get(f"/family/tracks/{family.track_id}"))
    assert "Phones off at dinner" in before and "1 checklist item to tick" in before

    empty = family.guardian.submit(f"/family/own/items/{item}/remove", data={"reason": ""})
    assert empty.status_code == 400 and "Say why, for the other guardians." in page(empty)

    for item_id, reason in ((item, "We agreed it elsewhere."), (ticked, "Not for us.")):
        removed = family.guardian.submit(
            f"/family/own/items/{item_id}/remove", data={"reason": reason}
        )
        assert removed.status_code == 302
    after = page(family.guardian.get(f"/family/tracks/{family.track_id}"))
    assert "Phones off at dinner" not in after and "checklist item to tick" not in after
    child = page(family.tablet.get(f"/me/tracks/{family.track_id}"))
    assert "checklist item" not in child or "to tick" not in child
    own = page(family.guardian.get("/family/own/"))
    assert "Removed: no track needs these any more" in own
    assert "Ada removed the checklist item “Phones off at dinner”: “We agreed it elsewhere.”" in own
    assert "Ticked before for Mo on" in own and "the tick stays in the history" in own
    assert family.guardian.get(f"/family/own/items/{item}").status_code == 404
    with app.app_context():  # kept, not erased
        rows = db.session.scalars(sa.select(FamilyChecklistItem)).all()
        assert all(r.removed_at is not None for r in rows) and len(rows) == 2
        assert db.session.scalar(sa.select(sa.func.count(FamilyWordingChange.id))) == 2
    assert audit_actions(app).count("checklist_item_remove") == 2


def test_under_two_keys_removing_a_checklist_item_waits_and_rewording_does_not(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    item = add_item(app, family, "Phones off at dinner")
    two_keys(family.guardian)

    asked = family.guardian.submit(
        f"/family/own/items/{item}/remove",
        data={"reason": "We do it anyway."},
        follow_redirects=True,
    )
    assert "waits for another guardian's approval" in page(asked)
    assert "Phones off at dinner" in page(family.guardian.get(f"/family/tracks/{family.track_id}"))
    assert "removing it waits for another guardian's approval" in page(
        family.guardian.get("/family/own/")
    )
    reworded = family.guardian.submit(
        f"/family/own/items/{item}", data={"label": "Phones away at dinner"}
    )
    assert reworded.status_code == 302  # wording applies at once

    settings = page(grace.get("/family/settings"))
    assert "remove “Phones off at dinner” from the family's checklist" in settings
    with app.app_context():
        change_id = db.session.scalars(sa.select(RuleChange.id)).one()
    assert (
        family.guardian.submit(f"/family/settings/changes/{change_id}/approve").status_code == 409
    )
    # Reworded since it was asked: what Grace would approve is no longer what was asked.
    assert grace.submit(f"/family/settings/changes/{change_id}/approve").status_code == 409

    family.guardian.submit(f"/family/own/items/{item}/remove", data={"reason": "Still."})
    with app.app_context():
        change_id = db.session.scalars(
            sa.select(RuleChange.id).where(RuleChange.decided_at.is_(None))
        ).one()
    approved = grace.submit(f"/family/settings/changes/{change_id}/approve")
    assert approved.status_code == 302
    track = page(family.guardian.get(f"/family/tracks/{family.track_id}"))
    assert "Phones away at dinner" not in track
    assert "Ada removed the checklist item “Phones away at dinner”: “Still.”" in page(
        family.guardian.get("/family/own/")
    )


def test_a_familys_prompt_can_be_reworded_and_removed(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    family.guardian.submit(
        "/family/prompts",
        data={"text": "Who sees yuor stories?", "stage": "instruction", "topic": "time"},
    )
    with app.app_context():
        prompt = db.session.scalars(sa.select(FamilyPrompt.id)).one()

    empty = family.guardian.submit(f"/family/own/prompts/{prompt}", data={"text": ""})
    assert empty.status_code == 200 and "Write the question." in page(empty)
    assert (
        family.guardian.submit(
            f"/family/own/prompts/{prompt}", data={"text": "Who sees your stories?"}
        ).status_code
        == 302
    )
    bank = page(family.guardian.get("/family/prompts"))
    assert "Who sees your stories?" in bank and "yuor" not in bank
    assert any(
        "“Who sees yuor stories?” to “Who sees your stories?”" in n for n in notes_for(app, "Grace")
    )

    no_reason = family.guardian.submit(f"/family/own/prompts/{prompt}/remove", data={})
    assert no_reason.status_code == 400 and "Say why" in page(no_reason)
    removed = grace.submit(f"/family/own/prompts/{prompt}/remove", data={"reason": "Done with it."})
    assert removed.status_code == 302
    assert "Who sees your stories?" not in page(family.guardian.get("/family/prompts"))
    own = page(family.guardian.get("/family/own/"))
    assert "Removed from the bank" in own and "“Who sees your stories?”" in own
    assert "Grace removed the prompt “Who sees your stories?”: “Done with it.”" in own
    assert "Ada reworded the prompt “Who sees yuor stories?”" in own
    assert {"prompt_edit", "prompt_remove"} <= set(audit_actions(app))


# --- a track started by mistake --------------------------------------------------------------


def test_a_track_in_instruction_is_removed_and_its_history_kept(app):
    family = start_family(app)
    join(app, family.guardian, "Grace", "grace@example.org")
    url = f"/family/tracks/{family.track_id}"
    assert "Started by mistake?" in page(family.guardian.get(url))

    empty = family.guardian.submit(f"{url}/remove", data={"reason": ""})
    assert empty.status_code == 400 and "Say why, for the other guardians." in page(empty)

    removed = family.guardian.submit(
        f"{url}/remove", data={"reason": "Mo meant YouTube."}, follow_redirects=True
    )
    home = page(removed)
    assert "Instagram track is removed" in home
    assert "Instagram: removed" in home and "why, and its history" in home
    shown = page(family.guardian.get(url))
    assert "(removed)" in shown and "“Mo meant YouTube.”" in shown
    assert (
        "Ada started this track" in shown and "Ada removed this track, started by mistake" in shown
    )
    assert "Instagram" not in page(family.tablet.get("/me/"))
    assert family.tablet.get(f"/me/tracks/{family.track_id}").status_code == 404
    assert family.guardian.submit(f"{url}/checklist", data={"item": "x"}).status_code == 404
    assert (
        family.guardian.submit(f"{url}/sign-off", data={"from_stage": "instruction"}).status_code
        == 404
    )
    assert any("removed Mo's Instagram track" in n for n in notes_for(app, "Grace"))
    with app.app_context():
        track = db.session.get_one(Track, family.track_id)
        assert track.removed_reason == "Mo meant YouTube." and track.removed_at is not None
        kinds = db.session.scalars(
            sa.select(TrackEvent.kind).where(TrackEvent.track_id == track.id)
        ).all()
        assert kinds == ["created", "removed"]


def test_a_track_past_instruction_cannot_be_removed(app):
    family = start_family(app)
    with app.app_context():
        db.session.get_one(Track, family.track_id).stage = "permit"
        db.session.commit()
    url = f"/family/tracks/{family.track_id}"
    assert "Started by mistake?" not in page(family.guardian.get(url))
    refused = family.guardian.submit(f"{url}/remove", data={"reason": "Oops."})
    assert refused.status_code == 409
    assert "Only a track still in instruction can be removed" in page(refused)
    with app.app_context():
        assert db.session.get_one(Track, family.track_id).removed_at is None


# --- the family's name, a guardian's own name and email -------------------------------------


def test_the_family_is_renamed_and_the_others_told(app):
    family = start_family(app)
    join(app, family.guardian, "Grace", "grace@example.org")
    empty = family.guardian.submit("/family/settings/name", data={"name": ""})
    assert empty.status_code == 400 and "Give your family a name" in page(empty)
    assert (
        family.guardian.submit("/family/settings/name", data={"name": "The Byrons"}).status_code
        == 302
    )
    assert "<h1>The Byrons</h1>" in page(family.guardian.get("/family/"))
    assert "Ada renamed the family from “The Lovelaces” to “The Byrons”." in notes_for(app, "Grace")


def test_a_guardian_changes_their_name_and_email(app):
    family = start_family(app)
    join(app, family.guardian, "Grace", "grace@example.org")
    taken = family.guardian.submit(
        "/account/details", data={"name": "Ada Byron", "email": "Grace@example.org"}
    )
    assert taken.status_code == 400
    assert "Another account already signs in with this email" in page(taken)
    assert 'value="Ada Byron"' in page(taken)  # what was typed stays
    bad = family.guardian.submit("/account/details", data={"name": "", "email": "not-an-email"})
    assert "Tell us your name." in page(bad) and "doesn't look like an email address" in page(bad)

    changed = family.guardian.submit(
        "/account/details",
        data={"name": "Ada Byron", "email": " Ada.Byron@Example.org "},
        follow_redirects=True,
    )
    # The name changes at once; the sign-in address only once the new address confirms.
    assert "Signed in as <strong>Ada Byron</strong> (ada@example.org)" in page(changed)
    assert "Waiting for you to confirm ada.byron@example.org" in page(changed)
    assert (
        "Ada changed their name from Ada to Ada Byron and asked to move their sign-in email "
        "from ada@example.org to ada.byron@example.org (it changes once that address "
        "confirms)." in notes_for(app, "Grace")
    )
    assert "Ada Byron, since" in page(family.tablet.get("/me/"))
    assert "Ada Byron started this track" in page(
        family.guardian.get(f"/family/tracks/{family.track_id}")
    )
    assert Auth(app.test_client()).login().status_code == 302  # the old address still signs in
    with app.app_context():
        body = db.session.scalars(
            sa.select(OutboxMessage.text_body).where(
                OutboxMessage.kind == "confirm_new_address",
                OutboxMessage.to_address == "ada.byron@example.org",
            )
        ).one()
    link = re.search(r"https?://\S+/account/confirm/\S+", body)
    assert link is not None
    confirmed = app.test_client().submit(urlsplit(link.group()).path, data={})
    assert confirmed.status_code == 302
    assert (
        "Ada Byron changed their sign-in email from ada@example.org to ada.byron@example.org."
        in notes_for(app, "Grace")
    )
    old, new = Auth(app.test_client()), Auth(app.test_client())
    assert "don't match an account" in page(old.login())
    assert new.login("ada.byron@example.org").status_code == 302


# --- leaving and removing guardians ----------------------------------------------------------


def test_the_last_guardian_cannot_leave(app):
    family = start_family(app)
    assert "you cannot leave it" in page(family.guardian.get("/family/guardians/"))
    refused = family.guardian.submit("/family/guardians/leave", data={"confirm": "y"})
    assert refused.status_code == 409 and "only guardian" in page(refused)
    assert not signed_out(family.guardian)


def test_a_guardian_who_leaves_is_signed_out_and_keeps_their_name_in_the_history(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    unticked = grace.submit("/family/guardians/leave", data={})
    assert unticked.status_code == 400 and "Tick the box to confirm that you want to leave" in page(
        unticked
    )
    on_phone = Auth(app.test_client())
    on_phone.login("grace@example.org")
    added = grace.submit(
        f"/family/children/{family.child_id}/tracks/new", data={"platform": "youtube"}
    )
    youtube = int(added.headers["Location"].rsplit("/", 1)[1])

    left = grace.submit("/family/guardians/leave", data={"confirm": "y"}, follow_redirects=True)
    assert "You have left The Lovelaces" in page(left)
    assert signed_out(grace) and signed_out(on_phone.client)
    assert "don" in text(Auth(app.test_client()).login("grace@example.org"))  # no longer signs in
    assert "Grace left the family" in " ".join(notes_for(app, "Ada"))
    guardians = page(family.guardian.get("/family/guardians/"))
    assert "Former guardians" in guardians and "Grace: left on" in guardians
    assert "Grace started this track" in page(family.guardian.get(f"/family/tracks/{youtube}"))
    assert "Grace" not in page(family.tablet.get("/me/")).split("What your guardians can see")[1]
    assert "guardian_leave" in audit_actions(app)
    again = Auth(app.test_client())  # the address is free for a new account
    assert again.signup("grace@example.org", "Grace", "The Hoppers").status_code == 302


def test_the_boxes_that_confirm_leaving_and_removing_are_marked_required(app):
    """Both are refused unticked, so the page says both must be ticked."""
    family = start_family(app)
    join(app, family.guardian, "Grace", "grace@example.org")
    guardians = text(family.guardian.get("/family/guardians/"))
    boxes = re.findall(r'<input[^>]*\bname="confirm"[^>]*>', guardians)
    assert len(boxes) == 2 and all(" required" in box for box in boxes), boxes


def test_a_guardian_removes_another_whose_sessions_and_links_end(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    made = text(grace.submit("/family/invites"))
    link = urlsplit(made.split('readonly value="')[1].split('"')[0]).path
    grace_id, ada_id = guardian_id(app, "Grace"), guardian_id(app, "Ada")

    unticked = family.guardian.submit(f"/family/guardians/{grace_id}/remove", data={})
    assert unticked.status_code == 400 and "Tick the box to confirm the removal." in page(unticked)
    myself = family.guardian.submit(f"/family/guardians/{ada_id}/remove", data={"confirm": "y"})
    assert myself.status_code == 409 and "You cannot remove yourself here" in page(myself)

    removed = family.guardian.submit(
        f"/family/guardians/{grace_id}/remove", data={"confirm": "y"}, follow_redirects=True
    )
    assert "Grace is no longer a guardian of The Lovelaces." in page(removed)
    assert "Grace: removed by Ada on" in page(removed)
    assert signed_out(grace)
    assert Auth(app.test_client()).login("grace@example.org").status_code == 200  # refused
    assert app.test_client().get(link).status_code == 410  # her unused invite link ended
    assert "guardian_remove" in audit_actions(app)
    again = family.guardian.submit(f"/family/guardians/{grace_id}/remove", data={"confirm": "y"})
    assert again.status_code == 409 and "no longer a guardian" in page(again)


def test_the_tablets_a_removed_guardian_set_up_stop_working_and_the_others_are_told(app):
    """A guardian's own phone marked as the family tablet would still open the picker and,
    with a PIN, a child's profile: it ends with their membership."""
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    join(app, family.guardian, "Cy", "cy@example.org")
    assert grace.submit("/family/devices/", data={"name": "Grace's phone"}).status_code == 302
    assert "Mo" in text(grace.get("/who"))  # the picker, on her phone
    grace_id = guardian_id(app, "Grace")
    removed = family.guardian.submit(f"/family/guardians/{grace_id}/remove", data={"confirm": "y"})
    assert removed.status_code == 302
    assert "Mo" not in text(grace.get("/who", follow_redirects=True))
    unlocked = grace.submit(f"/who/child/{family.child_id}", data={"pin": "4826"})
    assert unlocked.status_code != 302 and grace.get("/me/").status_code != 200
    told = " ".join(notes_for(app, "Cy"))
    assert "“Grace's phone” no longer works as the family tablet: Grace set it up." in told
    with app.app_context():
        assert db.session.scalars(sa.select(Device.name)).all() == ["Tablet"]


def test_a_track_once_signed_off_cannot_be_removed_after_a_step_back(app):
    family = start_family(app)
    guardian, track = family.guardian, family.track_id
    assert sign_off(guardian, track, "instruction", override_reason="ready").status_code == 302
    back = guardian.submit(
        f"/family/tracks/{track}/step-back", data={"from_stage": "permit", "reason": "too soon"}
    )
    assert back.status_code == 302
    refused = guardian.submit(f"/family/tracks/{track}/remove", data={"reason": "by mistake"})
    assert refused.status_code == 409
    assert "was signed off or stepped back before" in page(refused)
    with app.app_context():
        assert db.session.get_one(Track, track).removed_at is None


def test_under_two_keys_a_guardians_removal_waits_for_a_third_guardian(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    cy = join(app, family.guardian, "Cy", "cy@example.org")
    two_keys(family.guardian)
    grace_id = guardian_id(app, "Grace")

    asked = family.guardian.submit(
        f"/family/guardians/{grace_id}/remove", data={"confirm": "y"}, follow_redirects=True
    )
    assert "Removing Grace waits for another guardian's approval" in page(asked)
    assert not signed_out(grace)
    with app.app_context():
        change_id = db.session.scalars(sa.select(RuleChange.id)).one()
    own = page(grace.get("/family/settings"))
    assert "remove Grace as a guardian of the family" in own
    assert "Your own removal is for another guardian to approve or refuse." in own
    assert grace.submit(f"/family/settings/changes/{change_id}/approve").status_code == 409
    assert grace.submit(f"/family/settings/changes/{change_id}/drop").status_code == 409
    assert (
        family.guardian.submit(f"/family/settings/changes/{change_id}/approve").status_code == 409
    )

    assert cy.submit(f"/family/settings/changes/{change_id}/approve").status_code == 302
    assert signed_out(grace)
    assert "Grace: removed by Ada on" in page(family.guardian.get("/family/guardians/"))
    assert "Cy approved the request to remove Grace" in " ".join(notes_for(app, "Ada"))


def test_under_two_keys_with_two_guardians_a_removal_is_refused_and_says_what_works(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    two_keys(family.guardian)
    explained = page(family.guardian.get("/family/guardians/"))
    assert "the only other guardian is Grace" in explained
    refused = family.guardian.submit(
        f"/family/guardians/{guardian_id(app, 'Grace')}/remove", data={"confirm": "y"}
    )
    assert refused.status_code == 409
    assert "Grace can leave the family themselves" in page(refused)
    assert not signed_out(grace)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RuleChange.id))) == 0
    # Leaving gives up one's own key only: it does not wait.
    assert grace.submit("/family/guardians/leave", data={"confirm": "y"}).status_code == 302
    assert signed_out(grace)


def test_a_removed_guardians_old_signature_is_no_second_key(app):
    family = start_family(app)
    grace = join(app, family.guardian, "Grace", "grace@example.org")
    join(app, family.guardian, "Cy", "cy@example.org")
    two_keys(family.guardian)
    tick_everything(family.guardian, family.track_id)
    signed = grace.submit(
        f"/family/tracks/{family.track_id}/sign-off", data={"from_stage": "instruction"}
    )
    assert signed.status_code == 302
    grace.submit("/family/guardians/leave", data={"confirm": "y"})
    family.guardian.submit(
        f"/family/tracks/{family.track_id}/sign-off", data={"from_stage": "instruction"}
    )
    with app.app_context():
        assert db.session.get_one(Track, family.track_id).stage == "instruction"
    history = page(family.guardian.get(f"/family/tracks/{family.track_id}"))
    assert "Grace signed for Learner's permit and waited for a second guardian" in history
