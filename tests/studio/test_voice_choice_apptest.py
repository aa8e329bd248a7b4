"""The voice list never chooses a voice the user did not choose (AppTest against the sandbox): a list
that reports no choice leaves the chosen voice as it was, and a voice taken from the list is kept.

A browser's list reports no choice when its page was redrawn under it; the list's first voice then
replaced the avatar's own (quiet run Z: "Jordan (cloned)" on the card once the speed slider moved)."""

from __future__ import annotations

import pytest

from heygen import Client

API_KEY = "sk-studio-test-7c1d2e3f4a5b6c7d8e9f0a1b"


@pytest.fixture(scope="module")
def own_voice(sandbox):
    """A public voice that is not the first of the list (the first is the one a reset would give)."""
    with Client(API_KEY, sandbox.base_url) as client:
        return client.voices.list(type="public")[3]


def with_avatars_voice(at, voice_id: str):
    """The voice as an avatar's pick leaves it: chosen, not by hand."""
    at.session_state["studio_voice_id"] = voice_id
    at.session_state["studio_voice_manual"] = False
    return at.run()


def test_the_list_reporting_no_choice_keeps_the_voice(studio, own_voice):
    at = with_avatars_voice(studio(), own_voice.voice_id)
    choice = at.selectbox(key="studio_vo_choice")
    assert choice.value == own_voice.voice_id
    first = choice.options[0]
    assert first != choice.format_func(own_voice.voice_id)

    choice.set_value(None).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["studio_voice_id"] == own_voice.voice_id
    assert at.session_state["studio_voice_manual"] is False
    assert at.selectbox(key="studio_vo_choice").value == own_voice.voice_id


def test_a_voice_chosen_from_the_list_is_taken_by_hand(studio, sandbox, own_voice):
    at = with_avatars_voice(studio(), own_voice.voice_id)
    with Client(API_KEY, sandbox.base_url) as client:
        other = client.voices.list(type="public")[5]
    at.selectbox(key="studio_vo_choice").set_value(other.voice_id).run()
    assert at.session_state["studio_voice_id"] == other.voice_id
    assert at.session_state["studio_voice_manual"] is True
