"""client.videos.statuses: many videos' statuses per request, against the sandbox over real HTTP."""

from __future__ import annotations

from heygen import VideoSpec, VideoStatus
from heygen.api.videos import _video_status


def _videos(client, n: int) -> list[str]:
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    return [client.videos.create(VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=f"Take {i}")).video_id
            for i in range(n)]


def test_statuses_by_id_with_failure_details(client, sandbox, api_calls):
    sandbox.configure(render_seconds=3600, max_concurrent_renders=None)
    running, done, broken, gone = _videos(client, 4)
    sandbox.set_video_outcome(done, "complete", render_seconds=0)
    sandbox.set_video_outcome(broken, "fail", failure_code="no_face_detected", failure_message="No face.",
                              render_seconds=0)
    client.videos.delete(gone)

    found = client.videos.statuses([running, done, broken, gone, "v_unknown", running])

    assert found == {
        running: VideoStatus(running, "queued"),
        done: VideoStatus(done, "completed"),
        broken: VideoStatus(broken, "failed", "no_face_detected", "No face."),
        gone: VideoStatus(gone, "not_found"),
        "v_unknown": VideoStatus("v_unknown", "not_found"),
    }
    assert found[done].is_terminal and found[broken].is_terminal and not found[running].is_terminal
    calls = api_calls("GET", "/v3/videos/statuses")
    assert len(calls) == 1  # five distinct ids, one request


def test_250_ids_take_three_requests_of_at_most_100(client, sandbox, api_calls):
    ids = [f"v_{n:03d}" for n in range(250)]
    found = client.videos.statuses(ids)
    assert set(found) == set(ids) and {s.status for s in found.values()} == {"not_found"}
    sizes = [len(e["query"]["video_ids"].split(",")) for e in api_calls("GET", "/v3/videos/statuses")]
    assert sizes == [100, 100, 50]


def test_no_ids_no_request(client, sandbox, api_calls):
    assert client.videos.statuses([]) == {}
    assert api_calls("GET", "/v3/videos/statuses") == []


def test_unknown_statuses_are_kept_as_sent_and_count_as_running():
    status = _video_status({"video_id": "v_1", "status": "rendering_hd", "error": None})
    assert status == VideoStatus("v_1", "rendering_hd") and not status.is_terminal
    assert _video_status({"status": "queued"}) is None and _video_status("v_1") is None


def test_a_429_is_retried_like_any_read(client, sandbox, sleeps, api_calls):
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", kind="status", status=429, retry_after=2, times=1)
    assert client.videos.statuses(["v_1"]) == {"v_1": VideoStatus("v_1", "not_found")}
    assert sleeps == [2] and len(api_calls("GET", "/v3/videos/statuses")) == 2
