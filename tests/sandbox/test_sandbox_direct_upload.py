"""Sandbox: direct uploads. POST /v3/assets/direct-uploads, the presigned PUT (no key needed, exact
size and type), POST /v3/assets/{id}/complete (idempotent) and GET /v3/assets/{id} (url once ready)."""

from __future__ import annotations

import hashlib
import time

import pytest
import requests

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(2000)


def start(api, data=WAV, content_type="audio/wav", **extra):
    body = {"filename": "voice.wav", "content_type": content_type, "size_bytes": len(data), **extra}
    response = api.post("/v3/assets/direct-uploads", json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def put(upload, data=WAV, headers=None):
    return requests.put(upload["upload_url"], data=data, headers=headers or upload["upload_headers"], timeout=10)


def test_the_three_steps_make_an_asset_that_is_processing_then_ready(api, sandbox):
    sandbox.configure(asset_ready_seconds=0.5)
    upload = start(api)
    assert set(upload) == {"asset_id", "upload_url", "upload_headers", "expires_in_seconds", "max_bytes", "status"}
    assert upload["status"] == "pending_upload" and upload["max_bytes"] == len(WAV)
    assert upload["upload_url"].startswith(f"{sandbox.base_url}/media/uploads/{upload['asset_id']}?expires=")
    assert sandbox.api_key not in upload["upload_url"]
    stored = put(upload)
    assert stored.status_code == 200 and stored.headers["ETag"]
    done = api.post(f"/v3/assets/{upload['asset_id']}/complete", json={})
    assert done.status_code == 200, done.text
    data = done.json()["data"]
    assert data["status"] == "processing" and data["size_bytes"] == len(WAV) and data["mime_type"] == "audio/wav"
    first = api.get(f"/v3/assets/{upload['asset_id']}").json()["data"]
    assert first["url"] is None and first["type"] == "audio" and first["name"] == "voice.wav"
    time.sleep(0.6)
    (logged,) = sandbox.requests_log(media=True)
    ready = api.get(f"/v3/assets/{upload['asset_id']}").json()["data"]
    assert ready["url"] == data["url"] and requests.get(ready["url"], timeout=10).content == WAV
    assert logged["method"] == "PUT" and logged["key_sent"] is False and logged["bytes_received"] == len(WAV)


def test_the_put_is_recorded_as_carrying_a_key_when_one_is_sent(api, sandbox):
    upload = start(api)
    assert put(upload, headers={**upload["upload_headers"], "X-Api-Key": sandbox.api_key}).status_code == 200
    (logged,) = sandbox.requests_log(media=True)
    assert logged["key_sent"] is True and sandbox.api_key not in str(logged)


def test_complete_is_idempotent(api, sandbox):
    upload = start(api)
    put(upload)
    first = api.post(f"/v3/assets/{upload['asset_id']}/complete", json={})
    second = api.post(f"/v3/assets/{upload['asset_id']}/complete")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len([a for a in sandbox.state.assets if a == upload["asset_id"]]) == 1


def test_complete_can_fail_once_after_doing_its_work(api, sandbox):
    upload = start(api)
    put(upload)
    sandbox.add_fault(method="POST", path="/v3/assets/*/complete", status=500, after=True)
    lost = api.post(f"/v3/assets/{upload['asset_id']}/complete", json={})
    assert lost.status_code == 500
    retried = api.post(f"/v3/assets/{upload['asset_id']}/complete", json={})
    assert retried.status_code == 200
    assert sandbox.requests_log()[-2]["processed_json"] == retried.json()


@pytest.mark.parametrize("body,param", [
    ({"content_type": "audio/wav", "size_bytes": 10}, "filename"),
    ({"filename": "a.wav", "size_bytes": 10}, "content_type"),
    ({"filename": "a.wav", "content_type": "audio/wav"}, "size_bytes"),
    ({"filename": "a.wav", "content_type": "audio/wav", "size_bytes": "10"}, "size_bytes"),
    ({"filename": "a.wav", "content_type": "audio/wav", "size_bytes": True}, "size_bytes"),
    ({"filename": "a.wav", "content_type": "audio/wav", "size_bytes": 0}, "size_bytes"),
    ({"filename": "a.exe", "content_type": "application/x-msdownload", "size_bytes": 10}, "content_type"),
    ({"filename": "a.wav", "content_type": "audio/wav", "size_bytes": 10, "checksum_sha256": "abc"}, "checksum_sha256"),
    ({"filename": "a.wav", "content_type": "audio/wav", "size_bytes": 10, "folder": "x"}, "folder"),
])
def test_a_bad_create_body_is_refused(api, v3_error, body, param):
    v3_error(api.post("/v3/assets/direct-uploads", json=body), 400, "invalid_parameter", param)


def test_a_file_over_the_kind_maximum_is_refused(api, v3_error):
    body = {"filename": "a.wav", "content_type": "audio/wav", "size_bytes": 200 * 1024 * 1024 + 1}
    error = v3_error(api.post("/v3/assets/direct-uploads", json=body), 413, "payload_too_large")
    assert "200.0 MB" in error["message"]


def test_the_create_needs_the_key(api, v3_error):
    response = requests.post(api.url("/v3/assets/direct-uploads"), timeout=10,
                             json={"filename": "a.wav", "content_type": "audio/wav", "size_bytes": 10})
    v3_error(response, 401, "authentication_failed")


@pytest.mark.parametrize("change,status,code", [
    (lambda u: {**u, "upload_url": u["upload_url"].split("?")[0]}, 403, "AccessDenied"),
    (lambda u: {**u, "upload_url": u["upload_url"][:-2] + "00"}, 403, "AccessDenied"),
    (lambda u: {**u, "upload_headers": {"Content-Type": "audio/mpeg"}}, 403, "SignatureDoesNotMatch"),
], ids=["unsigned", "bad signature", "other type"])
def test_a_put_that_does_not_match_its_signature_is_refused(api, sandbox, change, status, code):
    upload = start(api)
    refused = put(change(upload))
    assert refused.status_code == status and f"<Code>{code}</Code>" in refused.text
    assert api.post(f"/v3/assets/{upload['asset_id']}/complete", json={}).status_code == 400


def test_a_put_of_another_size_is_refused(api):
    upload = start(api)
    refused = put(upload, data=WAV + b"extra")
    assert refused.status_code == 403 and "SignatureDoesNotMatch" in refused.text


def test_a_checksum_is_enforced(api):
    upload = start(api, checksum_sha256="0" * 64)
    assert put(upload).status_code == 400
    upload = start(api, checksum_sha256=hashlib.sha256(WAV).hexdigest())
    assert put(upload).status_code == 200


def test_complete_checks_the_bytes_against_the_declared_type(api, v3_error):
    upload = start(api, data=b"%PDF-1.7" + bytes(100), content_type="audio/wav")
    put(upload, data=b"%PDF-1.7" + bytes(100))
    error = v3_error(api.post(f"/v3/assets/{upload['asset_id']}/complete", json={}), 400, "invalid_parameter",
                     "content_type")
    assert "application/pdf" in error["message"]


def test_complete_before_the_put_and_for_unknown_ids(api, v3_error):
    upload = start(api)
    error = v3_error(api.post(f"/v3/assets/{upload['asset_id']}/complete", json={}), 400, "invalid_parameter")
    assert "PUT" in error["message"]
    v3_error(api.post("/v3/assets/nope/complete", json={}), 404, "not_found")
    v3_error(api.get("/v3/assets/nope"), 404, "not_found")
    v3_error(api.post(f"/v3/assets/{upload['asset_id']}/complete", json={"extra": 1}), 400, "invalid_parameter",
             "extra")


def test_after_complete_the_link_takes_no_more_bytes(api):
    upload = start(api)
    put(upload)
    api.post(f"/v3/assets/{upload['asset_id']}/complete", json={})
    assert put(upload).status_code == 403


def test_a_multipart_asset_is_ready_at_once(api):
    data = api.upload()
    got = api.get(f"/v3/assets/{data['asset_id']}").json()["data"]
    assert got["url"] == data["url"] and got["type"] == "image"
