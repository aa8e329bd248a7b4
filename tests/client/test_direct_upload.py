"""Uploads by size against the sandbox over HTTP: one multipart request up to 32 MB, a direct upload
(create, keyless PUT in blocks, complete, wait until ready) above it, refusals before sending."""

from __future__ import annotations

import io
import struct

import pytest
import requests

from heygen import Client
from heygen.api import assets as assets_module
from heygen.api import errors

MB = 1024 * 1024


def wav_file(path, size: int):
    """A valid 48 kHz 16-bit stereo WAV of silence, exactly ``size`` bytes, written without holding it."""
    with open(path, "wb") as out:
        out.write(b"RIFF" + struct.pack("<I", size - 8) + b"WAVE")
        out.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16))
        out.write(b"data" + struct.pack("<I", size - 44))
        out.truncate(size)
    return path


@pytest.fixture
def big_wav(tmp_path):
    return wav_file(tmp_path / "long take.wav", 40 * MB + 6)


@pytest.fixture(autouse=True)
def upload_config(sandbox):
    yield
    sandbox.configure(asset_ready_seconds=1.0, max_direct_upload_bytes=None)


@pytest.fixture
def fast_ready(sandbox):
    sandbox.configure(asset_ready_seconds=0.0)


def direct_steps(sandbox):
    api = [(e["method"], e["path"].split("/")[-1] if "/complete" not in e["path"] else "complete", e["status"])
           for e in sandbox.requests_log() if e["path"].startswith("/v3/assets")]
    puts = [e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"]
    return api, puts


def test_a_small_file_goes_in_one_multipart_request(client, sandbox, tmp_path):
    path = wav_file(tmp_path / "short.wav", 2 * MB)
    seen = []
    asset = client.assets.upload_file(path, mime_type="audio/wav", progress=lambda s, t: seen.append((s, t)))
    assert asset.asset_id and asset.size_bytes == 2 * MB and asset.mime_type == "audio/wav"
    assert [(e["method"], e["path"]) for e in sandbox.requests_log()] == [("POST", "/v3/assets")]
    assert not sandbox.requests_log(media=True)
    assert seen == [(0, 2 * MB), (2 * MB, 2 * MB)]


def test_a_file_over_32_mb_is_uploaded_directly_in_blocks_without_the_key(client, sandbox, big_wav, api_key,
                                                                          fast_ready):
    seen = []
    asset = client.assets.upload_file(str(big_wav), mime_type="audio/wav", progress=lambda s, t: seen.append((s, t)))
    size = 40 * MB + 6
    api, puts = direct_steps(sandbox)
    assert [(m, last) for m, last, _ in api][:3] == [("POST", "direct-uploads"), ("POST", "complete"),
                                                    ("GET", asset.asset_id)]
    assert all(status == 200 for _, _, status in api)
    create = sandbox.requests_log()[0]
    assert create["request_json"] == {"filename": "long take.wav", "content_type": "audio/wav", "size_bytes": size}
    assert create["key_sent"] is True
    (put,) = puts
    assert put["status"] == 200 and put["key_sent"] is False and put["bytes_received"] == size
    assert put["path"] == f"/media/uploads/{asset.asset_id}" and "signature" in put["query"]
    assert api_key not in str(put)
    # progress: from 0, never backwards, in many steps, ending at the whole file
    fractions = [s / t for s, t in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and len(seen) > 20
    assert all(b > a for a, b in zip(fractions, fractions[1:]))
    assert all(t == size for _, t in seen)
    # what arrived is the file
    assert asset.size_bytes == size and asset.status == "ready" and asset.url
    stored = requests.get(asset.url, timeout=10).content
    assert stored == big_wav.read_bytes()


def test_a_file_object_in_memory_is_read_in_place(client, sandbox, big_wav, fast_ready):
    data = big_wav.read_bytes()
    handle = io.BytesIO(data)
    asset = client.assets.upload_file(handle, filename="from memory.wav", mime_type="audio/wav")
    assert requests.get(asset.url, timeout=10).content == data
    assert sandbox.requests_log()[0]["request_json"]["filename"] == "from memory.wav"


def test_a_video_clip_over_32_mb_goes_directly_as_quicktime(client, sandbox, tmp_path, fast_ready):
    path = tmp_path / "clip.mov"
    with open(path, "wb") as out:
        out.write(struct.pack(">I", 20) + b"ftypqt  " + b"\x00\x00\x02\x00" + b"qt  ")
        out.truncate(33 * MB)
    asset = client.assets.upload_file(path, mime_type="video/quicktime")
    assert asset.mime_type == "video/quicktime" and asset.size_bytes == 33 * MB
    assert sandbox.requests_log()[0]["request_json"]["content_type"] == "video/quicktime"


@pytest.mark.parametrize("after", [True, False], ids=["answer lost", "refused"])
def test_complete_failing_once_is_retried_and_makes_one_asset(client, sandbox, big_wav, sleeps, fast_ready, after):
    sandbox.add_fault(method="POST", path="/v3/assets/*/complete", status=500, times=1, after=after)
    asset = client.assets.upload_file(big_wav, mime_type="audio/wav")
    completes = [e for e in sandbox.requests_log() if e["path"].endswith("/complete")]
    assert [e["status"] for e in completes] == [500, 200]
    assert {e["path"] for e in completes} == {f"/v3/assets/{asset.asset_id}/complete"}
    if after:  # the first call did the work; the retry got the same answer
        assert completes[0]["processed_json"] == completes[1]["response_json"]
    assert len([e for e in sandbox.requests_log() if e["path"] == "/v3/assets/direct-uploads"]) == 1
    assert len([e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"]) == 1
    assert sleeps and sleeps[0] <= 1.0


def test_a_repeated_complete_gives_the_same_answer(client, big_wav, fast_ready):
    asset = client.assets.upload_file(big_wav, mime_type="audio/wav")
    again = client.assets.complete(asset.asset_id)
    assert (again.asset_id, again.url, again.size_bytes, again.mime_type) == (
        asset.asset_id, asset.url, asset.size_bytes, asset.mime_type)


def test_a_file_over_heygens_maximum_is_refused_before_any_request(client, sandbox, tmp_path):
    path = wav_file(tmp_path / "concert.wav", 201 * MB)
    with pytest.raises(errors.PayloadTooLargeError) as refused:
        client.assets.upload_file(path, mime_type="audio/wav")
    assert str(refused.value) == "“concert.wav” is 201.0 MB; HeyGen accepts audio files of at most 200.0 MB."
    assert not sandbox.requests_log() and not sandbox.requests_log(media=True)


def test_an_empty_file_is_refused_before_any_request(client, sandbox, tmp_path):
    path = tmp_path / "nothing.wav"
    path.write_bytes(b"")
    with pytest.raises(errors.InvalidRequestError, match="“nothing.wav” is empty"):
        client.assets.upload_file(path, mime_type="audio/wav")
    assert not sandbox.requests_log()


def test_a_file_heygen_refuses_as_too_large_stops_before_the_put(client, sandbox, big_wav):
    sandbox.configure(max_direct_upload_bytes=35 * MB)
    with pytest.raises(errors.PayloadTooLargeError) as refused:
        client.assets.upload_file(big_wav, mime_type="audio/wav")
    assert str(refused.value) == "“long take.wav” is 40.0 MB; HeyGen refused it as too large."
    assert "35.0 MB" in refused.value.detail
    assert [e["status"] for e in sandbox.requests_log()] == [413]
    assert not sandbox.requests_log(media=True)


@pytest.mark.parametrize("status,kind,says", [
    (403, errors.PermissionDeniedError, "HeyGen's storage refused the file (HTTP 403); the upload link may have expired."),
    (500, errors.ServerError, "HeyGen's storage failed while receiving the file (server error 500)."),
])
def test_a_refused_put_is_a_plain_error_and_nothing_is_completed(client, sandbox, big_wav, status, kind, says):
    sandbox.add_fault(method="PUT", path="/media/uploads/", status=status, times=None)
    with pytest.raises(kind) as failed:
        client.assets.upload_file(big_wav, mime_type="audio/wav")
    assert str(failed.value) == says and failed.value.hint
    puts = [e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"]
    assert len(puts) == (1 if status == 403 else assets_module.PUT_ATTEMPTS)
    assert not [e for e in sandbox.requests_log() if e["path"].endswith("/complete")]


def test_a_storage_hiccup_is_retried_from_the_start(client, sandbox, big_wav, fast_ready):
    sandbox.add_fault(method="PUT", path="/media/uploads/", status=503, times=1)
    asset = client.assets.upload_file(big_wav, mime_type="audio/wav")
    puts = [e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"]
    assert [e["status"] for e in puts] == [503, 200] and puts[1]["bytes_received"] == 40 * MB + 6
    assert requests.get(asset.url, timeout=10).content == big_wav.read_bytes()


def test_a_redirect_from_the_upload_link_is_not_followed(client, sandbox, big_wav):
    sandbox.add_fault(method="PUT", path="/media/uploads/", kind="redirect", location="http://127.0.0.2:9/elsewhere")
    with pytest.raises(errors.UnexpectedResponseError, match="redirected to 127.0.0.2:9; the studio does not follow"):
        client.assets.upload_file(big_wav, mime_type="audio/wav")
    assert len([e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"]) == 1


def test_waiting_for_processing_is_bounded_with_a_plain_message(client, sandbox, big_wav, sleeps):
    sandbox.configure(asset_ready_seconds=3600)
    with pytest.raises(errors.UnexpectedResponseError) as slow:
        client.assets.upload_file(big_wav, mime_type="audio/wav", ready_timeout=10)
    assert str(slow.value) == "HeyGen received the file but had not finished processing it after 10 seconds."
    assert sum(sleeps) <= 10 and len(sleeps) >= 3
    gets = [e for e in sandbox.requests_log() if e["method"] == "GET"]
    assert len(gets) == len(sleeps) + 1 and all(e["response_json"]["data"]["url"] is None for e in gets)


def test_processing_ends_when_the_asset_has_a_url(sandbox, big_wav, api_key):
    sandbox.configure(asset_ready_seconds=0.6)
    with Client(api_key, sandbox.base_url) as real_time:
        asset = real_time.assets.upload_file(big_wav, mime_type="audio/wav")
    gets = [e["response_json"]["data"]["url"] for e in sandbox.requests_log() if e["method"] == "GET"]
    assert gets[0] is None and gets[-1] == asset.url and len(gets) >= 2


def test_the_upload_link_never_carries_the_key(client, sandbox, api_key):
    upload = client.assets.create_direct_upload(filename="a.wav", content_type="audio/wav", size_bytes=40 * MB)
    assert api_key not in upload.upload_url and "signature=" in upload.upload_url
    assert upload.max_bytes == 40 * MB and upload.status == "pending_upload"
    assert upload.upload_headers == {"Content-Type": "audio/wav"}
    assert "upload_url" not in repr(upload) and upload.upload_url not in repr(upload)


def test_storage_that_stalls_for_some_seconds_does_not_break_the_upload(client, sandbox, big_wav, fast_ready):
    sandbox.add_fault(method="PUT", path="/media/uploads/", kind="slow", delay_ms=6000)
    client.assets.upload_file(big_wav, mime_type="audio/wav")
    (put,) = [e for e in sandbox.requests_log(media=True) if e["method"] == "PUT"]
    assert put["fault"] == "slow" and put["status"] == 200 and put["bytes_received"] == 40 * MB + 6
