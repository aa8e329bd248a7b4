"""The Scenes page in AppTest: building a storyboard, per-scene checks, drafts, and a launch that
goes through the safe launch path to the sandbox over real HTTP."""

from __future__ import annotations

from pathlib import Path

from heygen import Client
from heygen.studio.jobs import JobStore
from heygen.studio.scenes import Storyboard
from tests.scenes.conftest import API_KEY
from tests.support import Worker, shown, wait_for

REPO = Path(__file__).resolve().parents[2]
CLIP = (REPO / "heygen" / "sandbox" / "media" / "landscape.mp4").read_bytes()


def _texts(at) -> str:
    return shown("\n".join(m.value for m in at.markdown) + "\n" + "\n".join(e.value for e in at.error))


def _scene_ids(at) -> list[str]:
    return [s.id for s in Storyboard.from_dict(at.session_state["scenes_board"]).scenes]


def _key(at, name: str, scene_id: str | None = None) -> str:
    """The key of a value widget (ui.scenes_form.widget_key): it carries the storyboard's generation."""
    gen = at.session_state["scenes_gen"]
    return f"scn_{scene_id}_{name}_{gen}" if scene_id else f"scenes_{name}_{gen}"


def _add(at, kind: str):
    at.button(key=f"scenes_add_{kind}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return _scene_ids(at)[-1]


def test_empty_storyboard_is_refused_with_a_reason(scenes_page):
    at = scenes_page()
    at.button(key="scenes_generate").click().run()
    assert "Add at least one scene." in _texts(at)


def test_each_problem_is_shown_on_its_scene(scenes_page):
    at = scenes_page()
    avatar = _add(at, "avatar")
    still = _add(at, "image")
    at.segmented_control(key=_key(at, "speech", still)).set_value("silent").run()
    at.number_input(key=_key(at, "duration", still)).set_value(0.0).run()
    at.button(key="scenes_generate").click().run()
    text = _texts(at)
    assert "Scene 1 (avatar speaking): Choose an avatar." in text
    assert "Scene 1 (avatar speaking): Write a script, or upload an audio file instead." in text
    assert "Scene 2 (still image): Set how many seconds the image shows, or narrate it." in text
    assert "Scene 2 (still image): Upload the image to show." in text
    assert at.session_state["scenes_launching"] is False
    assert avatar in _scene_ids(at)


def test_move_duplicate_delete_and_total_length(scenes_page):
    at = scenes_page()
    first = _add(at, "image")
    at.segmented_control(key=_key(at, "speech", first)).set_value("silent").run()
    at.number_input(key=_key(at, "duration", first)).set_value(12.0).run()
    second = _add(at, "clip")
    at.button(key=f"scn_{second}_up").click().run()
    assert _scene_ids(at) == [second, first]
    at.button(key=f"scn_{first}_dup").click().run()
    ids = _scene_ids(at)
    assert len(ids) == 3 and ids[:2] == [second, first]
    board = Storyboard.from_dict(at.session_state["scenes_board"])
    assert board.scenes[2].duration == 12.0 and board.scenes[2].kind == "image"
    assert "Total: about 24 s" in _texts(at)
    at.button(key=f"scn_{second}_del").click().run()
    assert _scene_ids(at) == [first, ids[2]]


def test_a_wrong_clip_is_refused_on_its_scene(scenes_page):
    at = scenes_page()
    clip = _add(at, "clip")
    at.get("file_uploader")[0].upload("notes.mp4", b"just some text, not a video", "video/mp4")
    at.run()
    at.button(key="scenes_generate").click().run()
    assert "Scene 1 (video clip): notes.mp4: This file is" in _texts(at)
    assert clip in _scene_ids(at)


def test_drafts_survive_a_new_session_and_can_be_duplicated(scenes_page):
    at = scenes_page()
    at.text_input(key=_key(at, "title")).set_value("Same intro").run()
    _add(at, "clip")
    first_draft = at.session_state["scenes_draft_id"]
    again = scenes_page()  # a new browser session: the latest draft opens
    assert again.session_state["scenes_draft_id"] == first_draft
    assert again.text_input(key=_key(again, "title")).value == "Same intro"
    again.button(key="scenes_duplicate").click().run()
    copy = again.session_state["scenes_draft_id"]
    assert copy != first_draft
    assert again.text_input(key=_key(again, "title")).value == "Same intro (copy)"
    assert len(Storyboard.from_dict(again.session_state["scenes_board"]).scenes) == 1
    labels = again.selectbox(key="scenes_pick_draft").options
    assert len(labels) == 2 and any(l.startswith("Same intro (copy) · 1 scene") for l in labels)
    assert any(l.startswith("Same intro · 1 scene") for l in labels)


def test_a_storyboard_launches_once_through_the_safe_path(scenes_page, sandbox, scenes_env):
    at = scenes_page()
    still = _add(at, "image")
    at.get("file_uploader")[0].upload("slide.png", _png(), "image/png")
    at.run()
    at.segmented_control(key=_key(at, "speech", still)).set_value("silent").run()
    at.number_input(key=_key(at, "duration", still)).set_value(6.0).run()
    clip = _add(at, "clip")
    uploaders = at.get("file_uploader")
    uploaders[-1].upload("demo.mp4", CLIP, "video/mp4")
    at.run()
    at.slider(key=_key(at, "volume", clip)).set_value(40).run()
    at.text_input(key=_key(at, "title")).set_value("Two scenes").run()
    at.button(key="scenes_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    creates = [r for r in sandbox.requests_log() if r["method"] == "POST" and r["path"] == "/v3/videos"]
    assert len(creates) == 1
    uploads = [r for r in sandbox.requests_log() if r["path"] == "/v3/assets"]
    assert len(uploads) == 2
    store = JobStore(scenes_env)
    job = store.get(at.session_state["selected_job"])
    assert job.kind == "scenes" and job.title == "Two scenes" and job.video_id
    scenes = job.inputs["spec"]["scenes"]
    assert scenes[0]["duration"] == 6.0 and scenes[0]["source"]["type"] == "asset_id"
    assert scenes[1]["playback"] == {"volume": 0.4, "mute": False}


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_failed_render_names_its_scene_and_edit_and_retry_reopens_the_storyboard(scenes_page, sandbox, scenes_env,
                                                                                   monkeypatch):
    at = scenes_page()
    still = _add(at, "image")
    at.get("file_uploader")[0].upload("slide.png", _png(), "image/png")
    at.run()
    at.segmented_control(key=_key(at, "speech", still)).set_value("silent").run()
    at.number_input(key=_key(at, "duration", still)).set_value(4.0).run()
    clip = _add(at, "clip")
    at.get("file_uploader")[-1].upload("demo.mp4", CLIP, "video/mp4")
    at.run()
    at.text_input(key=_key(at, "title")).set_value("All or nothing").run()
    at.button(key="scenes_generate").click().run()
    job_id = at.session_state["selected_job"]
    job = JobStore(scenes_env).get(job_id)
    sandbox.set_video_outcome(job.video_id, "fail", failure_code="scene_failed",
                              failure_message="Scene 2: the clip could not be decoded.", render_seconds=0)
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.5")  # the worker's next check comes soon
    worker = Worker(scenes_env, sandbox.api_key, sandbox.base_url)  # the app starts none: the test steps it
    try:
        wait_for(lambda: (worker.tick(), worker.store.get(job_id).status == "failed")[1], timeout=20,
                 message="the worker never saw the render fail")
    finally:
        worker.close()
    at.switch_page("pages/videos.py").run()
    errors = shown("\n".join(e.value for e in at.error))
    assert "Scene 2: the clip could not be decoded." in errors
    assert "A multi-scene video renders as a whole: when one scene fails, no video is made." in errors
    assert "HeyGen names scene 2" in errors

    assert at.button(key=f"edit_retry_{job_id}")
    at.session_state["scenes_prefill"] = job_id  # what Edit & retry asks (nav.edit_job), as the Studio tests do
    at.switch_page("pages/scenes.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "scenes_prefill" not in at.session_state
    board = Storyboard.from_dict(at.session_state["scenes_board"])
    assert board.title == "All or nothing" and [s.kind for s in board.scenes] == ["image", "clip"]
    assert at.session_state["scenes_draft_id"] != job.inputs["draft_id"]  # a new draft; the old one is kept
    # the files HeyGen already has are reused: generating again uploads nothing
    assert board.scenes[0].picture.asset_id and board.scenes[1].clip.asset_id
    uploads_before = len([r for r in sandbox.requests_log() if r["path"] == "/v3/assets"])
    at.button(key="scenes_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len([r for r in sandbox.requests_log() if r["path"] == "/v3/assets"]) == uploads_before
    creates = [r for r in sandbox.requests_log() if r["method"] == "POST" and r["path"] == "/v3/videos"]
    assert len(creates) == 2 and creates[0]["request_json"] == creates[1]["request_json"]
    assert creates[0]["idempotency_key"] != creates[1]["idempotency_key"]


def test_new_switch_and_delete_drafts(scenes_page):
    at = scenes_page()
    at.text_input(key=_key(at, "title")).set_value("First").run()
    _add(at, "clip")
    first = at.session_state["scenes_draft_id"]
    at.button(key="scenes_new").click().run()
    second = at.session_state["scenes_draft_id"]
    assert second != first and _scene_ids(at) == []
    assert at.text_input(key=_key(at, "title")).value == ""  # named after its first script unless typed
    at.selectbox(key="scenes_pick_draft").set_value(first).run()
    assert at.session_state["scenes_draft_id"] == first
    assert at.text_input(key=_key(at, "title")).value == "First" and len(_scene_ids(at)) == 1
    at.button(key="scenes_delete").click().run()
    assert at.session_state["scenes_draft_id"] == second
    (label,) = at.selectbox(key="scenes_pick_draft").options
    assert label.startswith("Untitled storyboard · 0 scenes")


def test_a_photo_scene_prepares_the_photo_as_in_the_studio(scenes_page):
    at = scenes_page()
    photo = _add(at, "photo")
    at.get("file_uploader")[0].upload("me.png", _png(), "image/png")
    at.run()
    scene = Storyboard.from_dict(at.session_state["scenes_board"]).scenes[0]
    assert scene.id == photo and scene.picture.mime_type == "image/jpeg"  # prepared: an upright JPEG
    assert (scene.picture.width, scene.picture.height) == (640, 360)


def test_a_refused_file_is_said_at_once_and_heygen_s_refusal_lands_on_its_scene(scenes_page, sandbox):
    from heygen.sandbox.catalogue import get_catalogue

    at = scenes_page()
    still = _add(at, "image")
    at.get("file_uploader")[0].upload("notes.png", b"plain text, not an image", "image/png")
    at.run()
    assert "notes.png: This file is" in _texts(at)  # before any launch attempt
    at.get("file_uploader")[0].upload("slide.png", _png(), "image/png")
    at.run()
    assert "notes.png" not in _texts(at)
    at.segmented_control(key=_key(at, "speech", still)).set_value("silent").run()
    avatar = _add(at, "avatar")
    at.session_state[f"scn_{avatar}_avatar_id"] = "look_removed_since"  # chosen earlier, gone from HeyGen now
    at.session_state[f"scn_{avatar}_voice_id"] = get_catalogue().voices[0].voice_id
    at.run()
    at.text_area(key=_key(at, "script", avatar)).input("Hello there.").run()
    at.button(key="scenes_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["scenes_launch_error"]["param"] == "scenes[1].input.avatar_id"
    assert "HeyGen: Scene 2: Avatar look &#x27;look_removed_since&#x27; not found." in _texts(at)  # on the scene
    uploads = [r for r in sandbox.requests_log() if r["path"] == "/v3/assets"]
    assert len(uploads) == 1  # the slide; it is not uploaded again on the next try


def test_the_voice_picker_marks_the_voices_listen_can_speak(scenes_page, sandbox):
    with Client(API_KEY, sandbox.base_url) as client:
        speaking = client.voices.speech_voice_ids()
        public = client.voices.list(type="public")
    speaks = next(v for v in public if v.voice_id in speaking)
    silent = next(v for v in public if v.voice_id not in speaking)
    at = scenes_page()
    avatar = _add(at, "avatar")
    choice = at.selectbox(key=f"scn_{avatar}_vo_choice")
    assert choice.format_func(speaks.voice_id).startswith("♪ ")
    assert not choice.format_func(silent.voice_id).startswith("♪")


def test_a_new_storyboard_s_video_is_named_after_its_first_script(scenes_page):
    at = scenes_page()
    assert at.text_input(key=_key(at, "title")).value == ""
    scene = _add(at, "avatar")
    at.text_area(key=_key(at, "script", scene)).input("Welcome to the spring product tour of Northwind.").run()
    assert not at.exception, [e.value for e in at.exception]
    text = shown("\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.code)))
    assert "Welcome to the spring product tour…" in text and "My storyboard" not in text
