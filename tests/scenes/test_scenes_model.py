"""The storyboard model: lengths, per-scene checks, the type studio body (checked against the
contract) and the uploads that fill its files in."""

from __future__ import annotations

import pytest

from heygen.api.videos import StudioSpec, spec_from_dict
from heygen.studio.scenes import (
    BOARD, MAX_SCENES, PLACEHOLDER, SceneFile, Storyboard, adopt_assets, build, flat_problems, problems, scene_seconds,
    total_seconds, video_title,
)
from heygen.studio.scripting import estimated_seconds
from tests.contract.contract import ContractViolation, validate_request

SCRIPT = "Hello and welcome. This short scene introduces the product in a few friendly words."


def three_scenes() -> Storyboard:
    board = Storyboard(title="Tour", aspect_ratio="1:1", resolution="720p", captions="burned")
    avatar = board.add("avatar")
    avatar.avatar_id, avatar.voice_id, avatar.script = "look_1", "voice_1", SCRIPT
    still = board.add("image")
    still.speech, still.duration = "silent", 7.0
    still.picture = SceneFile("slide.png", stored="a.jpg", mime_type="image/jpeg")
    clip = board.add("clip")
    clip.clip = SceneFile("demo.mov", stored="b.mov", mime_type="video/quicktime", seconds=4.0)
    clip.volume, clip.mute = 0.3, False
    return board


def test_lengths_per_scene_and_in_total():
    board = three_scenes()
    assert scene_seconds(board.scenes[0]) == pytest.approx(estimated_seconds(SCRIPT))
    assert [scene_seconds(s) for s in board.scenes[1:]] == [7.0, 4.0]
    assert total_seconds(board) == pytest.approx(estimated_seconds(SCRIPT) + 11.0)


def test_body_matches_the_contract_and_uploads_fill_each_scene():
    board = three_scenes()
    spec, uploads = build(board, read=lambda f: f.stored.encode())
    assert [(u.role, u.target, u.data) for u in uploads] == [("image", "1/source", b"a.jpg"), ("clip", "2/source", b"b.mov")]
    for n, upload in enumerate(uploads):
        spec.fill(upload.target, f"asset_{n}")
    body = spec.to_body()
    validate_request("POST", "/v3/videos", body)
    assert body["caption"] == {"file_format": "srt", "style": "default"}
    assert body["scenes"][0] == {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": "look_1",
                                                                    "script": SCRIPT, "voice_id": "voice_1"}}
    assert body["scenes"][1] == {"type": "image", "source": {"type": "asset_id", "asset_id": "asset_0"}, "duration": 7.0}
    assert body["scenes"][2]["playback"] == {"volume": 0.3, "mute": False}
    assert isinstance(spec_from_dict(spec.to_dict()), StudioSpec)
    assert spec_from_dict(spec.to_dict()).to_body() == body


def test_photo_and_narrated_scenes_with_audio_match_the_contract():
    board = Storyboard()
    photo = board.add("photo")
    photo.picture = SceneFile("me.jpg", stored="p.jpg", mime_type="image/jpeg")
    photo.speech, photo.audio = "audio", SceneFile("take.wav", stored="t.wav", mime_type="audio/wav", seconds=3.5)
    narrated = board.add("image")
    narrated.picture = SceneFile("chart.png", asset_id="known")  # uploaded by an earlier launch: not again
    narrated.script, narrated.voice_id, narrated.speed = "Sales doubled.", "voice_2", 1.2
    spec, uploads = build(board, read=lambda f: b"x")
    assert [u.target for u in uploads] == ["0/input/image", "0/input/audio_asset_id"]
    for upload in uploads:
        spec.fill(upload.target, "id_" + upload.role)
    body = spec.to_body()
    validate_request("POST", "/v3/videos", body)
    assert body["scenes"][0]["input"] == {"type": "image", "image": {"type": "asset_id", "asset_id": "id_image"},
                                          "audio_asset_id": "id_audio"}
    assert body["scenes"][1]["voice_settings"] == {"speed": 1.2}
    assert scene_seconds(photo) == 3.5


def test_the_preview_shows_placeholders_and_is_not_sendable():
    spec, uploads = build(three_scenes())
    assert uploads == []
    assert spec.to_body()["scenes"][1]["source"]["asset_id"] == PLACEHOLDER


def test_every_problem_is_named_on_its_scene():
    board = Storyboard()
    empty_avatar = board.add("avatar")
    silent = board.add("image")
    silent.speech, silent.duration = "silent", None
    long_still = board.add("image")
    long_still.speech, long_still.duration = "silent", 301
    long_still.picture = SceneFile("a.png", stored="a.jpg")
    voiceless = board.add("photo")
    voiceless.picture = SceneFile("me.jpg", stored="m.jpg")
    voiceless.script = "x" * 5001
    bad_clip = board.add("clip")
    bad_clip.clip = SceneFile("notes.mp4", error="This file is text; please upload an MP4 or MOV video.")
    no_audio = board.add("avatar")
    no_audio.avatar_id, no_audio.speech = "look", "audio"
    found = problems(board)
    assert found[empty_avatar.id] == ["Choose an avatar.", "Write a script, or upload an audio file instead."]
    assert found[silent.id] == ["Upload the image to show.", "Set how many seconds the image shows, or narrate it."]
    assert found[long_still.id] == ["A still image shows for at most 300 seconds (301 s asked)."]
    assert found[voiceless.id][0].startswith("The script has 5,001 characters; the limit is 5,000.")
    assert found[voiceless.id][1] == "Choose a voice for the script."
    assert found[bad_clip.id][0] == "notes.mp4: This file is text; please upload an MP4 or MOV video."
    assert found[no_audio.id] == ["Upload an audio file, or switch to a script."]
    lines = list(flat_problems(board, found).values())
    assert lines[0] == "Scene 1 (avatar speaking): Choose an avatar."
    assert "Scene 5 (video clip): notes.mp4" in lines[-2]


def test_scene_count_limits():
    assert problems(Storyboard())[BOARD] == ["Add at least one scene."]
    board = Storyboard()
    for _ in range(MAX_SCENES + 1):
        scene = board.add("image")
        scene.speech = "silent"
        scene.picture = SceneFile("a.png", stored="a.jpg")
    assert "at most 50 scenes" in problems(board)[BOARD][0]
    board.scenes.pop()
    assert problems(board) == {}


def test_editing_the_storyboard():
    board = three_scenes()
    ids = [s.id for s in board.scenes]
    board.move(ids[0], -1)  # already first: nothing happens
    board.move(ids[2], -1)
    assert [s.id for s in board.scenes] == [ids[0], ids[2], ids[1]]
    copy = board.duplicate(ids[0])
    assert board.scenes[1] is copy and copy.id != ids[0] and copy.script == SCRIPT
    board.delete(ids[2])
    assert [s.id for s in board.scenes] == [ids[0], copy.id, ids[1]]
    assert Storyboard.from_dict(board.to_dict()).to_dict() == board.to_dict()


def test_a_launch_asset_ids_are_adopted_for_a_retry():
    board = three_scenes()
    spec, uploads = build(board, read=lambda f: b"x")
    for upload in uploads:
        spec.fill(upload.target, "A" + upload.target)
    again = adopt_assets(board, spec.to_dict())
    assert again.scenes[1].picture.asset_id == "A1/source" and again.scenes[2].clip.asset_id == "A2/source"
    _, uploads = build(again, read=lambda f: b"x")
    assert uploads == []


def test_the_contract_refuses_a_scene_without_its_source():
    spec, _ = build(three_scenes())
    body = spec.to_body()
    del body["scenes"][2]["source"]
    with pytest.raises(ContractViolation):
        validate_request("POST", "/v3/videos", body)


@pytest.mark.parametrize("message, named", [
    ("Scene 2: the avatar could not be animated.", "HeyGen names scene 2"),
    ("Invalid value at scenes[0].source", "HeyGen names scene 1"),
    ("Rendering failed.", "HeyGen did not say which scene"),
    (None, "HeyGen did not say which scene"),
])
def test_a_failed_render_is_explained_as_all_or_nothing(message, named):
    from heygen.studio.scenes import failure_note

    note = failure_note(message)
    assert note.startswith("A multi-scene video renders as a whole: when one scene fails, no video is made.")
    assert named in note


def test_edit_and_retry_of_a_multi_scene_job_opens_the_scenes_page():
    from heygen.studio import kinds
    from ui import nav

    assert nav.editor(kinds.of("scenes").editor) is nav.SCENES and nav.SCENES in nav.ALL
    assert nav.prefill_key(nav.SCENES) == "scenes_prefill"


def test_an_untitled_storyboard_is_named_after_its_first_script():
    board = Storyboard()
    assert video_title(board) == "" and build(board)[0].title is None
    clip = board.add("clip")
    clip.clip = SceneFile("demo.mov", stored="b.mov", mime_type="video/quicktime", seconds=4.0)
    still = board.add("image")
    still.speech, still.script = "silent", "Not spoken"
    avatar = board.add("avatar")
    avatar.avatar_id, avatar.voice_id, avatar.script = "look_1", "voice_1", SCRIPT
    assert video_title(board) == "Hello and welcome. This short scene…"
    assert build(board)[0].title == "Hello and welcome. This short scene…"
    board.title = "  Spring tour "
    assert video_title(board) == "Spring tour" and build(board)[0].title == "Spring tour"
