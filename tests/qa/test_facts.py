"""check_facts: a Video Agent video against the names, numbers, dates and addresses of its prompt."""

from __future__ import annotations

from heygen.studio.qa import Kind, check_facts
from tests.qa.subtitles import cue_starts, srt_of

PROMPT = ("Create a 60-second video inviting customers to our webinar on 14 March with Priya Sharma. "
          "Mention the 25% discount and the page heygen.com/webinar.")


def test_a_video_that_says_the_facts_in_its_own_words():
    srt = srt_of("Hi everyone! Join Priya Sharma at our webinar", "on March fourteenth. You get twenty-five percent off.",
                 "Sign up at heygen dot com slash webinar.")
    report = check_facts(PROMPT, srt)
    assert report.status == "ok" and report.mode == "facts" and report.findings == ()


def test_a_date_said_differently_is_found_with_what_was_said_and_when():
    srt = srt_of("Hi everyone! Join Priya Sharma at our webinar", "on 15 March. You get twenty-five percent off.",
                 "Sign up at heygen dot com slash webinar.")
    report = check_facts(PROMPT, srt)
    assert [(f.kind, f.expected, f.spoken, f.fact) for f in report.open] == [(Kind.NUMBER, "14 March", "15 March", "date")]
    assert report.open[0].moment == cue_starts(srt)[1] and report.open[0].cues == (2, 2)


def test_missing_facts_and_a_misspelled_name():
    srt = srt_of("Hi everyone! Join Priya Sharmo at our webinar on 14 March.", "See you there.")
    report = check_facts(PROMPT, srt)
    found = {(f.kind, f.expected, f.spoken) for f in report.open}
    assert found == {(Kind.NAME, "Priya Sharma", None), (Kind.NUMBER, "25%", None),
                     (Kind.NUMBER, "heygen.com/webinar", None)} or found == {
        (Kind.NUMBER, "25%", None), (Kind.NUMBER, "heygen.com/webinar", None)}


def test_a_name_missing_entirely_is_found_with_a_likely_word_said_instead():
    report = check_facts("A welcome video for Siobhan from the Dublin office.",
                         srt_of("Welcome, Shivon, from all of us in the Dublin office."))
    assert [(f.kind, f.expected, f.spoken) for f in report.open] == [(Kind.NAME, "Siobhan", "Shivon")]


def test_words_about_the_video_itself_are_not_required():
    prompt = "Make a 30 second video in 16:9 with 3 scenes. Use a friendly tone."
    assert check_facts(prompt, srt_of("Hello and welcome to our channel.")).status == "ok"


def test_titles_languages_and_acronyms_are_not_names():
    prompt = "Make a video in English where our CEO thanks the HR team for the Q3 results with Avatar IV."
    assert check_facts(prompt, srt_of("Our chief executive thanks the people team for great results.")).status == "ok"


def test_numbers_spelled_in_the_prompt_are_not_required_but_digits_are():
    assert check_facts("Tell them about our two plans.", srt_of("We have plans for everyone.")).status == "ok"
    report = check_facts("Tell them we have 2 plans.", srt_of("We have three plans."))
    assert [(f.expected, f.spoken) for f in report.open] == [("2", "three")]


def test_a_phone_number_said_in_groups():
    assert check_facts("Ask them to call 555-123-4567.", srt_of("Call five five five, one two three, "
                                                                "four five six seven.")).status == "ok"


def test_no_subtitles():
    assert check_facts(PROMPT, "").status == "no_subtitles"
    assert check_facts(PROMPT, "garbage").status == "unreadable"
