"""Translated content: the words come from the translation, everything else from English, and a
translation that differs from the English in shape is refused with a message naming the field."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from supervisor.content import (
    FOLDER,
    ContentError,
    Reader,
    helplines,
    licence_tips,
    monitoring,
    walkthroughs,
)
from supervisor.content.lessons import (
    LESSON_TEXTS,
    LESSONS,
    PROMPTS,
    TOPICS,
    VERDICTS,
    lessons_for,
    prompts_for,
    topics_for,
)
from supervisor.content.translations import complete, language_of, overlay, strays, translatable

LESSON = "lessons/01-anything-posted.toml"
AGED = "lessons/13-sextortion.toml"  # a lesson with age versions on some steps
WALKTHROUGH = "walkthroughs/instagram.toml"
# What is translated into Spanish so far: everything. Walkthroughs name the platforms' own
# menus: a Spanish menu name is only written once it is read on the platform's Spanish help
# page, and any other stays as the platform shows it in English, in quotes, with a Spanish
# gloss. Update this when a content file is added without its translation.
SPANISH_DONE = set(translatable())


def english(name: str) -> dict[str, Any]:
    return Reader(FOLDER / name).data


def spanish(name: str) -> dict[str, Any]:
    return copy.deepcopy(Reader(FOLDER / "es" / name).data)


def refused(name: str, given: dict[str, Any], message: str) -> None:
    with pytest.raises(ContentError, match=message):
        overlay(f"es/{name}", english(name), given, LESSON_TEXTS)


def test_spanish_lessons_keep_the_english_structure() -> None:
    spanish_lessons = lessons_for("es")
    assert list(spanish_lessons) == list(LESSONS)
    for key, lesson in LESSONS.items():
        translated = spanish_lessons[key]
        assert translated.title != lesson.title, key
        assert (translated.topic, translated.order, translated.core, translated.picture) == (
            lesson.topic,
            lesson.order,
            lesson.core,
            lesson.picture,
        )
        assert [s.by_age for s in translated.steps] == [s.by_age for s in lesson.steps]
        assert [len(q.options) for q in translated.quiz] == [len(q.options) for q in lesson.quiz]
        # The right answer is the same option, because its place comes from English.
        assert [q.answer for q in translated.quiz] == [q.answer for q in lesson.quiz]
        assert len(translated.prompts) == len(lesson.prompts)


def test_english_is_the_default_and_an_unknown_language_is_refused() -> None:
    assert lessons_for(None) is LESSONS
    assert lessons_for("en") is LESSONS
    assert prompts_for(None) is PROMPTS
    assert topics_for("en") == TOPICS
    with pytest.raises(ContentError, match="no content in language 'fr'"):
        language_of("fr")


def test_spanish_prompts_and_topics_are_keyed_as_in_english() -> None:
    assert [p.key for p in prompts_for("es")] == [p.key for p in PROMPTS]
    assert [(p.stage, p.topic) for p in prompts_for("es")] == [(p.stage, p.topic) for p in PROMPTS]
    assert list(topics_for("es")) == list(TOPICS)
    assert topics_for("es")["time"] == "El tiempo"


def test_spanish_licence_tips_and_arrangements() -> None:
    assert len(licence_tips.tips_for("es")) == len(licence_tips.SELF_MONITORING_TIPS)
    assert list(licence_tips.connections_for("es")) == list(licence_tips.CONNECTIONS)
    arrangements = monitoring.arrangements_for("es")
    assert list(arrangements) == list(monitoring.ARRANGEMENTS)
    assert "{child}" in arrangements["follow"].named
    assert arrangements["follow"].caveat and not arrangements["password_known"].caveat
    assert monitoring.arrangements_for(None) is not arrangements
    assert (
        monitoring.arrangements_for(None)["follow"].title == monitoring.ARRANGEMENTS["follow"].title
    )


def test_a_missing_step_is_refused() -> None:
    given = spanish(LESSON)
    del given["steps"][-1]
    refused(LESSON, given, re.escape("field 'steps' needs 3 entries, as in English"))


def test_an_extra_quiz_option_is_refused() -> None:
    given = spanish(LESSON)
    given["quiz"][0]["options"].append({"text": "Otra", "explain": "Otra explicación."})
    refused(LESSON, given, re.escape("field 'quiz[0].options' needs 3 entries"))


def test_a_missing_text_is_refused() -> None:
    given = spanish(LESSON)
    del given["quiz"][1]["options"][2]["explain"]
    refused(LESSON, given, re.escape("field 'quiz[1].options[2].explain' is missing or empty"))


def test_an_empty_text_is_refused() -> None:
    given = spanish(LESSON)
    given["steps"][0]["title"] = "   "
    refused(LESSON, given, re.escape("field 'steps[0].title' is missing or empty"))
    given = spanish(LESSON)
    given["prompts"][1] = ""
    refused(LESSON, given, re.escape("field 'prompts' has an empty entry"))


def test_a_different_number_of_prompts_is_refused() -> None:
    given = spanish(LESSON)
    given["prompts"].append("¿Una más?")
    refused(LESSON, given, re.escape("field 'prompts' needs 3 entries, as in English"))


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ((), "topic", "time"),
        ((), "order", 7),
        ((), "core", False),
        (("quiz", 0, "options", 0), "correct", True),
    ],
)
def test_a_structural_field_is_refused(where: tuple[Any, ...], field: str, value: Any) -> None:
    given = spanish(LESSON)
    table = given
    for part in where:
        table = table[part]
    table[field] = value
    refused(LESSON, given, "is structural: it comes from the English file")


def test_a_field_the_english_does_not_have_is_refused() -> None:
    given = spanish(LESSON)
    given["quiz"][0]["hint"] = "Piénsalo bien."
    refused(LESSON, given, re.escape("field 'quiz[0].hint' is not in the English file"))


def test_age_versions_go_exactly_where_english_has_them() -> None:
    given = spanish(LESSON)
    given["steps"][0]["text_9_12"] = given["steps"][0]["text_13_plus"] = "Para tu edad."
    refused(LESSON, given, "is an age version the English step does not have")
    aged = spanish(AGED)
    assert "text_13_plus" in aged["steps"][0]
    del aged["steps"][0]["text_13_plus"]
    with pytest.raises(ContentError, match=re.escape("'steps[0].text_13_plus' is missing")):
        overlay(f"es/{AGED}", english(AGED), aged, LESSON_TEXTS)


def test_a_lost_placeholder_is_refused() -> None:
    given = {"greeting": "Hola"}
    with pytest.raises(ContentError, match=re.escape("keep the English placeholders ['{child}']")):
        overlay("es/x.toml", {"greeting": "Hello {child}"}, given, {"greeting"})


def test_every_spanish_file_translates_an_english_one() -> None:
    assert strays("es") == []


def test_which_content_is_complete_in_spanish() -> None:
    """The report of what a Spanish-speaking family reads in Spanish, and what still in English."""
    report = complete("es")
    assert set(report) == set(translatable())
    assert {name for name, done in report.items() if done} == SPANISH_DONE
    assert all(report.values())


def test_spanish_helplines_keep_names_numbers_and_sources() -> None:
    spanish_lines = helplines.helplines_for("es")
    assert spanish_lines.fallback.for_child != helplines.HELPLINES.fallback.for_child
    for code, services in helplines.HELPLINES.by_country.items():
        translated = spanish_lines.for_country(code)
        assert [(s.name, s.kind, s.phone, s.url, s.checked, s.official) for s in translated] == [
            (s.name, s.kind, s.phone, s.url, s.checked, s.official) for s in services
        ]
        # A service for guardians only stays so: no child's words appear in translation.
        assert [s.for_child is None for s in translated] == [s.for_child is None for s in services]


def test_a_translated_helpline_name_or_number_is_refused() -> None:
    name = "helplines.toml"
    for field, value in (("name", "Línea de la Infancia"), ("phone", "0800 0000")):
        given = spanish(name)
        given["country"][0]["service"][0][field] = value
        with pytest.raises(ContentError, match="is structural: it comes from the English file"):
            overlay(f"es/{name}", english(name), given, helplines.TEXTS)


def test_a_spanish_explanation_may_not_open_with_a_verdict() -> None:
    """The player says whether the answer was right; the Spanish check is the English one's."""
    for opening in ("¡Correcto! Así es.", "No, no es así.", "Sí: puede pasar.", "Exacto."):
        assert VERDICTS["es"].match(opening), opening
    for opening in ("No es seguro que desaparezca.", "Sí pueden.", "Eso es amable y valiente."):
        assert not VERDICTS["es"].match(opening), opening


def test_spanish_walkthroughs_keep_the_english_steps_dates_and_sources() -> None:
    spanish_guides = walkthroughs.walkthroughs_for("es")
    assert list(spanish_guides) == list(walkthroughs.WALKTHROUGHS)
    for key, guide in walkthroughs.WALKTHROUGHS.items():
        translated = spanish_guides[key]
        assert translated.language == "es" and guide.language == "en", key
        assert translated.title != guide.title, key
        assert len(translated.steps) == len(guide.steps), key
        for mine, theirs in zip(translated.steps, guide.steps, strict=True):
            assert (mine.checked, mine.source, mine.official) == (
                theirs.checked,
                theirs.source,
                theirs.official,
            ), key
            # A note goes exactly where the English has one.
            assert (mine.source_note is None) == (theirs.source_note is None), key
            assert mine.setting != theirs.setting or mine.setting == "Chat", key
            assert mine.why != theirs.why, key
    assert walkthroughs.for_platform("instagram", "es").steps[0].setting == "Cuenta privada"
    assert walkthroughs.for_platform("bereal", "es") is spanish_guides["general"]


def test_walkthroughs_are_in_english_by_default() -> None:
    assert walkthroughs.walkthroughs_for(None) is walkthroughs.WALKTHROUGHS
    assert walkthroughs.for_platform("instagram", "en") is walkthroughs.WALKTHROUGHS["instagram"]
    assert walkthroughs.for_platform("instagram") is walkthroughs.WALKTHROUGHS["instagram"]
    assert not walkthroughs.for_platform("instagram").quotes_english
    # Spanish keeps some menus as Instagram shows them in English, and says so.
    assert walkthroughs.for_platform("instagram", "es").quotes_english


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda given: given["steps"].pop(), "field 'steps' needs 6 entries, as in English"),
        (
            lambda given: given["steps"][0].pop("why"),
            "field 'steps[0].why' is missing or empty",
        ),
        (
            lambda given: given["steps"][0].pop("source_note"),
            "field 'steps[0].source_note' is missing or empty",
        ),
        (
            lambda given: given["steps"][4].update(source_note="Una nota."),
            "field 'steps[4].source_note' is not in the English file",
        ),
        (
            lambda given: given["steps"][0].update(source="https://example.org/otra"),
            "field 'steps[0].source' is structural: it comes from the English file",
        ),
        (
            lambda given: given["steps"][0].update(official=False),
            "field 'steps[0].official' is structural",
        ),
        (lambda given: given.update(title=" "), "field 'title' is missing or empty"),
    ],
)
def test_a_walkthrough_translation_of_another_shape_is_refused(change: Any, message: str) -> None:
    given = spanish(WALKTHROUGH)
    change(given)
    with pytest.raises(ContentError, match=re.escape(message)):
        overlay(f"es/{WALKTHROUGH}", english(WALKTHROUGH), given, walkthroughs.TEXTS)
