"""Sandbox: POST /v3/assets accepts one multipart 'file' part and nothing else."""

import http.client
import json
import os

import requests

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000) + b"\r\n--boundary\r\n\r\n" + os.urandom(300)


def test_multipart_upload_round_trips(api):
    response = api.post("/v3/assets", files={"file": ("logo.png", PNG, "image/png")})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert set(data) == {"asset_id", "url", "mime_type", "size_bytes"}
    assert data["mime_type"] == "image/png" and data["size_bytes"] == len(PNG)
    served = requests.get(data["url"], timeout=10)
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["Content-Type"] == "image/png"


def test_mime_type_comes_from_the_bytes(api):
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
    data = api.upload("voice.bin", wav, "application/octet-stream")
    assert data["mime_type"] == "audio/wav"
    data = api.upload("clip", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 50, "application/octet-stream")
    assert data["mime_type"] == "video/mp4"
    data = api.upload("notes.mp3", b"not really mp3 bytes", "audio/mpeg")
    assert data["mime_type"] == "audio/mpeg"


def test_json_body_is_refused_with_a_clear_message(api, v3_error):
    error = v3_error(api.post("/v3/assets", json={"file": "aGVsbG8="}), 400, "invalid_parameter", "file")
    assert "multipart/form-data" in error["message"]


def test_raw_bytes_are_refused(api, v3_error):
    response = api.post("/v3/assets", data=PNG, headers={"Content-Type": "image/png"})
    error = v3_error(response, 400, "invalid_parameter", "file")
    assert "multipart" in error["message"]


def test_missing_file_part_is_refused(api, v3_error):
    response = api.post("/v3/assets", files={"upload": ("a.png", PNG, "image/png")})
    error = v3_error(response, 400, "invalid_parameter", "file")
    assert "'file'" in error["message"]
    response = api.post("/v3/assets", data={"file": "just a form field"},
                        files={"other": ("a.png", PNG, "image/png")})
    v3_error(response, 400, "invalid_parameter", "file")


def test_empty_and_unsupported_files_are_refused(api, v3_error):
    v3_error(api.post("/v3/assets", files={"file": ("a.png", b"", "image/png")}), 400, "invalid_parameter", "file")
    error = v3_error(api.post("/v3/assets", files={"file": ("a.txt", b"hello", "text/plain")}),
                     400, "invalid_parameter", "file")
    assert "Supported" in error["message"]


def test_two_file_parts_are_refused(api, v3_error):
    files = [("file", ("a.png", PNG, "image/png")), ("file", ("b.png", PNG, "image/png"))]
    v3_error(api.post("/v3/assets", files=files), 400, "invalid_parameter", "file")


def test_over_32_mb_is_413_before_the_body_is_read(sandbox):
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    try:
        connection.putrequest("POST", "/v3/assets")
        connection.putheader("X-Api-Key", sandbox.api_key)
        connection.putheader("Content-Type", "multipart/form-data; boundary=xyz")
        connection.putheader("Content-Length", str(32 * 1024 * 1024 + 1))
        connection.endheaders()  # no body is ever sent
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 413
    assert body["error"]["code"] == "payload_too_large"


def test_oversized_body_sent_in_full_still_gets_413(sandbox, api, v3_error):
    sandbox.configure(max_upload_bytes=4096)
    response = api.post("/v3/assets", files={"file": ("big.png", PNG * 700, "image/png")})
    v3_error(response, 413, "payload_too_large")
    assert api.get("/v3/users/me").status_code == 200


def test_a_text_file_sent_as_octet_stream_is_told_by_its_name_and_content(api, v3_error):
    srt = "1\n00:00:00,000 --> 00:00:02,000\nHello there.\n".encode("utf-8")
    for declared in ("application/octet-stream", "text/plain"):
        data = api.upload("captions.SRT", srt, declared)
        assert data["mime_type"] == "application/x-subrip" and data["size_bytes"] == len(srt)
    # the name alone is not enough: binary bytes under a .srt name, or text under an unknown name
    error = v3_error(api.post("/v3/assets", files={"file": ("captions.srt", b"\x00\x01\x02\xff", "application/octet-stream")}),
                     400, "invalid_parameter", "file")
    assert "Unsupported file type" in error["message"]
    v3_error(api.post("/v3/assets", files={"file": ("captions.txt", srt, "application/octet-stream")}),
             400, "invalid_parameter", "file")
