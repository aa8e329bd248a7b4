"""Local checks before anything is sent: every attachment kind accepted or refused with a specific
message, every request rule, and the history title taken from the prompt."""

from __future__ import annotations

import hashlib

import pytest

import agent_corpus as corpus
from heygen.studio.agent_launch import agent_title, check_attachment, check_spec
from heygen.api.agents import AgentSpec
from heygen.studio.media import MediaError


def plain(message: str) -> None:
    assert message[0].isupper() and message.rstrip().endswith("."), message
    for word in ("Traceback", "Error", "None", "b'"):
        assert word not in message, message


# -- attachments accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "kind", "mime", "filename", "detail"),
    [
        ("shoe.png", corpus.png, "image", "image/jpeg", "shoe.jpg", "Image · 900×600"),
        ("shoe.jpeg", corpus.jpeg, "image", "image/jpeg", "shoe.jpg", "Image · 900×600"),
        ("shoe.webp", corpus.webp, "image", "image/jpeg", "shoe.jpg", "Image · 900×600"),
        ("brochure.pdf", corpus.pdf, "pdf", "application/pdf", "brochure.pdf", "PDF document · 1 KB"),
        ("teaser.mp4", corpus.mp4, "video", "video/mp4", "teaser.mp4", "MP4 clip · 48 KB"),
        ("teaser.webm", corpus.webm, "video", "video/webm", "teaser.webm", "WebM clip · 4 KB"),
        ("jingle.wav", lambda: corpus.wav(3), "audio", "audio/wav", "jingle.wav", "WAV audio · 3 s"),
        ("voice.mp3", lambda: corpus.mp3(75), "audio", "audio/mpeg", "voice.mp3", "MP3 audio · 1:15"),
    ],
)
def test_accepted_files(name, make, kind, mime, filename, detail):
    data = make()
    attachment = check_attachment(data, name)
    assert (attachment.kind, attachment.mime_type, attachment.filename, attachment.name) == (kind, mime, filename, name)
    assert attachment.detail == detail
    assert attachment.digest == hashlib.sha256(data).hexdigest()
    if kind == "image":
        assert attachment.data.startswith(b"\xff\xd8\xff")  # prepared as a JPEG
    else:
        assert attachment.data == data  # sent as it is
    record = attachment.record()
    assert record["asset_id"] is None and record["digest"] == attachment.digest and "data" not in record


def test_the_content_decides_the_kind_not_the_name():
    attachment = check_attachment(corpus.pdf(), "brochure.jpg")
    assert attachment.kind == "pdf" and attachment.filename == "brochure.pdf"
    attachment = check_attachment(corpus.png(), "../../etc/passwd")
    assert attachment.kind == "image" and attachment.filename == "passwd.jpg"


def test_a_png_is_converted_and_says_so():
    assert "Converted from PNG to JPEG" in check_attachment(corpus.png(), "logo.png").notes


# -- attachments refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "code", "words"),
    [
        ("empty.pdf", lambda: b"", "empty", "empty (0 bytes)"),
        ("huge.pdf", corpus.big_pdf, "too_large_file", "33.0 MB; HeyGen accepts files of at most 32 MB"),
        ("tiny.png", corpus.tiny_png, "too_small", "only 120×80 pixels; Video Agent needs images of at least 256"),
        ("spin.gif", corpus.animated_gif, "unsupported_format", "GIF image"),
        ("odd.pdf", corpus.pdf_without_version, "truncated", "This PDF is damaged"),
        ("song.m4a", corpus.m4a, "unsupported_format", "M4A audio; Video Agent takes MP3 or WAV audio"),
        ("phone.mov", corpus.mov, "unsupported_format", "QuickTime video; Video Agent takes MP4 or WebM clips"),
        ("cut.mp4", corpus.truncated_mp4, "truncated", "This MP4 file is damaged or incomplete"),
        ("film.mkv", corpus.mkv, "unsupported_format", "Matroska (MKV) video"),
        ("track.flac", corpus.flac, "unsupported_format", "FLAC audio; Video Agent takes MP3 or WAV audio"),
        ("long.wav", lambda: corpus.wav(601), "audio_too_long", "10 min 1 s long; HeyGen accepts at most 10 minutes"),
        ("notes.docx", corpus.docx, "unsupported_format", "ZIP archive or an Office document"),
        ("notes.txt", corpus.text, "unsupported_format", "plain text"),
        ("blob.bin", corpus.unknown_binary, "unsupported_format", "not a kind Video Agent can use"),
    ],
)
def test_refused_files_say_why(name, make, code, words):
    with pytest.raises(MediaError) as info:
        check_attachment(make(), name)
    assert info.value.code == code
    assert words in str(info.value), str(info.value)
    plain(str(info.value))


def test_refusals_name_what_is_accepted():
    with pytest.raises(MediaError) as info:
        check_attachment(corpus.docx(), "notes.docx")
    for accepted in ("JPEG, PNG or WebP images", "PDF documents", "MP4 or WebM clips", "MP3 or WAV audio"):
        assert accepted in str(info.value)
    assert "Save documents as PDF first." in str(info.value)


# -- request rules ------------------------------------------------------------------------------------


def test_a_plain_prompt_has_no_problems():
    assert check_spec(AgentSpec(prompt="A short product intro.")) == {}


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t  \n", None])
def test_an_empty_or_blank_prompt_is_refused(prompt):
    assert check_spec(AgentSpec(prompt=prompt)) == {"prompt": "Describe the video you want: the prompt is empty."}


def test_the_prompt_limit_counts_the_text_without_surrounding_blanks():
    assert check_spec(AgentSpec(prompt="x" * 10_000)) == {}
    assert check_spec(AgentSpec(prompt="  " + "x" * 10_000 + "\n\n")) == {}
    problems = check_spec(AgentSpec(prompt="x" * 10_001))
    assert problems == {"prompt": "The prompt is 10,001 characters; Video Agent accepts at most 10,000. "
                                  "Shorten it by 1."}


def test_at_most_20_files_counting_those_still_to_upload():
    assert check_spec(AgentSpec(prompt="Hi", file_asset_ids=["a"] * 5), pending_files=15) == {}
    problems = check_spec(AgentSpec(prompt="Hi", file_asset_ids=["a"] * 5), pending_files=17)
    assert problems == {"files": "Video Agent takes at most 20 files and 22 are attached; remove 2."}
    assert check_spec(AgentSpec(prompt="Hi"), pending_files=21)["files"].endswith("remove 1.")


def test_an_empty_asset_id_is_refused():
    assert "files" in check_spec(AgentSpec(prompt="Hi", file_asset_ids=["a", " "]))


@pytest.mark.parametrize("orientation", ["square", "Landscape", "16:9", ""])
def test_orientation_must_be_landscape_portrait_or_none(orientation):
    assert set(check_spec(AgentSpec(prompt="Hi", orientation=orientation))) == {"orientation"}
    for fine in ("landscape", "portrait", None):
        assert check_spec(AgentSpec(prompt="Hi", orientation=fine)) == {}


@pytest.mark.parametrize(("name", "field"), [("avatar_id", "avatar"), ("voice_id", "voice"), ("style_id", "style")])
def test_chosen_ids_must_not_be_blank(name, field):
    assert set(check_spec(AgentSpec(prompt="Hi", **{name: "  "}))) == {field}
    assert check_spec(AgentSpec(prompt="Hi", **{name: "abc"})) == {}


def test_the_callback_url_must_be_http():
    assert check_spec(AgentSpec(prompt="Hi", callback_url="https://example.com/hook")) == {}
    assert set(check_spec(AgentSpec(prompt="Hi", callback_url="example.com/hook"))) == {"callback_url"}


def test_every_problem_at_once_is_plain():
    problems = check_spec(AgentSpec(prompt="", orientation="up", avatar_id="", callback_url="x"), pending_files=30)
    assert set(problems) == {"prompt", "orientation", "avatar", "callback_url", "files"}
    for message in problems.values():
        plain(message)


# -- titles -----------------------------------------------------------------------------------------


def test_the_title_is_the_prompts_first_words():
    assert agent_title("A 45-second product intro for our new running shoe, upbeat") == \
        "Agent: A 45-second product intro for our…"
    assert agent_title("Quarterly update.") == "Agent: Quarterly update"
    assert agent_title("   ") == "Agent video"
    assert agent_title("x" * 80) == "Agent: " + "x" * 47 + "…"
