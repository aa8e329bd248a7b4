"""Hearing a script before rendering: the speech request body, the voices that can speak, and the
on-disk cache that makes a second Listen free (counted in the sandbox's request log)."""

from __future__ import annotations

import io
import os
import stat
import wave

import pytest

from heygen.api import errors
from heygen.api.voices import SPEECH_TEXT_MAX, speech_body
from heygen.studio.speech import PREVIEW_CHARS, SpeechCache, part_to_hear, speech_key


def _speech_requests(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/voices/speech"]


def _wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_speech_body_carries_only_what_is_set():
    assert speech_body("Hello there", "v1") == {"text": "Hello there", "voice_id": "v1"}
    assert speech_body("Hi", " v1 ", speed=1.25, locale="en-GB") == {
        "text": "Hi", "voice_id": "v1", "speed": 1.25, "locale": "en-GB"}


@pytest.mark.parametrize("text, voice, speed, param", [
    ("", "v1", None, "text"),
    ("   ", "v1", None, "text"),
    ("x" * (SPEECH_TEXT_MAX + 1), "v1", None, "text"),
    ("Hi", "", None, "voice_id"),
    ("Hi", "v1", 2.5, "speed"),
    ("Hi", "v1", 0.2, "speed"),
    ("Hi", "v1", True, "speed"),
])
def test_speech_body_refuses_what_heygen_would(text, voice, speed, param):
    with pytest.raises(errors.InvalidRequestError) as caught:
        speech_body(text, voice, speed=speed)
    assert caught.value.param == param


def test_part_to_hear_is_the_first_300_characters_cut_at_a_word():
    short = "Hello Ana, welcome aboard."
    assert part_to_hear(f"  {short}  ") == short
    long = ("word " * 200).strip()
    part = part_to_hear(long)
    assert len(part) <= PREVIEW_CHARS and long.startswith(part) and part.endswith("word")
    assert part_to_hear("x" * 400) == "x" * PREVIEW_CHARS  # no space to cut at


def test_cache_key_depends_on_voice_text_speed_and_account():
    base = speech_key("acct", "v1", "Hello", 1.0)
    assert speech_key("acct", "v1", "Hello", None) == base  # no speed means normal speed
    assert len({base, speech_key("acct", "v2", "Hello", 1.0), speech_key("acct", "v1", "Hello!", 1.0),
                speech_key("acct", "v1", "Hello", 1.2), speech_key("other", "v1", "Hello", 1.0)}) == 5


def test_speech_voice_ids_are_the_starfish_voices(api, sandbox):
    ids = api.voices.speech_voice_ids()
    every = {v.voice_id for v in api.voices.list()} | {v.voice_id for v in api.voices.list(type="private")}
    assert ids and ids < every  # some voices speak, not all
    queries = [e["query"] for e in sandbox.requests_log() if e["path"] == "/v3/voices" and "engine" in e["query"]]
    assert queries and all(q["engine"] == "starfish" for q in queries)


def test_listen_twice_makes_one_request_and_keeps_the_audio_private(api, sandbox, tmp_path):
    voice_id = sorted(api.voices.speech_voice_ids())[0]
    cache = SpeechCache(tmp_path / "speech")
    sandbox.clear_requests_log()
    first = cache.hear(api, "acct", voice_id, "Hello Ana, welcome to Northwind.", 1.0)
    assert not first.cached and first.audio[:4] == b"RIFF" and first.mime_type == "audio/wav"
    second = cache.hear(api, "acct", voice_id, "Hello Ana, welcome to Northwind.", 1.0)
    assert second.cached and second.audio == first.audio
    assert len(_speech_requests(sandbox)) == 1
    # The audio link is presigned: it was fetched without the key.
    downloads = [e for e in sandbox.requests_log(media=True) if e["path"].startswith("/media/speech/")]
    assert len(downloads) == 1 and downloads[0]["key_sent"] is False
    folder = tmp_path / "speech"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    # Another speed, voice or text is another request.
    cache.hear(api, "acct", voice_id, "Hello Ana, welcome to Northwind.", 1.5)
    assert len(_speech_requests(sandbox)) == 2
    # A new process (a new cache object on the same folder) still finds it.
    assert SpeechCache(folder).hear(api, "acct", voice_id, "Hello Ana, welcome to Northwind.", 1.0).cached
    assert len(_speech_requests(sandbox)) == 2


def test_the_audio_lasts_as_long_as_the_text_at_that_speed(api, tmp_path):
    voice_id = sorted(api.voices.speech_voice_ids())[0]
    cache = SpeechCache(tmp_path)
    short = cache.hear(api, "acct", voice_id, "One two three.", 1.0)
    longer = cache.hear(api, "acct", voice_id, "One two three four five six seven eight nine ten.", 1.0)
    faster = cache.hear(api, "acct", voice_id, "One two three four five six seven eight nine ten.", 2.0)
    assert _wav_seconds(short.audio) < _wav_seconds(longer.audio)
    assert _wav_seconds(faster.audio) == pytest.approx(_wav_seconds(longer.audio) / 2, rel=0.05)
    assert longer.duration == pytest.approx(_wav_seconds(longer.audio), abs=0.05)


def test_a_voice_that_cannot_speak_is_refused_and_nothing_is_kept(api, tmp_path):
    speaking = api.voices.speech_voice_ids()
    silent = next(v.voice_id for v in api.voices.list() if v.voice_id not in speaking)
    cache = SpeechCache(tmp_path / "speech")
    with pytest.raises(errors.InvalidRequestError) as caught:
        cache.hear(api, "acct", silent, "Hello.", 1.0)
    assert caught.value.param == "voice_id"
    with pytest.raises(errors.InvalidRequestError):
        cache.hear(api, "acct", "no-such-voice", "Hello.", 1.0)
    with pytest.raises(errors.InvalidRequestError):
        cache.hear(api, "acct", sorted(speaking)[0], "   ", 1.0)
    assert not (tmp_path / "speech").exists() or not os.listdir(tmp_path / "speech")


def test_the_cache_keeps_only_the_newest_clips(api, tmp_path):
    voice_id = sorted(api.voices.speech_voice_ids())[0]
    cache = SpeechCache(tmp_path, max_items=2)
    for word in ("one", "two", "three"):
        cache.hear(api, "acct", voice_id, word, None)
    assert len(list(tmp_path.glob("*.json"))) == 2 and len(list(tmp_path.glob("*.audio"))) == 2
