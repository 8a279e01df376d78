"""Lessons and discussion prompts as data files, loaded and checked at start-up.

One TOML file per lesson in ``content/lessons/``, with its picture beside the other static
files as ``static/lessons/<lesson key>.svg``; the prompt bank for the later stages in
``content/prompts.toml``. A broken file stops start-up (and the tests) with a message naming
the file and the field, so adding a lesson is adding a file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supervisor.content import FOLDER as CONTENT
from supervisor.content import ContentError, Reader
from supervisor.content.translations import ENGLISH, LANGUAGES, language_of, translated_reader
from supervisor.layout import ROOT

STAGE_TAGS = ("instruction", "permit", "licence")
# Every lesson has a picture, served as a static file: the app's static folder (in a checkout
# or an installed wheel, see supervisor/layout.py), and a picture's path below it is what
# ``url_for("static", ...)`` takes.
STATIC = ROOT / "static"
PICTURES = STATIC / "lessons"
# Over the whole bank: the most questions whose answer may sit in one place (A, B, C...), and
# the most whose correct option may be the longest, so neither gives the answer away.
MOST_IN_ONE_PLACE = 0.4
MOST_LONGEST = 0.5
# A step may carry its words twice, fitted to the reader's age: both versions or neither.
AGE_VERSIONS = ("text_9_12", "text_13_plus")
OLDER_FROM = 13  # the first age that reads ``text_13_plus``
# The player says "Right!" or "Not quite." before an option's explanation, so an explanation
# that opens with a verdict of its own would read "Right! Right.".
VERDICTS = {
    "en": re.compile(
        r"(right|yes|correct|exactly|that's it|wrong|no|not quite|not true)[.!,:]",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"¡?(bien|sí|correcto|exacto|eso es|mal|no|incorrecto|casi|falso)[.!,:]", re.IGNORECASE
    ),
}
# The fields of each kind of file a translation gives (everything else comes from English).
LESSON_TEXTS = frozenset(
    {"title", "summary", "picture_alt", "prompts", "text", *AGE_VERSIONS, "question", "explain"}
)
PROMPT_TEXTS = frozenset({"text"})


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    explain: str


@dataclass(frozen=True)
class Question:
    question: str
    options: tuple[Option, ...]

    @property
    def answer(self) -> int:
        return next(i for i, option in enumerate(self.options) if option.correct)

    @property
    def longest_is_correct(self) -> bool:
        """Whether no wrong option is longer than the right one (a tie counts: it gives no
        clue against the right one either)."""
        right = len(self.options[self.answer].text)
        return all(len(option.text) <= right for option in self.options)


@dataclass(frozen=True)
class Step:
    title: str
    text: str  # the words for every age, unless the step has age versions
    text_9_12: str | None = None
    text_13_plus: str | None = None

    @property
    def by_age(self) -> bool:
        return self.text_9_12 is not None and self.text_13_plus is not None

    def text_for(self, age: int) -> str:
        """The words a reader of ``age`` gets: the version for their age where there is one."""
        if self.text_9_12 is None or self.text_13_plus is None:
            return self.text
        return self.text_13_plus if age >= OLDER_FROM else self.text_9_12


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    topic: str
    summary: str
    picture: str  # below the static folder: ``lessons/<key>.svg``
    picture_alt: str  # what the picture shows, for a reader who cannot see it
    core: bool
    order: int
    steps: tuple[Step, ...]
    quiz: tuple[Question, ...]
    prompts: tuple[str, ...]

    @property
    def length(self) -> int:
        """Positions in the player: every step, then every question."""
        return len(self.steps) + len(self.quiz)


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str
    stage: str  # one of STAGE_TAGS: a ``StageKey``'s value (a family's own prompt: the key)
    topic: str


def load_topics(path: Path = CONTENT / "topics.toml", language: str = ENGLISH) -> dict[str, str]:
    """Topic key -> the words a family reads, in the file's order."""
    english = Reader(path)
    reader = translated_reader(language, english, english.data)
    return {key: reader.text(reader.data, key) for key in reader.data}


TOPICS = load_topics()


def _step(reader: Reader, table: dict[str, Any], i: int) -> Step:
    """One step; its age versions come as a pair, so no reader is left with the default."""
    where = f"steps[{i}]."
    title, text = reader.text(table, "title", where), reader.text(table, "text", where)
    given = [field for field in AGE_VERSIONS if field in table]
    if not given:
        return Step(title, text)
    if len(given) == 1:
        (missing,) = set(AGE_VERSIONS) - set(given)
        raise reader.fail(where + missing, f"is missing: a step with {given[0]} needs both")
    younger, older = (reader.text(table, field, where) for field in AGE_VERSIONS)
    return Step(title, text, younger, older)


def _picture(reader: Reader, key: str, pictures: Path) -> str:
    """The lesson's picture below the static folder; a lesson without one is refused, so no
    page shows a broken image."""
    picture = pictures / f"{key}.svg"
    if not picture.is_file():
        raise ContentError(
            f"{reader.path.name}: its picture {pictures.name}/{picture.name} is missing"
        )
    return f"{pictures.name}/{picture.name}"


def load_lesson(path: Path, pictures: Path = PICTURES, language: str = ENGLISH) -> Lesson:
    """One lesson in ``language``: its translation's words over the English file's structure."""
    reader = translated_reader(language, Reader(path), LESSON_TEXTS)
    data = reader.data
    topic = reader.text(data, "topic")
    if topic not in TOPICS:
        raise reader.fail("topic", f"is {topic!r}, not one of {sorted(TOPICS)}")
    order = data.get("order")
    if not isinstance(order, int):
        raise reader.fail("order", "must be a whole number")
    steps = tuple(
        _step(reader, step, i) for i, step in enumerate(reader.items(data, "steps", 2, 6))
    )
    quiz = []
    for i, entry in enumerate(reader.items(data, "quiz", 3, 5)):
        where = f"quiz[{i}]."
        options = tuple(
            Option(
                reader.text(option, "text", f"{where}options[{j}]."),
                option.get("correct") is True,
                reader.text(option, "explain", f"{where}options[{j}]."),
            )
            for j, option in enumerate(entry.get("options") or [])
        )
        for j, option in enumerate(options):
            if VERDICTS[language].match(option.explain.replace("\u2019", "'")):
                raise reader.fail(
                    f"{where}options[{j}].explain",
                    "opens with a verdict; the player already says whether it was right",
                )
        if len(options) < 2:
            raise reader.fail(f"{where}options", "needs at least 2 options")
        if sum(option.correct for option in options) != 1:
            raise reader.fail(f"{where}options", "needs exactly one correct answer")
        quiz.append(Question(reader.text(entry, "question", where), options))
    prompts = tuple(str(p).strip() for p in reader.items(data, "prompts", 2, 4))
    if not all(prompts):
        raise reader.fail("prompts", "has an empty prompt")
    return Lesson(
        key=path.stem,
        title=reader.text(data, "title"),
        topic=topic,
        summary=reader.text(data, "summary"),
        picture=_picture(reader, path.stem, pictures),
        picture_alt=reader.text(data, "picture_alt"),
        core=data.get("core", True) is True,
        order=order,
        steps=steps,
        quiz=tuple(quiz),
        prompts=prompts,
    )


def check_bank(folder: Path, questions: list[Question]) -> None:
    """Refuse a bank whose answers can be guessed without reading: the page shuffles options,
    but a bank where one place or the longest option is usually right still teaches guessing
    (and a printed or read-aloud quiz is in the file's order)."""
    total = len(questions)
    places = Counter(question.answer for question in questions)
    place, count = places.most_common(1)[0]
    if count > MOST_IN_ONE_PLACE * total:
        raise ContentError(
            f"{folder.name}: the correct answer is option {'ABCDEFGH'[place]} in {count} of "
            f"{total} questions ({count / total:.0%}); at most {MOST_IN_ONE_PLACE:.0%} may "
            "share one place"
        )
    longest = sum(question.longest_is_correct for question in questions)
    if longest > MOST_LONGEST * total:
        raise ContentError(
            f"{folder.name}: the longest option is the correct one in {longest} of {total} "
            f"questions ({longest / total:.0%}); at most half may be"
        )


def load_lessons(
    folder: Path = CONTENT / "lessons", pictures: Path = PICTURES, language: str = ENGLISH
) -> dict[str, Lesson]:
    lessons = [load_lesson(path, pictures, language) for path in sorted(folder.glob("*.toml"))]
    if not lessons:
        raise ContentError(f"{folder.name}: no lesson files")
    check_bank(folder, [question for lesson in lessons for question in lesson.quiz])
    return {lesson.key: lesson for lesson in sorted(lessons, key=lambda item: item.order)}


def load_prompts(path: Path = CONTENT / "prompts.toml", language: str = ENGLISH) -> list[Prompt]:
    reader = translated_reader(language, Reader(path), PROMPT_TEXTS)
    prompts = []
    for i, entry in enumerate(reader.items(reader.data, "prompt", 1, 500)):
        where = f"prompt[{i}]."
        stage, topic = reader.text(entry, "stage", where), reader.text(entry, "topic", where)
        if stage not in STAGE_TAGS:
            raise reader.fail(where + "stage", f"is {stage!r}, not one of {STAGE_TAGS}")
        if topic not in TOPICS:
            raise reader.fail(where + "topic", f"is {topic!r}, not a known topic")
        prompts.append(Prompt(f"bank-{i}", reader.text(entry, "text", where), stage, topic))
    return prompts


def all_prompts(lessons: dict[str, Lesson], bank: list[Prompt]) -> list[Prompt]:
    """The lessons' own prompts (for the instruction stage), then the bank's."""
    return [
        *(
            Prompt(f"{lesson.key}-{i}", text, "instruction", lesson.topic)
            for lesson in lessons.values()
            for i, text in enumerate(lesson.prompts)
        ),
        *bank,
    ]


# Every language is read at start-up, so a broken translation stops it like a broken lesson.
_LESSONS = {language: load_lessons(language=language) for language in LANGUAGES}
_PROMPTS = {
    language: all_prompts(_LESSONS[language], load_prompts(language=language))
    for language in LANGUAGES
}
_TOPICS = {language: load_topics(language=language) for language in LANGUAGES}
LESSONS = _LESSONS[ENGLISH]
PROMPTS = _PROMPTS[ENGLISH]


def lessons_for(language: str | None) -> dict[str, Lesson]:
    """The lessons in ``language`` (English for none), in order; a lesson not yet translated
    is in English."""
    return _LESSONS[language_of(language)]


def prompts_for(language: str | None) -> list[Prompt]:
    """Every discussion prompt in ``language``, keyed as in English."""
    return _PROMPTS[language_of(language)]


def topics_for(language: str | None) -> dict[str, str]:
    """Topic key -> the words a family reads in ``language``."""
    return _TOPICS[language_of(language)]
