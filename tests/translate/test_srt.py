"""SRT subtitles: reading (malformed input reported with line numbers), timing checks and writing back."""

from __future__ import annotations

import pytest

from heygen.studio import srt
from heygen.studio.srt import Cue

GOOD = """1
00:00:00,000 --> 00:00:02,500
Hello, and welcome.

2
00:00:02,600 --> 00:00:05,000
Our new product
ships today.
"""


def test_a_well_formed_file_is_read_cue_by_cue():
    assert srt.parse(GOOD) == [Cue(0.0, 2.5, "Hello, and welcome."), Cue(2.6, 5.0, "Our new product\nships today.")]


def test_windows_line_ends_a_byte_order_mark_dots_and_missing_numbers_are_tolerated():
    text = "\ufeff00:00:01.5 --> 00:00:02,000 X1:10 Y2:20\r\nOne\r\n\r\n\r\n7\r\n00:00:03,000 --> 00:00:04,000\r\nTwo\r\n"
    assert srt.parse(text) == [Cue(1.5, 2.0, "One"), Cue(3.0, 4.0, "Two")]


def test_every_malformed_block_is_named_by_its_line():
    text = "1\n00:00:00,000 --> 00:00:01,000\nFine\n\n2\n00:00:01 --> 00:00:02,000\nBad time\n\n3\n\nloose words\nmore\n"
    with pytest.raises(srt.SrtError) as bad:
        srt.parse(text)
    assert bad.value.problems == [
        "Line 6: “00:00:01 --> 00:00:02,000” is not a timing line (like 00:00:01,000 --> 00:00:03,500).",
        "Line 9: cue 3 has no timing line.",
        "Line 11: expected a cue number or a timing line, found “loose words”.",
    ]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_an_empty_file_has_no_cues(text):
    with pytest.raises(srt.SrtError, match="no cues"):
        srt.parse(text)


def test_valid_timing_passes_and_touching_cues_are_not_overlaps():
    cues = [Cue(0, 1, "a"), Cue(1, 2, "b"), Cue(2, 3.03, "c")]
    assert srt.validate(cues, 3.0) == cues  # within the rounding tolerance of the video's length
    assert srt.timing_problems(cues, None) == []


def test_overlaps_reversed_cues_empty_text_and_cues_past_the_end_are_all_reported():
    cues = [Cue(0, 2, "a"), Cue(1.5, 3, "b"), Cue(4, 3.5, "c"), Cue(5, 12, " ")]
    assert srt.timing_problems(cues, 10.0) == [
        "Cue 2 starts (00:00:01,500) before cue 1 ends (00:00:02,000): cues may not overlap.",
        "Cue 3 ends (00:00:03,500) before it starts (00:00:04,000).",
        "Cue 4 ends at 00:00:12,000, past the end of the video (00:00:10,000).",
        "Cue 4 has no text.",
    ]
    with pytest.raises(srt.SrtError, match="Cue 2 starts"):
        srt.validate(cues, 10.0)


def test_a_negative_start_is_refused():
    assert srt.timing_problems([Cue(-0.5, 1, "a")], None) == ["Cue 1 starts before 0 s."]


def test_writing_back_numbers_the_cues_and_round_trips():
    cues = srt.parse(GOOD)
    text = srt.serialise(cues)
    assert text.startswith("1\n00:00:00,000 --> 00:00:02,500\nHello, and welcome.\n\n2\n")
    assert srt.parse(text) == cues


@pytest.mark.parametrize("typed, seconds", [("00:01:02,500", 62.5), ("1:02.5", 62.5), ("62.5", 62.5),
                                            ("01:00:00.250", 3600.25), (" 3 ", 3.0)])
def test_times_typed_in_the_table_are_read(typed, seconds):
    assert srt.parse_time(typed) == pytest.approx(seconds)


@pytest.mark.parametrize("typed", ["soon", "", "-1", "-5", "1:2:3:4", "nan", "inf", "-inf", "Infinity", "1e999",
                                   "9" * 5000 + ":00"])
def test_what_is_not_a_time_is_refused_plainly(typed):
    with pytest.raises(ValueError, match="is not a time"):
        srt.parse_time(typed)


@pytest.mark.parametrize("typed", ["99999:00", "90000", "25:00:00,000", "999:59:59,999"])
def test_a_time_past_a_day_is_refused_plainly(typed):
    with pytest.raises(ValueError, match="past 24 hours"):
        srt.parse_time(typed)
    assert srt.parse_time("24:00:00,000") == 86_400


def test_stamps_round_to_milliseconds_and_never_go_negative():
    assert srt.stamp(3723.4567) == "01:02:03,457"
    assert srt.stamp(-2) == "00:00:00,000"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), None, "12"])
def test_a_time_that_is_not_a_number_is_written_as_nothing(value):
    assert srt.stamp(value) == ""


def test_a_huge_time_is_held_to_what_an_srt_file_can_hold():
    assert srt.stamp(1e300) == srt.stamp(10**400) == srt.stamp(srt.MAX_STAMP) == "999:59:59,999"
    assert srt.stamp(-10**400) == "00:00:00,000"
    problems = srt.timing_problems([Cue(0, float("inf"), "a")], 10.0)  # reported, not a crash
    assert len(problems) == 1 and "past the end of the video (00:00:10,000)" in problems[0]
