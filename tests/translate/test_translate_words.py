"""A translation request's problems and cost facts in the words the pages show (ui.copy): the domain names what is
wrong (heygen.studio.translate.Code), the sentences are the same as they always were."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from heygen.studio import translate
from heygen.studio.translate import Code, Problem
from ui import copy


@dataclass
class Source:
    """As much of a job as the checks of several videos read."""

    id: str
    title: str | None = None
    status: str = "completed"
    video_id: str | None = "v_1"
    kind: str = "imported"
    duration: float | None = None
    inputs: dict | None = None


WORDS = [
    (Problem(Code.NO_LANGUAGE), "Choose at least one language to translate into."),
    (Problem(Code.LANGUAGE_TWICE), "A language is chosen twice."),
    (Problem(Code.UNSUPPORTED, names=("Klingon", "Elvish")),
     "HeyGen does not translate into Klingon, Elvish; choose languages from the list."),
    (Problem(Code.REVIEW_NOT_CHOSEN, names=("Dutch", "Korean")),
     "Subtitles to review are for a language not chosen: Dutch, Korean."),
    (Problem(Code.MODE), "Choose speed or precision."),
    (Problem(Code.NO_SOURCE), "Choose the video to translate."),
    (Problem(Code.NO_SOURCES), "Choose at least one finished video to translate."),
    (Problem(Code.NOT_FINISHED), "Only a finished video can be translated; wait until it is ready."),
    (Problem(Code.NO_VIDEO_YET), "This translation has no video yet."),
    (Problem(Code.GONE), "HeyGen no longer has this video, so it cannot be translated. Unselect it."),
    (Problem(Code.VIDEO_TWICE), "A video is chosen twice."),
    (Problem(Code.AT_ONCE, limit=10), "Choose how many translate at once: 1 to 10."),
    (Problem(Code.TOO_MANY, videos=101, languages=2, limit=200),
     "101 videos × 2 languages is 202 translations; one request makes at most 200. Choose fewer videos or "
     "languages."),
]


@pytest.mark.parametrize(("problem", "words"), WORDS, ids=[p.code.value for p, _ in WORDS])
def test_each_problem_of_a_request_reads_as_a_sentence(problem, words):
    assert copy.translation_problem(problem) == words


def test_every_problem_the_domain_names_has_its_words():
    assert {p.code for p, _ in WORDS} == set(Code) == set(copy.TRANSLATION_PROBLEMS)


def test_the_problems_of_one_request_read_as_before():
    problems = translate.check_request(["Italian", "Klingon"], ["Italian"], translate.Options(mode="fast"))
    assert copy.translation_problems(problems) == {
        "languages": "HeyGen does not translate into Klingon; choose languages from the list.",
        "mode": "Choose speed or precision.",
    }
    reviewed = translate.check_request(["Italian"], None, translate.Options(), review={"Korean", "Dutch"})
    assert copy.translation_problems(reviewed) == {
        "languages": "Subtitles to review are for a language not chosen: Dutch, Korean."}


def test_the_videos_of_several_are_named_in_one_paragraph():
    ready = Source("a", "Welcome")
    running = Source("b", "Still rendering", status="processing", video_id=None)
    untitled = Source("c", None, status="processing", video_id=None)
    problems = translate.check_many([ready, running, untitled, ready], ["Italian"], None, translate.Options(),
                                    unreachable={"Welcome": Code.GONE})
    assert copy.translation_problems(problems) == {"source": (
        "“Still rendering”: Only a finished video can be translated; wait until it is ready. "
        "“Untitled video”: Only a finished video can be translated; wait until it is ready. "
        "“Welcome”: HeyGen no longer has this video, so it cannot be translated. Unselect it. "
        "A video is chosen twice.")}


def test_one_request_over_the_limit_says_how_many_it_would_make():
    made = [Source(str(i), f"V{i}", video_id=f"v{i}") for i in range(translate.MAX_MANY // 2 + 1)]
    problems = translate.check_many(made, ["Italian", "Korean"], None, translate.Options())
    assert copy.translation_problems(problems) == {
        "source": f"{len(made)} videos × 2 languages is {2 * len(made)} translations; one request makes at most "
                  f"{translate.MAX_MANY}. Choose fewer videos or languages."}


def test_facts_name_languages_and_minutes():
    assert copy.translation_facts(["Italian"], None) == "1 language"
    assert copy.translation_facts(["Italian", "Korean"], 42.4) == (
        "2 languages × 42 s of video = 1 min 25 s of translated video")


def test_facts_name_videos_languages_and_minutes():
    made = [Source("a", duration=42.4), Source("b", duration=18.0), Source("c", duration=None)]
    assert copy.translation_facts_many(made[:2], ["Italian", "Korean"]) == (
        "2 videos × 2 languages = 4 translations · 1 min 00 s of video → 2 min 00 s of translated video")
    assert copy.translation_facts_many(made, ["Italian"]).endswith("(plus 1 video of unknown length)")
