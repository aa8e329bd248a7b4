"""Both sides of the wire against HeyGen's contract: every body the client sends and every answer
the sandbox gives, captured from real HTTP traffic, validates against the extracted schemas."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from heygen import Client, VideoSpec
from heygen.api import errors
from heygen.sandbox import Sandbox
from heygen.sandbox.media import script_duration
from tests.contract.contract import operation_for, validate_query, validate_request, validate_response

KEY = "sk-contract-0123456789abcdef0123"


@pytest.fixture(scope="module")
def traffic():
    """Drive every operation the studio uses through the client; return the sandbox's request log."""
    with Sandbox(api_key=KEY, render_seconds=0.4) as sb:
        client = Client(KEY, sb.base_url, sleep=lambda s: None)
        client.users.me()
        looks = client.avatars.looks(limit=120)
        client.avatars.looks(avatar_type="photo_avatar", ownership="public", limit=5)
        client.avatars.looks(ownership="private")
        client.avatars.groups(limit=60)
        voices = client.voices.list(limit=150)
        client.voices.list(type="private")
        client.voices.list(language="German", gender="female", limit=3)
        photo = client.assets.upload(b"\xff\xd8\xff" + b"1" * 300, filename="p.jpg", mime_type="image/jpeg")
        audio = client.assets.upload(b"ID3" + b"2" * 300, filename="a.mp3", mime_type="audio/mpeg")
        look = next(x for x in looks if x.ready)
        voice = voices[0]
        specs = [
            VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello.", title="Every option",
                      resolution="1080p", aspect_ratio="9:16", background_color="#123456",
                      remove_background=False, speed=1.1, pitch=-5, callback_id="x"),
            VideoSpec(image_asset_id=photo.asset_id, audio_asset_id=audio.asset_id, title="Photo",
                      expressiveness="medium", motion_prompt="smiles", background_asset_id=photo.asset_id),
            VideoSpec(image_url="https://example.com/face.jpg", script="Hi.", voice_id=voice.voice_id),
        ]
        ids = [client.videos.create(spec).video_id for spec in specs]
        for _ in range(100):
            if all(client.videos.get(i).is_terminal for i in ids):
                break
            time.sleep(0.05)
        client.videos.statuses(ids + ["v_unknown"])
        client.videos.list(limit=2)
        client.videos.list(title="Photo")
        sb.configure(render_outcome="fail")
        failing = client.videos.create(specs[0]).video_id
        sb.set_video_outcome(failing, "fail", render_seconds=0)
        sb.configure(render_outcome="complete", render_seconds=3600)
        queued = client.videos.create(specs[0]).video_id
        client.videos.statuses([failing, queued])
        client.videos.delete(ids[-1])
        for bad in ({"type": "avatar", "script": "x"}, {"type": "image", "script": "x", "voice_id": voice.voice_id}):
            with pytest.raises(errors.InvalidRequestError):
                client.videos.create(bad)
        with pytest.raises(errors.NotFoundError):
            client.videos.get(ids[-1])
        with pytest.raises(errors.AuthenticationError):
            Client("sk-wrong-key-000000000000", sb.base_url).users.me()
        # Operations the client does not call yet are exercised over plain HTTP.
        headers = {"X-Api-Key": KEY}
        requests.get(f"{sb.base_url}/v3/video-agents/styles", params={"limit": 5}, headers=headers, timeout=5)
        requests.get(f"{sb.base_url}/v3/videos/statuses", params={"video_ids": ",".join(f"v_{n}" for n in range(101))},
                     headers=headers, timeout=5)
        requests.get(f"{sb.base_url}/v3/videos/statuses", params={"batch_ids": "b_unknown"}, headers=headers, timeout=5)
        requests.post(f"{sb.base_url}/v3/video-agents", json={"prompt": "A product intro", "orientation": "portrait"},
                      headers=headers, timeout=5)
        _lipsync_traffic(client, sb)
        _translation_traffic(client, sb)
        _chat_traffic(client, sb)
        _direct_upload_traffic(sb)
        _studio_traffic(client, sb, looks, voices)
        _formats_traffic(client, sb, looks, voices)
        yield sb.requests_log()


def _formats_traffic(client, sb, looks, voices):
    """Videos with captions, a square or portrait-ish frame, fit, transparent webm and Avatar V; speech."""
    sb.configure(render_seconds=0.2, max_concurrent_renders=None)
    studio = next(x for x in looks if x.ready and x.avatar_type == "studio_avatar" and "avatar_v" in x.supported_api_engines)
    specs = [
        VideoSpec(avatar_id=studio.id, voice_id=studio.default_voice_id, script="Captions, burned in.",
                  title="Formats burned", aspect_ratio="1:1", fit="contain", captions="burned",
                  output_format="webm", engine="avatar_v"),
        VideoSpec(avatar_id=studio.id, voice_id=studio.default_voice_id, script="A subtitle file.",
                  title="Formats sidecar", aspect_ratio="4:5", fit="cover", captions="sidecar", engine="avatar_iv"),
    ]
    ids = [client.videos.create(spec).video_id for spec in specs]
    for _ in range(200):
        if all(client.videos.get(i).is_terminal for i in ids):
            break
        time.sleep(0.03)
    speaking = sorted(client.voices.speech_voice_ids())
    client.voices.speech("Hello Siobhan, welcome aboard.", speaking[0], speed=1.25)
    client.voices.speech("Plain text.", speaking[1])
    with pytest.raises(errors.InvalidRequestError):
        client.voices.speech("Hello.", next(v.voice_id for v in voices if v.voice_id not in speaking))


DIRECT_SIZE = 33 * 1024 * 1024


def _studio_traffic(client, sb, looks, voices):
    """A multi-scene video (type studio) built from a storyboard: sent, watched to the end, and one refused."""
    from heygen.studio.scenes import SceneFile, Storyboard, build

    clip = (Path(__file__).resolve().parents[2] / "heygen" / "sandbox" / "media" / "landscape.mp4").read_bytes()
    board = Storyboard(title="Storyboard", aspect_ratio="1:1", resolution="720p", captions="sidecar")
    look = next(x for x in looks if x.ready)
    avatar = board.add("avatar")
    avatar.avatar_id, avatar.voice_id, avatar.script = look.id, voices[0].voice_id, "Welcome to the tour."
    still = board.add("image")
    still.speech, still.duration = "silent", 3.0
    still.picture = SceneFile("slide.png", mime_type="image/png")
    scene = board.add("clip")
    scene.clip, scene.volume = SceneFile("demo.mp4", mime_type="video/mp4"), 0.5
    files = {"slide.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "demo.mp4": clip}
    spec, uploads = build(board, read=lambda f: files[f.name])
    for upload in uploads:
        spec.fill(upload.target, client.assets.upload(upload.data, filename=upload.filename,
                                                       mime_type=upload.mime_type).asset_id)
    sb.configure(render_seconds=0.2)
    video_id = client.videos.create(spec).video_id
    for _ in range(100):
        if client.videos.get(video_id).is_terminal:
            break
        time.sleep(0.05)
    refused = spec.to_body()
    refused["scenes"][1]["duration"] = 301
    with pytest.raises(errors.InvalidRequestError):
        client.videos.create(refused)


def _direct_upload_traffic(sb):
    """A file over 32 MB uploaded directly (create, keyless PUT, complete, asset processing then ready),
    complete repeated, and a create HeyGen refuses."""
    sb.configure(asset_ready_seconds=0.3)
    data = b"RIFF" + (DIRECT_SIZE - 8).to_bytes(4, "little") + b"WAVEfmt " + bytes(DIRECT_SIZE - 16)
    with Client(KEY, sb.base_url) as waiting:  # real sleeps: the asset is seen processing, then ready
        asset = waiting.assets.upload_file(data, filename="long take.wav", mime_type="audio/wav")
        waiting.assets.complete(asset.asset_id)
    requests.post(f"{sb.base_url}/v3/assets/direct-uploads", headers={"X-Api-Key": KEY}, timeout=5,
                  json={"filename": "x.wav", "content_type": "audio/wav"})


def test_direct_upload_operations_are_covered_and_valid(traffic):
    entries = api_entries(traffic)
    ops = [operation_for(e["method"], e["path"]) for e in entries if e["path"].startswith("/v3/assets/")]
    assert set(ops) == {"POST /v3/assets/direct-uploads", "POST /v3/assets/{asset_id}/complete",
                        "GET /v3/assets/{asset_id}"}
    creates = [e for e in entries if e["path"] == "/v3/assets/direct-uploads"]
    assert [e["status"] for e in creates] == [200, 400]
    validate_request("POST", "/v3/assets/direct-uploads", creates[0]["request_json"])
    assert creates[0]["request_json"]["size_bytes"] == DIRECT_SIZE
    completes = [e for e in entries if e["path"].endswith("/complete")]
    assert len(completes) == 2 and completes[0]["response_json"] == completes[1]["response_json"]
    for entry in completes:
        validate_request("POST", "/v3/assets/{asset_id}/complete", entry["request_json"])
    urls = [e["response_json"]["data"]["url"] for e in entries
            if e["method"] == "GET" and e["path"].startswith("/v3/assets/")]
    assert urls[0] is None and urls[-1]
    # the upload's PUT goes to storage, not the API (tests/client); the only API PUT replaces proofread subtitles
    assert not [e for e in traffic if e["method"] == "PUT" and not e["path"].startswith("/v3/video-translations/")]


def _chat_traffic(client, sb):
    """A Video Agent chat: brand kits, a chat create, its question, an answer, a draft, a change, a stop."""
    from heygen.api.agents import AgentSpec

    sb.configure(render_seconds=0.2, agent_render_seconds=1.0, max_concurrent_renders=None)
    kits = client.brand_kits.list()
    session = client.video_agents.create(AgentSpec(prompt="A webinar invite", mode="chat",
                                                   brand_kit_id=kits[0].brand_kit_id, orientation="landscape"))

    def until(*statuses):
        for _ in range(200):
            state = client.video_agents.session(session.session_id)
            if state.status in statuses:
                return state
            time.sleep(0.03)
        raise AssertionError(f"the session never reached {statuses}")

    until("waiting_for_input")
    client.video_agents.send_message(session.session_id, "For customers; the webinar is on 3 March.")
    until("generating")
    until("completed")
    client.video_agents.send_message(session.session_id, "A shorter intro, please.")
    until("generating")
    client.video_agents.videos(session.session_id)
    client.video_agents.stop(session.session_id)
    until("completed")
    client.video_agents.videos(session.session_id)
    with pytest.raises(errors.InvalidRequestError):
        client.video_agents.send_message(session.session_id, "One more change.")


def api_entries(traffic):
    return [e for e in traffic if e["path"].startswith("/v3/")]


def test_multi_scene_bodies_and_answers_are_valid(traffic):
    entries = api_entries(traffic)
    creates = [e for e in entries if e["method"] == "POST" and e["path"] == "/v3/videos"
               and (e.get("request_json") or {}).get("type") == "studio"]
    assert [e["status"] for e in creates] == [200, 400]
    validate_request("POST", "/v3/videos", creates[0]["request_json"])
    assert [s["type"] for s in creates[0]["request_json"]["scenes"]] == ["avatar_video", "image", "video"]
    assert creates[1]["response_json"]["error"]["message"].startswith("Scene 2:")
    video_id = creates[0]["response_json"]["data"]["video_id"]
    done = [e["response_json"]["data"] for e in entries if e["method"] == "GET" and e["path"] == f"/v3/videos/{video_id}"]
    assert done[-1]["status"] == "completed"
    assert done[-1]["duration"] == pytest.approx(script_duration("Welcome to the tour.") + 3.0 + 4.0, abs=0.05)


def test_traffic_covers_every_operation(traffic):
    seen = {operation_for(e["method"], e["path"]) for e in api_entries(traffic)}
    assert seen >= {
        "GET /v3/users/me", "GET /v3/avatars/looks", "GET /v3/avatars", "GET /v3/voices", "POST /v3/assets",
        "POST /v3/videos", "GET /v3/videos", "GET /v3/videos/{video_id}", "DELETE /v3/videos/{video_id}",
        "GET /v3/video-agents/styles", "POST /v3/video-agents", "GET /v3/videos/statuses",
    }


def test_the_video_agent_chat_operations_are_covered_and_their_bodies_are_valid(traffic):
    entries = api_entries(traffic)
    seen = {operation_for(e["method"], e["path"]) for e in entries}
    assert seen >= {"POST /v3/video-agents/{session_id}", "POST /v3/video-agents/{session_id}/stop",
                    "GET /v3/video-agents/{session_id}/videos", "GET /v3/brand-kits",
                    "GET /v3/video-agents/{session_id}"}
    checked = 0
    for entry in entries:
        operation = operation_for(entry["method"], entry["path"])
        if entry["method"] == "POST" and operation.startswith("POST /v3/video-agents") and entry["request_json"]:
            validate_request("POST", operation.split(" ", 1)[1], entry["request_json"])
            checked += 1
    assert checked >= 4  # the chat create, two messages and the refused third one
    statuses = {e["response_json"]["data"]["status"] for e in entries
                if operation_for(e["method"], e["path"]) == "GET /v3/video-agents/{session_id}" and e["status"] == 200}
    assert {"thinking", "waiting_for_input", "generating", "completed"} <= statuses


def test_every_json_request_body_the_client_built_is_valid(traffic):
    checked = 0
    for entry in api_entries(traffic):
        if entry["method"] == "POST" and entry["path"] == "/v3/videos" and entry["status"] == 200:
            validate_request("POST", "/v3/videos", entry["request_json"])
            checked += entry["request_json"].get("type") != "studio"  # multi-scene bodies: their own test
    assert checked == 7  # the three specs, two more for the bulk statuses, two with output options


def test_every_query_the_client_sent_is_valid(traffic):
    for entry in api_entries(traffic):
        if entry["method"] == "GET" and entry["query"]:
            validate_query("GET", entry["path"], entry["query"])


def test_every_sandbox_answer_is_valid(traffic):
    statuses, bulk, with_error = set(), set(), set()
    for entry in api_entries(traffic):
        body = entry["response_json"]
        assert body is not None, entry["path"]
        validate_response(entry["method"], entry["path"], body, status=entry["status"])
        if entry["status"] == 200 and entry["path"].startswith("/v3/videos/") and entry["method"] == "GET":
            if entry["path"] == "/v3/videos/statuses":
                bulk |= {item["status"] for item in body["data"]}
                with_error |= {item["status"] for item in body["data"] if item.get("error")}
            else:
                statuses.add(body["data"]["status"])
    assert "completed" in statuses and statuses - {"completed"}, "running states were seen and validated too"
    assert bulk == {"queued", "completed", "failed", "not_found"} and with_error == {"failed"}


def test_bulk_status_queries_name_at_most_100_ids(traffic):
    bulk = [e for e in api_entries(traffic) if e["path"] == "/v3/videos/statuses"]
    sizes = {len(e["query"]["video_ids"].split(",")): e["status"] for e in bulk if "video_ids" in e["query"]}
    assert sizes[101] == 400 and all(status == 200 for size, status in sizes.items() if size <= 100)


def test_error_answers_use_the_v3_envelope(traffic):
    errors_seen = {e["status"] for e in api_entries(traffic) if e["status"] >= 400}
    assert {400, 401, 404} <= errors_seen


def _wav(seconds: float) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    return buffer.getvalue()


def _lipsync_traffic(client, sb):
    """Videos made elsewhere listed page by page; a lip-sync created, watched to the end and listed; a bad range."""
    from heygen.api.lipsyncs import LipsyncSpec

    before = sb.config
    sb.configure(render_seconds=0.3, elsewhere_videos=3, max_concurrent_renders=None)
    first = client.videos.page(limit=2)
    client.videos.page(token=first.next_token, limit=2)
    source = client.videos.get("v_elsewhere_01")
    audio = client.assets.upload(_wav(1.5), filename="line.wav", mime_type="audio/wav")
    spec = LipsyncSpec(video_url=source.video_url, audio_asset_id=audio.asset_id, title="Replace audio of a demo",
                       mode="precision", start_time=0.5, end_time=2.0)
    lipsync_id = client.lipsyncs.create(spec)
    for _ in range(100):
        if client.lipsyncs.get(lipsync_id).is_terminal:
            break
        time.sleep(0.03)
    client.lipsyncs.list(limit=5)
    client.lipsyncs.create(LipsyncSpec(video_url=source.video_url, audio_url="https://example.com/new.mp3"))
    with pytest.raises(errors.InvalidRequestError):
        client.lipsyncs.create(LipsyncSpec(video_url=source.video_url, audio_asset_id=audio.asset_id,
                                           start_time=3.0, end_time=1.0))
    with pytest.raises(errors.NotFoundError):
        client.lipsyncs.get("ls_unknown")
    sb.configure(elsewhere_videos=0, render_seconds=before["render_seconds"],
                 max_concurrent_renders=before["max_concurrent_renders"])


def test_import_and_lipsync_operations_are_covered_and_valid(traffic):
    entries = api_entries(traffic)
    assert {operation_for(e["method"], e["path"]) for e in entries} >= {
        "POST /v3/lipsyncs", "GET /v3/lipsyncs", "GET /v3/lipsyncs/{lipsync_id}"}
    creates = [e for e in entries if e["method"] == "POST" and e["path"] == "/v3/lipsyncs"]
    for entry in creates:
        validate_request("POST", "/v3/lipsyncs", entry["request_json"])
    assert [e["status"] for e in creates] == [200, 200, 400]
    watched = [e["response_json"]["data"]["status"] for e in entries
               if e["method"] == "GET" and e["path"].startswith("/v3/lipsyncs/") and e["status"] == 200]
    assert watched[-1] == "completed" and {"pending", "running"} & set(watched)
    pages = [e for e in entries if e["method"] == "GET" and e["path"] == "/v3/videos" and e["query"].get("token")]
    assert pages and all(e["status"] == 200 for e in pages)
    elsewhere = {item["id"] for e in entries if e["method"] == "GET" and e["path"] == "/v3/videos"
                 for item in e["response_json"].get("data") or []}
    assert {"v_elsewhere_03", "v_elsewhere_02"} <= elsewhere


def _translation_traffic(client, sb):
    """Languages and glossaries listed; a translation into two languages watched to the end and listed; a
    proofread prepared, its subtitles read, replaced and rendered; an unsupported language refused."""
    from heygen.api.translations import TranslationSpec

    sb.configure(render_seconds=0.3, elsewhere_videos=1, max_concurrent_renders=None)
    requests.post(f"{sb.base_url}/_sandbox/translations", json={"proofread_seconds": 0.2}, timeout=5)
    languages = client.translations.languages()
    client.brand_glossaries.list(limit=5)
    source = client.videos.get("v_elsewhere_01")
    spec = TranslationSpec(output_languages=languages[:2], video_url=source.video_url, title="Translated demo",
                           mode="precision", captions=True, stock_voice=True, brand_glossary_id="bg_product_names")
    ids = client.translations.create(spec)
    client.translations.statuses(ids + ["vt_unknown"])
    for _ in range(100):
        if all(client.translations.get(i).is_terminal for i in ids):
            break
        time.sleep(0.03)
    client.translations.statuses(ids)
    client.translations.list(limit=5)
    with pytest.raises(errors.InvalidRequestError):
        client.translations.create(TranslationSpec(output_languages=["Klingon"], video_url=source.video_url))
    with pytest.raises(errors.NotFoundError):
        client.translations.get("vt_unknown")
    (proofread_id,) = client.translations.create_proofread(
        TranslationSpec(output_languages=[languages[0]], video_url=source.video_url, title="Reviewed demo"))
    for _ in range(100):
        if client.translations.proofread(proofread_id).status == "completed":
            break
        time.sleep(0.03)
    links = client.translations.proofread_srt(proofread_id)
    text = client.translations.read_srt(links.srt_url)
    asset = client.assets.upload(text.replace("[", "(").encode(), filename="fixed.srt", mime_type="application/x-subrip")
    client.translations.upload_proofread_srt(proofread_id, asset.asset_id)
    client.translations.generate(proofread_id, captions=True)
    sb.configure(elsewhere_videos=0, render_seconds=3600)


TRANSLATION_OPERATIONS = {
    "GET /v3/video-translations/languages", "POST /v3/video-translations", "GET /v3/video-translations",
    "GET /v3/video-translations/{video_translation_id}", "POST /v3/video-translations/proofreads",
    "GET /v3/video-translations/proofreads/{proofread_id}", "GET /v3/video-translations/proofreads/{proofread_id}/srt",
    "PUT /v3/video-translations/proofreads/{proofread_id}/srt",
    "POST /v3/video-translations/proofreads/{proofread_id}/generate", "GET /v3/brand-glossaries",
    "GET /v3/video-translations/statuses",
}


def test_translation_operations_are_covered_and_their_bodies_are_valid(traffic):
    entries = [e for e in api_entries(traffic)
               if e["path"].startswith(("/v3/video-translations", "/v3/brand-glossaries"))]
    assert {operation_for(e["method"], e["path"]) for e in entries} >= TRANSLATION_OPERATIONS
    sent = 0
    for entry in entries:
        if entry["method"] in ("POST", "PUT") and entry["request_json"] is not None:
            validate_request(entry["method"], operation_for(entry["method"], entry["path"]).split(" ", 1)[1],
                             entry["request_json"])
            sent += 1
    assert sent == 5  # two creates (one refused), the proofread, the corrected subtitles and the render
    creates = [e["status"] for e in entries if e["method"] == "POST" and e["path"] == "/v3/video-translations"]
    assert creates == [200, 400]
    watched = [e["response_json"]["data"]["status"] for e in entries if e["method"] == "GET"
               and operation_for("GET", e["path"]) == "GET /v3/video-translations/{video_translation_id}"
               and e["status"] == 200]
    assert "completed" in watched and {"pending", "running"} & set(watched)
    proofreads = {e["response_json"]["data"]["status"] for e in entries if e["method"] == "GET"
                  and operation_for("GET", e["path"]) == "GET /v3/video-translations/proofreads/{proofread_id}"}
    assert proofreads == {"processing", "completed"}
    bulk = [e["response_json"]["data"] for e in entries if e["method"] == "GET"
            and e["path"] == "/v3/video-translations/statuses"]
    assert [len(answer) for answer in bulk] == [3, 2]  # the unknown id is answered "not_found", never left out
    assert bulk[0][-1] == {"video_id": "vt_unknown", "status": "not_found"}
    assert {item["status"] for item in bulk[1]} == {"completed"} and not any("video_url" in i for i in bulk[1])


def test_output_options_and_speech_are_covered_and_valid(traffic):
    entries = api_entries(traffic)
    formats = [e for e in entries if e["method"] == "POST" and e["path"] == "/v3/videos" and e["status"] == 200
               and str((e["request_json"] or {}).get("title", "")).startswith("Formats")]
    for entry in formats:
        validate_request("POST", "/v3/videos", entry["request_json"])
    burned, sidecar = (e["request_json"] for e in formats)
    assert burned["caption"] == {"file_format": "srt", "style": "default"} and sidecar["caption"] == {"file_format": "srt"}
    assert (burned["aspect_ratio"], burned["fit"], burned["output_format"], burned["engine"]) == (
        "1:1", "contain", "webm", {"type": "avatar_v"})
    assert (sidecar["aspect_ratio"], sidecar["fit"], sidecar["engine"]) == ("4:5", "cover", {"type": "avatar_iv"})
    details = [e["response_json"]["data"] for e in entries if e["method"] == "GET" and e["status"] == 200
               and e["path"].startswith("/v3/videos/v_") and e["response_json"]["data"]["status"] == "completed"]
    captioned = {d["title"]: d["captioned_video_url"] for d in details if d["title"] in ("Formats burned", "Formats sidecar")}
    assert captioned["Formats burned"] and captioned["Formats sidecar"] is None
    speech = [e for e in entries if e["path"] == "/v3/voices/speech"]
    assert sorted(e["status"] for e in speech) == [200, 200, 400]
    for entry in speech:
        validate_request("POST", "/v3/voices/speech", entry["request_json"])
    assert speech[0]["request_json"]["speed"] == 1.25 and "speed" not in speech[1]["request_json"]


DIRECT_SIZE = 33 * 1024 * 1024
