"""inspect_audio: MP3, WAV and M4A are recognised from their bytes and measured; everything else is
refused with its own code and a plain sentence."""

from __future__ import annotations

import io
import struct

import pytest
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from heygen.studio.media import MAX_AUDIO_SECONDS, MAX_UPLOAD_BYTES, AudioInfo, MediaError, inspect_audio
from heygen.studio.media.errors import MAX_AUDIO_BYTES
from tests.media.media_corpus import assert_plain_sentence, box, encode, id3v2, m4a, mp3, photo, wav


def refused(data: bytes, filename: str = "voice.mp3") -> MediaError:
    with pytest.raises(MediaError) as caught:
        inspect_audio(data, filename)
    assert_plain_sentence(str(caught.value))
    return caught.value


# --- accepted ------------------------------------------------------------------------------------


def test_a_short_wav_is_measured():
    data = wav(2.5, rate=16000, width=2)
    info = inspect_audio(data, "take 3.wav")
    assert info == AudioInfo(
        format="wav", mime_type="audio/wav", duration_seconds=2.5, size_bytes=len(data), filename="take 3.wav"
    )


def test_a_stereo_wav_is_measured_by_frames_not_bytes():
    assert inspect_audio(wav(3.0, rate=22050, width=2, channels=2)).duration_seconds == pytest.approx(3.0)


def test_a_wav_named_mp3_gets_the_right_extension():
    info = inspect_audio(wav(1.0), "voice.mp3")
    assert (info.format, info.mime_type, info.filename) == ("wav", "audio/wav", "voice.wav")


def test_exactly_ten_minutes_is_accepted():
    assert inspect_audio(wav(MAX_AUDIO_SECONDS)).duration_seconds == MAX_AUDIO_SECONDS


def test_a_wav_cut_off_midway_is_measured_by_what_is_there():
    whole = wav(10.0)
    cut = whole[: 44 + 8000 * 4]  # header + 4 s of the 10 s the header announces
    assert inspect_audio(cut).duration_seconds == pytest.approx(4.0)


def test_a_wav_with_a_placeholder_size_is_measured_by_what_is_there():
    data = bytearray(wav(3.0))
    struct.pack_into("<I", data, 40, 0xFFFFFFFF)  # the data chunk size a recorder writes while recording
    assert inspect_audio(bytes(data)).duration_seconds == pytest.approx(3.0)


def test_a_real_mp3_is_measured():
    data, length = mp3(5.0)
    assert MP3(io.BytesIO(data)).info.sample_rate == 44100  # the fixture is a real MPEG stream
    info = inspect_audio(data, "voice-over.MP3")
    assert (info.format, info.mime_type, info.filename) == ("mp3", "audio/mpeg", "voice-over.mp3")
    assert info.duration_seconds == pytest.approx(length, abs=0.05)


def test_an_mp3_with_an_id3_tag_is_measured():
    data, length = mp3(3.0)
    info = inspect_audio(id3v2() + data, "tagged.mp3")
    assert info.format == "mp3"
    assert info.duration_seconds == pytest.approx(length, abs=0.05)


def test_an_mp3_named_wav_gets_the_right_extension():
    data, _ = mp3(1.0)
    assert inspect_audio(data, "voice.wav").filename == "voice.mp3"


def test_a_real_m4a_is_measured():
    data, length = m4a(4.0)
    assert MP4(io.BytesIO(data)).info.length == pytest.approx(length)  # the fixture is a real MP4
    info = inspect_audio(data, "memo.m4a")
    assert (info.format, info.mime_type, info.filename) == ("m4a", "audio/mp4", "memo.m4a")
    assert info.duration_seconds == pytest.approx(length)


def test_a_fragmented_m4a_is_measured_from_its_fragments():
    data, length = m4a(6.0, fragmented=True)
    assert length == pytest.approx(6.0, abs=0.03)
    assert inspect_audio(data, "browser-recording.mp4").duration_seconds == pytest.approx(length)


# --- refused -------------------------------------------------------------------------------------


def test_zero_bytes_is_empty():
    assert refused(b"").code == "empty"


def test_text_renamed_mp3_is_not_audio():
    error = refused(b"Welcome to our spring launch! Today we are going to talk about...\n", "script.mp3")
    assert error.code == "not_audio"
    assert str(error).startswith("This file is not an audio file we can read (it looks like text)")


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (encode(photo(300, 300), "JPEG"), "JPEG image"),
        (bytes(range(256)) * 4, "not an audio file we can read"),
    ],
    ids=["pdf", "jpeg", "binary-junk"],
)
def test_other_files_are_not_audio(data, named):
    error = refused(data)
    assert error.code == "not_audio"
    assert named in str(error)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"fLaC\x00\x00\x00\x22" + bytes(64), "FLAC"),
        (b"OggS\x00\x02" + bytes(64), "Ogg"),
        (b"FORM\x00\x00\x10\x00AIFFCOMM" + bytes(64), "AIFF"),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(64), "AAC"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + bytes(64), "WebM"),
    ],
    ids=["flac", "ogg", "aiff", "adts-aac", "webm"],
)
def test_other_audio_formats_are_refused_by_name(data, named):
    error = refused(data)
    assert error.code == "unsupported_format"
    assert named in str(error)


def test_an_eleven_minute_wav_is_too_long():
    data = wav(11 * 60)  # 8 kHz mono 8-bit silence: about 5 MB
    error = refused(data, "webinar.wav")
    assert error.code == "audio_too_long"
    assert str(error) == "This audio is 11 min 0 s long; HeyGen accepts at most 10 minutes."


def test_a_wav_one_second_over_is_too_long():
    error = refused(wav(MAX_AUDIO_SECONDS + 1))
    assert error.code == "audio_too_long"
    assert "10 min 1 s" in str(error)


def test_an_eleven_minute_mp3_is_too_long():
    data, length = mp3(11 * 60, fast=True)
    assert length == pytest.approx(660, abs=0.1)
    error = refused(data)
    assert error.code == "audio_too_long"
    assert "11 min 0 s" in str(error)


def test_an_eleven_minute_m4a_is_too_long():
    data, _ = m4a(11 * 60)
    assert refused(data, "long.m4a").code == "audio_too_long"


def test_a_file_over_heygens_audio_maximum_is_refused_before_parsing():
    data = b"RIFF\x00\x00\x00\x00WAVE" + bytes(MAX_AUDIO_BYTES + 1)
    error = refused(data, "huge.wav")
    assert error.code == "too_large_file"
    assert str(error) == "This file is 200.0 MB; HeyGen accepts audio files of at most 200 MB."


def test_a_recording_over_32_mb_is_accepted_up_to_the_audio_maximum():
    data = wav(200, rate=48000, width=2, channels=2)  # 200 s of 48 kHz 16-bit stereo: 36.6 MB
    assert len(data) > MAX_UPLOAD_BYTES
    info = inspect_audio(data, "long take.wav")
    assert (info.format, info.mime_type, info.size_bytes) == ("wav", "audio/wav", len(data))
    assert info.duration_seconds == pytest.approx(200.0)


def test_a_wav_with_no_sound_in_it_is_empty():
    error = refused(wav(0), "silence.wav")
    assert error.code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b"RIFF\x24\x00\x00\x00WAVE",  # no chunks at all
        b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00",  # the format chunk is cut off
        b"RIFF\x24\x00\x00\x00WAVEdata\x04\x00\x00\x00\x80\x80\x80\x80",  # sound but no format chunk
    ],
    ids=["no-chunks", "cut-format", "no-format"],
)
def test_broken_wavs_are_unreadable(data):
    error = refused(data, "broken.wav")
    assert error.code == "audio_unreadable"
    assert "WAV" in str(error)


def test_an_id3_tag_with_no_sound_after_it_is_unreadable():
    error = refused(id3v2() + b"this is not audio data, just words" * 10)
    assert error.code == "audio_unreadable"


def test_an_m4a_cut_before_its_track_table_is_unreadable():
    data, _ = m4a(3.0)
    error = refused(data[:300], "cut.m4a")
    assert error.code == "audio_unreadable"
    assert "M4A" in str(error)


def test_a_video_is_not_audio():
    data, _ = m4a(3.0, handlers=(b"vide", b"soun"))
    error = refused(data, "clip.m4a")
    assert error.code == "not_audio"
    assert "video" in str(error)


def test_an_mp4_without_a_sound_track_is_not_audio():
    ftyp = box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom")
    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, 5000) + bytes(80))
    error = refused(ftyp + box(b"moov", mvhd), "nothing.m4a")
    assert error.code == "not_audio"
    assert "no sound track" in str(error)
