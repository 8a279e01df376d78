"""Walkthrough files: every step dated and sourced, bad files refused with the file and the field,
and the shipped steps checked recently enough that families can trust them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from supervisor.content import ContentError
from supervisor.content.walkthroughs import STALE_AFTER, WALKTHROUGHS, load

TODAY = date(2026, 12, 2)
GOOD_STEP = """
[[steps]]
setting = "Private account"
where = "Settings > Privacy"
recommended = "On"
why = "Only people you approve see your posts."
checked = 2026-11-30
source = "https://help.instagram.com/3237561506542117"
official = true
"""


def write(tmp_path, first_step: str, name: str = "instagram.toml", head: str = ""):
    """A walkthrough file whose first step is ``first_step``, followed by two good steps."""
    path = tmp_path / name
    path.write_text(
        f'title = "A walkthrough"\n{head}\n{first_step}{GOOD_STEP}{GOOD_STEP}', encoding="utf-8"
    )
    return path


def step(**fields: str | None) -> str:
    """GOOD_STEP with some lines replaced (a value of None leaves the line out)."""
    lines = []
    for line in GOOD_STEP.strip().splitlines():
        key = line.split(" = ")[0]
        if key not in fields:
            lines.append(line)
        elif fields[key] is not None:
            lines.append(f"{key} = {fields[key]}")
    lines += [f"{k} = {v}" for k, v in fields.items() if v is not None and k not in GOOD_STEP]
    return "\n" + "\n".join(lines) + "\n"


def test_a_good_file_loads_with_each_steps_date_and_source(tmp_path):
    note = step(official="false", source_note='"From a parents\' guide."')
    guide = load(write(tmp_path, note), today=TODAY)
    first = guide.steps[0]
    assert (first.checked, first.official, first.source_note) == (
        date(2026, 11, 30),
        False,
        "From a parents' guide.",
    )
    assert first.site == "help.instagram.com"
    assert guide.steps[1].source_note is None and guide.steps[1].official
    assert guide.checked == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"checked": None}, "steps[0].checked", "must be a date"),
        ({"checked": '"last week"'}, "steps[0].checked", "must be a date"),
        ({"checked": "2026-12-03"}, "steps[0].checked", "is after today (2026-12-02)"),
        ({"source": '"help.instagram.com"'}, "steps[0].source", "full https:// address"),
        ({"source": '"trypostbase.com, 2025-10-31"'}, "steps[0].source", "full https://"),
        ({"source": '"https://help.instagram.com/"'}, "steps[0].source", "full https://"),
        ({"source": '"http://help.instagram.com/3237561506542117"'}, "steps[0].source", "https"),
        ({"source": None}, "steps[0].source", "is missing or empty"),
        ({"official": None}, "steps[0].official", "must be true or false"),
        ({"official": '"yes"'}, "steps[0].official", "must be true or false"),
        ({"source_note": '""'}, "steps[0].source_note", "must be a sentence"),
        ({"sources": '"help.instagram.com"'}, "steps[0].sources", "is not a field a step has"),
    ],
)
def test_a_step_without_a_good_date_or_source_is_refused(tmp_path, fields, field, problem):
    with pytest.raises(ContentError) as refused:
        load(write(tmp_path, step(**fields)), today=TODAY)
    message = str(refused.value)
    assert message.startswith(f"instagram.toml: field '{field}' ") and problem in message


@pytest.mark.parametrize("old", ['sources = ["help.instagram.com"]', "last_reviewed = 2026-06-30"])
def test_the_old_file_wide_sources_and_date_are_refused(tmp_path, old):
    with pytest.raises(ContentError) as refused:
        load(write(tmp_path, GOOD_STEP, head=old), today=TODAY)
    field = old.split(" = ")[0]
    assert str(refused.value) == (
        f"instagram.toml: field '{field}' is no longer used: "
        "each step has its own source and checked date"
    )


def test_every_shipped_step_was_checked_in_the_last_90_days():
    """Fails once a step goes unchecked for more than 90 days: that is the point. Re-check the
    step on its source page and update its ``checked`` date (and the step, if it changed)."""
    today = datetime.now(UTC).date()
    for key, guide in WALKTHROUGHS.items():
        for i, each in enumerate(guide.steps):
            age = today - each.checked
            assert timedelta(0) <= age <= STALE_AFTER, f"{key}.toml steps[{i}] checked {age} ago"


def test_shipped_secondary_sources_say_why():
    """A step that leans on a secondary source says so in a note the family can read."""
    for key, guide in WALKTHROUGHS.items():
        for i, each in enumerate(guide.steps):
            assert each.official or each.source_note, f"{key}.toml steps[{i}] needs a source_note"
