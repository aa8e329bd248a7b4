"""PLACEHOLDER: placeholders left in the script as sent or in the subtitles; brackets that are
stage directions, sound notes or markup are not placeholders."""

from __future__ import annotations

import pytest

from heygen.studio.qa import Kind, check_script
from heygen.studio.qa.placeholders import find, is_placeholder
from tests.qa.subtitles import srt_of


@pytest.mark.parametrize("left", ["{{company}}", "{company}", "[NAME]", "<first name>", "%NAME%",
                                  "{{first_name|there}}", "${company}", "[first name]", "<<FIRST_NAME>>"])
def test_a_placeholder_left_in_the_script(left):
    script = f"Welcome to the team, {left}. We are glad you are here."
    report = check_script(script, srt_of(f"Welcome to the team, {left}. We are glad you are here."))
    found = [f for f in report.open if f.kind == Kind.PLACEHOLDER]
    assert [f.expected for f in found] == [left]
    assert found[0].moment == 0.0 and found[0].cues == (1, 1)


def test_a_placeholder_read_out_by_the_voice_is_still_found_and_is_not_an_extra_sentence():
    report = check_script("Hi [FIRST_NAME], welcome.", srt_of("Hi first name, welcome."))
    assert [(f.kind, f.expected, f.spoken) for f in report.open] == [(Kind.PLACEHOLDER, "[FIRST_NAME]", "first name")]


def test_a_placeholder_in_the_subtitles_only():
    report = check_script("Hi Anna, welcome.", srt_of("Hi {{first_name}}, welcome."))
    placeholders = [(f.expected, f.spoken) for f in report.open if f.kind == Kind.PLACEHOLDER]
    assert placeholders == [(None, "{{first_name}}")]


@pytest.mark.parametrize("text", ["[music]", "[MUSIC]", "[pause]", "[Applause]", '<break time="1s"/>', "<speak>",
                                  "[Narration from uploaded audio]", "50% off and 20% more", "<b>", "[laughs]"])
def test_not_placeholders(text):
    assert find(f"Hello {text} there") == []


def test_find_gives_text_and_place():
    found = find("Hi {{name}}, from [COMPANY].")
    assert [(f.text, f.start, f.end) for f in found] == [("{{name}}", 3, 11), ("[COMPANY]", 18, 27)]
    assert is_placeholder("<your name>") and not is_placeholder("[note]")


def test_a_script_with_pause_tags_and_a_sound_note_is_clean():
    script = 'Hello Anna. <break time="1s"/> Here is your update.'
    assert check_script(script, srt_of("[music] Hello Anna.", "Here is your update.")).status == "ok"


def test_a_title_before_a_placeholder_does_not_end_the_sentence():
    report = check_script("Dear Dr. [LAST_NAME],\nWelcome aboard.", srt_of("Dear Doctor last name,", "Welcome aboard."))
    assert [(f.kind, f.expected) for f in report.open] == [(Kind.PLACEHOLDER, "[LAST_NAME]")]
