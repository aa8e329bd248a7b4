"""A launch with a recording over 32 MB: uploaded directly with byte progress, and a refused PUT
leaves the job "not sent" with a plain error, ready to be sent again (which uploads afresh)."""

from __future__ import annotations

import pytest

from heygen.api import errors
from heygen.api.videos import VideoSpec
from heygen.studio import launch
from heygen.studio.jobs import JobStore
from tests.client.test_direct_upload import MB, wav_file

SIZE = 36 * MB + 44


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


@pytest.fixture
def voice(tmp_path):
    return wav_file(tmp_path / "voice.wav", SIZE)


@pytest.fixture(autouse=True)
def quick_assets(sandbox):
    sandbox.configure(asset_ready_seconds=0.0)
    yield
    sandbox.configure(asset_ready_seconds=1.0)


def audio_job(client, store):
    look = next(look for look in client.avatars.looks(limit=20) if look.ready)
    return launch.create_job(store, account="acct", spec=VideoSpec(avatar_id=look.id, title="Long take"))


def steps(sandbox):
    return ([e["path"].rsplit("/", 1)[-1] for e in sandbox.requests_log() if e["method"] == "POST"],
            [e["status"] for e in sandbox.requests_log(media=True) if e["method"] == "PUT"])


def test_a_long_recording_is_uploaded_directly_with_progress_then_the_video_is_sent(client, sandbox, store, voice):
    job = audio_job(client, store)
    seen = []
    with open(voice, "rb") as handle:
        done = launch.submit(client, store, job, [launch.Upload("audio", handle, "voice.wav", "audio/wav")],
                             progress=lambda message, fraction: seen.append((message, fraction)))
    assert done.status == "pending" and done.video_id
    assert steps(sandbox) == (["direct-uploads", "complete", "videos"], [200])
    body = [e for e in sandbox.requests_log() if e["path"] == "/v3/videos"][0]["request_json"]
    asset_id = [e for e in sandbox.requests_log() if e["path"].endswith("/complete")][0]["path"].split("/")[3]
    assert body["audio_asset_id"] == asset_id == done.inputs["spec"]["audio_asset_id"]
    messages = [m for m, _ in seen]
    assert messages[0] == "Uploading voice.wav…"
    assert any(m.startswith("Uploading voice.wav… ") and m.endswith(" of 36.0 MB") for m in messages)
    assert "voice.wav is uploaded; HeyGen is processing it…" in messages
    assert messages[-2:] == ["Sending the video to HeyGen…", "Sent."]
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and len(set(fractions)) > 10 and fractions[-1] == 1.0


@pytest.mark.parametrize("status,kind", [(403, errors.PermissionDeniedError), (500, errors.ServerError)])
def test_a_refused_put_leaves_the_job_not_sent_and_sending_again_works(client, sandbox, store, voice, status, kind):
    job = audio_job(client, store)
    sandbox.add_fault(method="PUT", path="/media/uploads/", status=status, times=None)
    with open(voice, "rb") as handle:
        upload = launch.Upload("audio", handle, "voice.wav", "audio/wav")
        with pytest.raises(kind) as failed:
            launch.submit(client, store, job, [upload])
        failed_job = store.get(job.id)
        assert failed_job.status == "submit_failed" and failed_job.video_id is None
        assert failed_job.error_detail["message"] == str(failed.value) and "HeyGen's storage" in str(failed.value)
        assert not [e for e in sandbox.requests_log() if e["path"] in ("/v3/videos",) or e["path"].endswith("/complete")]
        sandbox.clear_faults()
        done = launch.submit(client, store, failed_job, [upload])
    assert done.status == "pending" and done.video_id
    posts, puts = steps(sandbox)
    assert posts == ["direct-uploads", "direct-uploads", "complete", "videos"]
    assert puts[-1] == 200 and set(puts[:-1]) == {status}
    stored = [e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"][-1]
    assert stored["bytes_received"] == SIZE and stored["key_sent"] is False
