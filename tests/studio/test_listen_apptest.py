"""Listen on the Studio page (AppTest against the sandbox over real HTTP): the voice picker marks
the voices HeyGen can speak, Listen plays the part to hear, and a second press asks HeyGen nothing."""

from __future__ import annotations

import pytest

from heygen import Client
from tests.support import shown

API_KEY = "sk-studio-test-7c1d2e3f4a5b6c7d8e9f0a1b"
SCRIPT = "Hello Siobhan, welcome to Northwind. " * 12  # longer than the part heard by default


@pytest.fixture(scope="module")
def voices(sandbox):
    with Client(API_KEY, sandbox.base_url) as client:
        speaking = client.voices.speech_voice_ids()
        public = client.voices.list(type="public")
    return {"speaks": next(v for v in public if v.voice_id in speaking),
            "silent": next(v for v in public if v.voice_id not in speaking)}


def speech_posts(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/voices/speech"]


def captions(at) -> str:
    return "\n".join(shown(str(c.value)) for c in at.caption)


def with_voice(at, voice_id: str):
    at.session_state["studio_voice_id"] = voice_id
    at.session_state["studio_voice_manual"] = True
    return at.run()


def test_listen_plays_the_first_part_once_and_then_from_the_copy(studio, sandbox, voices):
    at = studio()
    at.text_area(key="studio_script").input(SCRIPT).run()
    with_voice(at, voices["speaks"].voice_id)
    assert not at.exception, [e.value for e in at.exception]
    choice = at.selectbox(key="studio_vo_choice")
    assert choice.format_func(voices["speaks"].voice_id).startswith("♪ ")
    part = at.text_area(key="studio_listen_part").value
    assert SCRIPT.startswith(part) and 250 < len(part) <= 300
    players = len(at.get("audio"))
    at.button(key="studio_listen_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("audio")) == players + 1
    assert "spoken by HeyGen just now" in captions(at)
    posts = speech_posts(sandbox)
    assert len(posts) == 1
    assert posts[0]["request_json"] == {"text": part, "voice_id": voices["speaks"].voice_id, "speed": 1.0}
    at.button(key="studio_listen_button").click().run()
    assert "played again from the copy kept here" in captions(at)
    assert len(speech_posts(sandbox)) == 1


def test_the_part_to_hear_can_be_chosen_and_the_speed_is_used(studio, sandbox, voices):
    at = studio()
    at.text_area(key="studio_script").input(SCRIPT).run()
    with_voice(at, voices["speaks"].voice_id)
    at.slider(key="studio_speed").set_value(1.25).run()
    at.text_area(key="studio_listen_part").input("Siobhan").run()
    at.button(key="studio_listen_button").click().run()
    (post,) = speech_posts(sandbox)
    assert post["request_json"]["text"] == "Siobhan" and post["request_json"]["speed"] == 1.25
    # A changed speed invalidates the player until Listen is pressed again.
    at.slider(key="studio_speed").set_value(1.0).run()
    assert "press Listen to hear it now" in captions(at)


def test_a_voice_heygen_cannot_speak_gets_a_note_instead_of_the_button(studio, sandbox, voices):
    at = studio()
    at.text_area(key="studio_script").input(SCRIPT).run()
    with_voice(at, voices["silent"].voice_id)
    assert "Listen is not available" in captions(at)
    assert not [b for b in at.button if b.key == "studio_listen_button"]
    assert not at.selectbox(key="studio_vo_choice").format_func(voices["silent"].voice_id).startswith("♪")
    assert speech_posts(sandbox) == []


def test_a_refused_listen_shows_why_and_keeps_the_script(studio, sandbox, voices):
    at = studio()
    at.text_area(key="studio_script").input(SCRIPT).run()
    with_voice(at, voices["speaks"].voice_id)
    sandbox.add_fault(method="POST", path="/v3/voices/speech", kind="status", status=400)
    at.button(key="studio_listen_button").click().run()
    assert not at.exception
    assert "could not be spoken" in "\n".join(shown(str(e.value)) for e in at.error)
    assert at.text_area(key="studio_script").value == SCRIPT


def test_the_page_is_drawn_before_the_voices_listen_works_with_are_known(studio, sandbox, voices):
    """They are listed with the avatar and voice lists, in the background: the page's run never waits
    for them (held back longer than a run may take), Listen is offered for every voice until they are
    known, and the first action after they arrive marks the voices."""
    from tests.support import wait_for_catalogue_fetches

    sandbox.add_fault("GET", "/v3/voices", kind="slow", delay_ms=600_000, times=None, query={"engine": "*"})
    try:
        at = studio(complete=False)
        assert [b for b in at.button if (b.key or "").startswith("studio_av_pick_")]
        at.text_area(key="studio_script").input(SCRIPT).run()
        with_voice(at, voices["silent"].voice_id)
        assert not at.exception, [e.value for e in at.exception]
        assert [b for b in at.button if b.key == "studio_listen_button"]  # not known yet: offered
        assert not at.selectbox(key="studio_vo_choice").format_func(voices["speaks"].voice_id).startswith("♪")
    finally:
        sandbox.clear_faults()
        sandbox.release_faults()
    wait_for_catalogue_fetches()
    at.run()
    assert "Listen is not available" in captions(at)
    assert at.selectbox(key="studio_vo_choice").format_func(voices["speaks"].voice_id).startswith("♪ ")
    assert speech_posts(sandbox) == []
