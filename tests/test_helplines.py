"""Who can help (the child's and the guardians' pages), and the helplines file behind them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supervisor.content import ContentError
from supervisor.content.helplines import HELPLINES, load
from supervisor.content.lessons import LESSONS
from tests.conftest import Auth, Client, add_child, text
from tests.test_tracks import PIN, start_family

CHILD_LINK = '<a class="help-link" href="/me/help/">Who can help</a>'
GUARDIAN_LINK = '<a href="/family/help/">Who can help</a>'
NO_LIST = "This app has no list of helplines for"

GOOD_SERVICE = """
[[country.service]]
name = "A line"
kind = "talk"
for_child = "Talk to someone."
phone = "0800 1111"
url = "https://example.org/help/contact"
checked = 2026-12-02
official = true
"""
FALLBACK = """
[fallback]
name = "Somewhere"
for_child = "Look here."
for_parent = "Look here, guardians."
site = "https://example.org/"
url = "https://example.org/about/network"
checked = 2026-12-02
official = false
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "helplines.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    helplines = load(write(tmp_path, FALLBACK + '[[country]]\ncode = "GB"\n' + GOOD_SERVICE))
    (service,) = helplines.for_country("GB")
    assert (service.name, service.tel) == ("A line", "08001111")
    assert service.for_parent == "Talk to someone."  # the child's words, when no others
    assert helplines.for_country("JP") == ()


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (("checked = 2026-12-02\n", ""), "GB.service #1.checked", "must be a date"),
        (("checked = 2026-12-02\n", 'checked = "lately"\n'), "GB.service #1.checked", "date"),
        (("https://example.org/help/contact", "http://example.org/help/contact"), "url", "https"),
        (("https://example.org/help/contact", "https://example.org/"), "url", "bare domain"),
        (("https://example.org/help/contact", "https://example.org"), "url", "bare domain"),
        (("https://example.org/help/contact", "example.org/help"), "url", "https"),
        (('code = "GB"', 'code = "XX"'), "country #1.code", "not a known country code"),
        (('code = "GB"', 'code = "UK"'), "country #1.code", "not a known country code"),
        (('kind = "talk"', 'kind = "chat"'), "GB.service #1.kind", "must be one of"),
        (('for_child = "Talk to someone."\n', ""), "GB.service #1.for_parent", "is needed"),
        (('phone = "0800 1111"', 'phone = "0508 NETSAFE"'), "GB.service #1.phone", "digits"),
        (("official = true", 'official = "yes"'), "GB.service #1.official", "true or false"),
        (("official = true", "official = true\nsite = 1"), "GB.service #1.site", "not a field"),
    ],
)
def test_the_loader_refuses_a_broken_service(
    tmp_path: Path, change: tuple[str, str], field: str, problem: str
) -> None:
    body = '[[country]]\ncode = "GB"\n' + GOOD_SERVICE + FALLBACK  # the service's fields first
    broken = body.replace(*change, 1)
    assert broken != body
    with pytest.raises(ContentError) as refused:
        load(write(tmp_path, broken))
    message = str(refused.value)
    assert message.startswith("helplines.toml: ")
    assert field in message and problem in message


def test_the_loader_refuses_a_missing_fallback_or_country_list(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="fallback"):
        load(write(tmp_path, '[[country]]\ncode = "GB"\n' + GOOD_SERVICE))
    bare = FALLBACK.replace("/about/network", "/")
    with pytest.raises(ContentError, match=r"fallback\.url.*bare domain"):
        load(write(tmp_path, bare + '[[country]]\ncode = "GB"\n' + GOOD_SERVICE))
    with pytest.raises(ContentError, match=r"no \[\[country\]\] list"):
        load(write(tmp_path, FALLBACK))
    with pytest.raises(ContentError, match="repeats GB"):
        load(write(tmp_path, FALLBACK + ('[[country]]\ncode = "GB"\n' + GOOD_SERVICE) * 2))


def test_the_shipped_list_covers_the_countries_it_promises() -> None:
    assert {"GB", "US", "AU", "CA", "IE", "NZ", "DE", "FR", "ES", "IT", "NL"} <= set(
        HELPLINES.by_country
    )
    for services in HELPLINES.by_country.values():
        assert any(s.kind == "talk" and s.for_child for s in services)


def family_in(app, country: str, timezone: str) -> tuple[Client, Client]:
    """A guardian of a family in ``country`` and a tablet on which their child is signed in."""
    guardian = Auth(app.test_client())
    guardian.signup(country=country, timezone=timezone)
    child_id = add_child(guardian.client, "Mo", PIN)
    tablet = Auth(app.test_client())
    tablet.login()
    tablet.client.submit("/family/devices/", data={"name": "Tablet"})
    assert tablet.client.submit(f"/who/child/{child_id}", data={"pin": PIN}).status_code == 302
    return guardian.client, tablet.client


def test_a_child_in_the_uk_sees_childline_with_a_number_to_tap(app) -> None:
    family = start_family(app)
    response = family.tablet.get("/me/help/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<a class="button help-call" href="tel:08001111">Call 0800 1111</a>' in body
    page = text(response)
    assert "Childline" in page and "If something online worries you" in page
    assert "CEOP" in page and "Report Remove" in page
    assert NO_LIST not in page
    assert "Kids Helpline" not in page  # another country's line
    # A child is sent to a service's own page, never to a news story about it.
    official = [s for s in HELPLINES.for_country("GB") if s.for_child and s.official]
    assert body.count("Read about ") == len(official) > 0


def test_a_child_is_not_sent_to_a_secondary_page(app) -> None:
    _guardian, tablet = family_in(app, "NZ", "Pacific/Auckland")
    body = tablet.get("/me/help/").get_data(as_text=True)
    (youthline,) = [s for s in HELPLINES.for_country("NZ") if s.name == "Youthline"]
    assert not youthline.official and youthline.url not in body
    assert "Call 0800 376 633" in body  # the number is still there to tap


def test_a_family_in_australia_sees_kids_helpline(app) -> None:
    guardian, tablet = family_in(app, "AU", "Australia/Sydney")
    for client, url in ((tablet, "/me/help/"), (guardian, "/family/help/")):
        response = client.get(url)
        assert response.status_code == 200
        assert 'href="tel:1800551800"' in response.get_data(as_text=True)
        page = text(response)
        assert "Kids Helpline" in page and "eSafety Commissioner" in page
        assert "Childline" not in page and NO_LIST not in page


def test_the_guardian_page_shows_each_source_and_when_it_was_checked(app) -> None:
    guardian, _tablet = family_in(app, "US", "America/New_York")
    body = guardian.get("/family/help/").get_data(as_text=True)
    page = " ".join(text(guardian.get("/family/help/")).split())
    assert "Helplines and reporting services for families in the United States" in page
    assert "Someone to talk to" in page and "Where to report something online" in page
    for service in HELPLINES.for_country("US"):
        assert f'href="{service.url}"' in body
        label = "Source:" if service.official else "Secondary source"
        assert f"{label}" in page
    assert page.count("checked 2 December 2026") == len(HELPLINES.for_country("US"))
    assert "Secondary source" in page  # the 988 page is a state's, not the Lifeline's own


def test_a_country_without_a_list_gets_the_fallback_and_says_so(app) -> None:
    guardian, tablet = family_in(app, "JP", "Asia/Tokyo")
    for client, url in ((tablet, "/me/help/"), (guardian, "/family/help/")):
        response = client.get(url)
        assert response.status_code == 200
        page = text(response)
        assert f"{NO_LIST} Japan yet" in page
        assert "Child Helpline International" in page
        assert f'href="{HELPLINES.fallback.site}"' in response.get_data(as_text=True)
        assert "tel:" not in response.get_data(as_text=True)
        assert "Childline" not in page


def test_the_link_is_on_every_child_page(app) -> None:
    family = start_family(app)
    values = {"track_id": family.track_id, "key": next(iter(LESSONS)), "position": 0}
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("child", "lessons", "child_help"):
            continue
        if "GET" not in (rule.methods or ()):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        response = family.tablet.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert CHILD_LINK in response.get_data(as_text=True), url
        pages.append(url)
    assert len(pages) >= 7  # home, track, agreement, lessons, a lesson, its page, help
    # Guardians reach their own page from the navigation of theirs.
    assert GUARDIAN_LINK in family.guardian.get("/family/").get_data(as_text=True)
    assert CHILD_LINK not in family.guardian.get("/family/").get_data(as_text=True)


def test_each_session_is_kept_to_its_own_page(app) -> None:
    family = start_family(app)
    assert family.tablet.get("/family/help/").status_code == 403
    assert family.guardian.get("/me/help/").status_code == 403
    stranger = app.test_client()
    assert stranger.get("/me/help/").status_code == 302
    assert stranger.get("/family/help/").status_code == 302


def test_the_pages_load_nothing_from_other_sites(app) -> None:
    family = start_family(app)
    for client, url in ((family.tablet, "/me/help/"), (family.guardian, "/family/help/")):
        body = client.get(url).get_data(as_text=True)
        assert not re.search(r'<(?:img|script|iframe)[^>]+src="https?://', body)
        assert not re.search(r'<link[^>]+href="https?://', body)


def test_the_guardian_page_promises_only_the_kinds_of_service_it_lists(app) -> None:
    """Spain's list has someone to talk to and nowhere to report: the page says helplines."""
    kinds = {service.kind for service in HELPLINES.for_country("ES")}
    assert kinds == {"talk"}
    guardian, _tablet = family_in(app, "ES", "Europe/Madrid")
    page = " ".join(text(guardian.get("/family/help/")).split())
    assert "Helplines for families in Spain" in page and "reporting services" not in page
