"""LENGTH: the end of the last cue against the expected seconds, more than 25 % and more than 2 s off is a finding;
``expected_seconds`` counts numbers as the words they are said with."""

from __future__ import annotations

from heygen.studio import srt
from heygen.studio.qa import Kind, check_script, expected_seconds
from heygen.studio.scripting import estimated_seconds


def srt_ending_at(seconds: float) -> str:
    return srt.serialise([srt.Cue(0.0, seconds, "Hello there.")])


def test_within_a_quarter_either_way_is_fine():
    for seconds in (7.6, 10.0, 12.4):
        assert check_script("Hello there.", srt_ending_at(seconds), expected_seconds=10.0).status == "ok"


def test_longer_or_shorter_by_more_than_a_quarter_is_a_finding():
    long = check_script("Hello there.", srt_ending_at(13.0), expected_seconds=10.0)
    assert [(f.kind, f.expected, f.spoken, f.fact) for f in long.open] == [(Kind.LENGTH, "10.0", "13.0", "seconds")]
    short = check_script("Hello there.", srt_ending_at(7.0), expected_seconds=10.0)
    assert [f.kind for f in short.open] == [Kind.LENGTH]


def test_a_short_script_is_not_flagged_for_a_second_or_so():
    # "Hello there." is about a second: its video speaking 1.4 s (or 2.6 s) is the voice's pace, not a finding
    for seconds in (1.4, 2.6):
        assert check_script("Hello there.", srt_ending_at(seconds), expected_seconds=0.8).status == "ok"
    assert [f.kind for f in check_script("Hello there.", srt_ending_at(3.5), expected_seconds=0.8).open] == [Kind.LENGTH]


def test_no_expected_length_no_length_check():
    assert check_script("Hello there.", srt_ending_at(99.0)).status == "ok"
    assert check_script("Hello there.", srt_ending_at(99.0), expected_seconds=0).status == "ok"


def test_expected_seconds_counts_numbers_as_said():
    plain = "We have a plan for you."
    numbers = "We have $1,299 for 25% of 14 March."
    assert expected_seconds(plain) == round(6 * 60 / 150 + 0.3, 2)
    assert expected_seconds(numbers) > estimated_seconds(numbers) + 3
    assert expected_seconds(numbers, speed=2.0) < expected_seconds(numbers)
    assert expected_seconds('Hi. <break time="2s"/> Bye.') >= 2.0 + 2 * 0.4
