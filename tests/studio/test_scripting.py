"""heygen.studio.scripting: counts, spoken-length estimates, pause tags, default titles, colours."""

from __future__ import annotations

import pytest

from heygen.studio import scripting as s


def test_char_count_counts_everything_including_tags():
    assert s.char_count(None) == 0
    assert s.char_count("") == 0
    assert s.char_count("Héllo 👋") == 7
    assert s.char_count('Hi <break time="1s"/>') == len('Hi <break time="1s"/>')


@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Hello world", 2),
        ("Don't stop — it's well-known.", 4),
        ('One <break time="1s"/> two<break time="500ms"/>three', 3),
        ("Zwölf Boxkämpfer jagen Viktor", 4),
        ("3 apples, 12 pears", 4),
    ],
)
def test_word_count(script, words):
    assert s.word_count(script) == words


def test_estimated_seconds_is_150_words_a_minute():
    assert s.estimated_seconds(" ".join(["word"] * 150)) == pytest.approx(60.0)
    assert s.estimated_seconds(" ".join(["word"] * 75)) == pytest.approx(30.0)
    assert s.estimated_seconds("") == 0.0


def test_estimated_seconds_follows_speed_and_pauses():
    script = " ".join(["word"] * 150)
    assert s.estimated_seconds(script, speed=1.5) == pytest.approx(40.0)
    assert s.estimated_seconds(script, speed=0.5) == pytest.approx(120.0)
    assert s.estimated_seconds(script, speed=0) == pytest.approx(60.0)
    paused = script + ' <break time="2s"/> <break time="500ms"/>'
    assert s.estimated_seconds(paused) == pytest.approx(62.5)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (0.2, "1 s"), (44.95, "45 s"), (60, "1 min"), (65, "1 min 05 s"), (725, "12 min 05 s"),
     (None, "unknown"), (float("nan"), "unknown"), (-1, "unknown")],
)
def test_format_duration(seconds, text):
    assert s.format_duration(seconds) == text


def test_find_breaks_reads_seconds_and_milliseconds():
    tags = s.find_breaks('a <break time="1s"/> b <break time="1.5s" /> c <break time=\'250ms\'/> d')
    assert [t.seconds for t in tags] == [1.0, 1.5, 0.25]
    assert tags[0].text == '<break time="1s"/>'


def test_malformed_break_tags_are_reported():
    script = 'Hi <break time="soon"/> there <break> and <break time="1s"/>'
    assert s.has_break_tags(script)
    assert s.bad_break_tags(script) == ['<break time="soon"/>', "<break>"]
    assert s.bad_break_tags('fine <break time="2s"/>') == []
    assert not s.has_break_tags("no pauses, just <b>bold</b> words")


def test_insert_pause_appends_one_tag():
    assert s.insert_pause("Hello.") == 'Hello. <break time="1s"/>'
    assert s.insert_pause("Hello.  \n") == 'Hello. <break time="1s"/>'
    assert s.insert_pause("") == '<break time="1s"/>'
    assert s.insert_pause(None, 2) == '<break time="2s"/>'
    assert s.insert_pause("A", 0.5) == 'A <break time="0.5s"/>'
    twice = s.insert_pause(s.insert_pause("A"))
    assert twice.count("<break") == 2


def test_remove_breaks():
    assert s.remove_breaks('Hello <break time="1s"/> world <break time="1s"/>.') == "Hello world."
    assert s.remove_breaks("plain") == "plain"


def test_default_title_from_first_words():
    assert s.default_title("Hello and welcome to our spring sale, everyone!") == "Hello and welcome to our spring…"
    assert s.default_title("Short one.") == "Short one"
    assert s.default_title("   ", fallback="Untitled") == "Untitled"
    assert s.default_title('<break time="1s"/> Hi there') == "Hi there"
    long_word = "x" * 100
    title = s.default_title(long_word, max_chars=20)
    assert len(title) <= 20
    assert s.default_title("a " * 3 + "b" * 70, max_chars=60) == "a a a…"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#FF8800", "#ff8800"), ("ff8800", "#ff8800"), ("#f80", "#ff8800"), (" #00aaBB ", "#00aabb"),
     ("#ff880", None), ("red", None), ("", None), (None, None), (123, None), ("#gg0000", None)],
)
def test_normalise_colour(value, expected):
    assert s.normalise_colour(value) == expected


def test_is_colour_is_strict():
    assert s.is_colour("#1a2B3c")
    for bad in ("1a2b3c", "#1a2b3", "#1a2b3c4", "#xyzxyz", None, 0x1A2B3C, "#fff"):
        assert not s.is_colour(bad)
