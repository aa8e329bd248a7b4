"""Every HeyGen failure maps to the right exception with a plain message, and the key never leaks."""

from __future__ import annotations

import logging
import socket

import pytest
import requests

from heygen import Client, VideoSpec
from heygen.api import errors
from heygen.api.client import _network_reason

PLAIN_FORBIDDEN = ("Traceback", "Exception", "requests.", "urllib3", "HTTPConnectionPool", "Errno")


def assert_plain_and_secret_free(exc: errors.HeyGenError, api_key: str) -> None:
    text = str(exc)
    assert text and text[0].isupper() and text.rstrip().endswith((".", "!", ")")), text
    for word in PLAIN_FORBIDDEN:
        assert word not in text, text
    for rendering in (str(exc), repr(exc), str(exc.details()), str(exc.to_dict()), str(exc.args)):
        assert api_key not in rendering


@pytest.fixture
def spec(client):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    return VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello.")


def test_wrong_key_is_an_authentication_error(sandbox, api_key):
    wrong = "sk-wrong-" + "x" * 24
    bad = Client(wrong, sandbox.base_url)
    with pytest.raises(errors.AuthenticationError) as info:
        bad.users.me()
    assert info.value.status == 401 and info.value.code == "authentication_failed"
    assert info.value.hint
    assert_plain_and_secret_free(info.value, wrong)
    assert wrong not in repr(bad)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (402, "insufficient_credit", errors.InsufficientCreditError),
        (403, "forbidden", errors.PermissionDeniedError),
        (409, "request_in_progress", errors.ConflictError),
        (500, "internal_error", errors.ServerError),
    ],
)
def test_status_faults_on_create(client, sandbox, spec, api_key, status, code, expected):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=status, code=code, times=None)
    with pytest.raises(expected) as info:
        client.videos.create(spec)
    assert info.value.status == status and info.value.code == code
    assert info.value.detail, "HeyGen's own message is kept for the details view"
    assert_plain_and_secret_free(info.value, api_key)


def test_413_on_upload(client, sandbox, api_key):
    sandbox.add_fault(method="POST", path="/v3/assets", kind="status", status=413, code="payload_too_large", times=None)
    with pytest.raises(errors.PayloadTooLargeError) as info:
        client.assets.upload(b"abc", filename="a.jpg", mime_type="image/jpeg")
    assert info.value.status == 413
    assert_plain_and_secret_free(info.value, api_key)


def test_400_keeps_the_offending_field(client, api_key):
    with pytest.raises(errors.InvalidRequestError) as info:
        client.videos.create({"type": "avatar", "script": "Hi"})
    assert info.value.param == "avatar_id"
    assert "avatar_id" in str(info.value)
    assert_plain_and_secret_free(info.value, api_key)


def test_404_unknown_video(client, api_key):
    with pytest.raises(errors.NotFoundError) as info:
        client.videos.get("nope")
    assert_plain_and_secret_free(info.value, api_key)


def test_429_on_get_waits_as_told_then_succeeds(client, sandbox, sleeps):
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="status", status=429, code="rate_limit_exceeded",
                      retry_after=3, times=1)
    assert client.users.me().username
    assert sleeps == [3.0]


def test_429_that_persists_raises_with_the_retry_delay(client, sandbox, sleeps, api_key):
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="status", status=429, code="rate_limit_exceeded",
                      retry_after=2, times=None)
    with pytest.raises(errors.RateLimitError) as info:
        client.users.me()
    assert info.value.retry_after == 2
    assert sleeps == [2.0, 2.0], "bounded: two retries, then give up"
    assert_plain_and_secret_free(info.value, api_key)


def test_429_with_a_long_wait_is_not_slept_through(client, sandbox, sleeps):
    sandbox.add_fault(method="GET", path="/v3/voices", kind="status", status=429, code="rate_limit_exceeded",
                      retry_after=600, times=None)
    with pytest.raises(errors.RateLimitError) as info:
        client.voices.list(limit=5)
    assert info.value.retry_after == 600
    assert sleeps == [], "a wait beyond the cap is left to the caller"


def test_create_is_not_retried_on_429_and_reports_the_wait(client, sandbox, spec, api_calls, sleeps):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=429, code="rate_limit_exceeded",
                      retry_after=7, times=1)
    with pytest.raises(errors.RateLimitError) as info:
        client.videos.create(spec)
    assert info.value.retry_after == 7
    assert not errors.unclear(info.value)
    assert len(api_calls("POST", "/v3/videos")) == 1 and sleeps == []
    assert client.videos.list() == []


@pytest.mark.parametrize("kind,status", [("drop", None), ("html", 502), ("status", 500), ("status", 503)])
def test_create_whose_answer_is_lost_is_sent_once_and_is_unclear(client, sandbox, spec, api_calls, sleeps, kind, status):
    sandbox.add_fault(method="POST", path="/v3/videos", kind=kind, status=status, times=1)
    with pytest.raises(errors.HeyGenError) as info:
        client.videos.create(spec)
    assert errors.unclear(info.value)
    assert len(api_calls("POST", "/v3/videos")) == 1 and sleeps == []


def test_create_with_409_request_in_progress_is_unclear(client, sandbox, spec):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=409, code="request_in_progress")
    with pytest.raises(errors.ConflictError) as info:
        client.videos.create(spec)
    assert errors.unclear(info.value)


def test_create_on_a_refused_connection_is_retried_because_nothing_was_sent(api_key, sleeps, spec):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = Client(api_key, f"http://127.0.0.1:{port}", sleep=sleeps, timeout=(1.0, 1.0))
    with pytest.raises(errors.NetworkError) as info:
        client.videos.create(spec)
    assert info.value.reason == "refused" and not errors.unclear(info.value)
    assert len(sleeps) == client.max_retries


def test_upload_is_not_blindly_resent(client, sandbox, api_calls):
    sandbox.add_fault(method="POST", path="/v3/assets", kind="status", status=503, code="unavailable", times=1)
    with pytest.raises(errors.ServerError):
        client.assets.upload(b"abc", filename="a.jpg", mime_type="image/jpeg")


def test_502_html_page_is_retried_then_reported_as_server_trouble(client, sandbox, sleeps, api_key):
    sandbox.add_fault(method="GET", path="/v3/videos", kind="html", status=502, times=None)
    with pytest.raises(errors.ServerError) as info:
        client.videos.list(limit=1)
    assert info.value.status == 502
    assert "HTML" in info.value.detail
    assert len(sleeps) == 2
    assert_plain_and_secret_free(info.value, api_key)


def test_503_once_is_absorbed_by_a_retry(client, sandbox, sleeps):
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="status", status=503, code="unavailable", times=1)
    assert client.users.me().username
    assert len(sleeps) == 1


def test_html_with_200_is_an_unexpected_response(client, sandbox, api_key):
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="html", status=200, times=None)
    with pytest.raises(errors.UnexpectedResponseError) as info:
        client.users.me()
    assert "HTML" in info.value.detail
    assert_plain_and_secret_free(info.value, api_key)


def test_slow_answer_is_a_timeout(sandbox, api_key, sleeps):
    quick = Client(api_key, sandbox.base_url, timeout=(2.0, 0.3), sleep=sleeps)
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="slow", delay_ms=1500, times=None)
    with pytest.raises(errors.NetworkError) as info:
        quick.users.me()
    assert info.value.reason == "timeout"
    assert_plain_and_secret_free(info.value, api_key)


def test_dropped_connection_is_a_network_error(client, sandbox, api_key, sleeps):
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="drop", times=None)
    with pytest.raises(errors.NetworkError) as info:
        client.users.me()
    assert info.value.reason == "reset"
    assert len(sleeps) == 2
    assert_plain_and_secret_free(info.value, api_key)


def test_refused_connection_is_a_network_error(api_key, sleeps):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = Client(api_key, f"http://127.0.0.1:{port}", sleep=sleeps)
    with pytest.raises(errors.NetworkError) as info:
        c.users.me()
    assert info.value.reason == "refused"
    assert_plain_and_secret_free(info.value, api_key)


def test_name_resolution_failures_are_classified():
    # Resolving a name would leave loopback, so the exception chain requests raises is built here.
    inner = socket.gaierror(-2, "Name or service not known")
    outer = requests.exceptions.ConnectionError("Max retries exceeded")
    outer.__context__ = inner
    assert _network_reason(outer) == "dns"
    assert _network_reason(requests.exceptions.ReadTimeout()) == "timeout"


def test_key_never_in_logs(sandbox, api_key, caplog, sleeps):
    caplog.set_level(logging.DEBUG)
    c = Client(api_key, sandbox.base_url, sleep=sleeps)
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="status", status=503, code="unavailable", times=1)
    c.users.me()
    with pytest.raises(errors.AuthenticationError):
        Client(api_key + "x", sandbox.base_url).users.me()
    assert caplog.records, "the client logs its calls"
    assert api_key not in caplog.text


def test_key_echoed_by_a_server_is_redacted(client, sandbox, api_key):
    sandbox.add_fault(method="GET", path="/v3/users/me", kind="status", status=400, code="invalid_parameter",
                      message=f"Bad header value {api_key}", times=None)
    with pytest.raises(errors.InvalidRequestError) as info:
        client.users.me()
    assert_plain_and_secret_free(info.value, api_key)


def test_missing_key_and_bad_base_url_are_refused_early():
    with pytest.raises(errors.AuthenticationError):
        Client("   ")
    with pytest.raises(ValueError):
        Client("k", "ftp://example.invalid")
