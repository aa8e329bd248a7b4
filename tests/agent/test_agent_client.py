"""``client.video_agents`` against the sandbox over real HTTP: the request body, styles paging,
the server's validation, every failure mapped to the right error, and the idempotency key."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from heygen import AgentSession, AgentSpec, Client, StyleItem
from heygen.api import errors
from heygen.api import agents as agents_module
from heygen.api.agents import BODY_FIELDS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "contract"))
import contract  # noqa: E402


def ready_look(client):
    return next(look for look in client.avatars.looks(ownership="public") if look.ready)


def upload_pdf(client) -> str:
    asset = client.assets.upload(b"%PDF-1.7\n%%EOF\n" * 10, filename="brochure.pdf", mime_type="application/pdf")
    return asset.asset_id


def agent_posts(calls):
    return calls("POST", "/v3/video-agents")


def assert_plain_and_secret_free(exc: errors.HeyGenError, api_key: str) -> None:
    text = str(exc)
    assert text and text[0].isupper(), text
    for word in ("Traceback", "requests.", "urllib3", "HTTPConnectionPool"):
        assert word not in text
    for rendering in (str(exc), repr(exc), str(exc.details()), str(exc.to_dict())):
        assert api_key not in rendering


# -- the request body --------------------------------------------------------------------------


def test_a_minimal_spec_sends_only_the_prompt():
    assert AgentSpec(prompt="  A short intro.  ").to_body() == {"prompt": "A short intro."}
    assert AgentSpec(prompt="Hi", avatar_id="", voice_id=None, orientation=None).to_body() == {"prompt": "Hi"}


def test_a_full_spec_sends_only_known_fields_in_the_official_shape():
    spec = AgentSpec(prompt="Intro", avatar_id="look", voice_id="voice", style_id="style", orientation="portrait",
                     file_asset_ids=["a1", "a2"], callback_url="https://example.com/hook", callback_id="c-1",
                     incognito_mode=True, mode="chat", brand_kit_id="bk_1")
    body = spec.to_body()
    assert set(body) == set(BODY_FIELDS)
    assert body["files"] == [{"type": "asset_id", "asset_id": "a1"}, {"type": "asset_id", "asset_id": "a2"}]
    assert body["orientation"] == "portrait" and body["incognito_mode"] is True
    contract.validate_request("POST", "/v3/video-agents", body)
    # Stored and read back for a job, it is the same request.
    assert AgentSpec.from_dict(spec.to_dict()).to_body() == body


def test_create_sends_the_body_and_the_key_and_reads_the_session(client, calls, sandbox):
    look = ready_look(client)
    voice = client.voices.list(limit=1)[0]
    style = client.video_agents.styles()[3]
    asset_id = upload_pdf(client)
    spec = AgentSpec(prompt="A 45-second product intro for our new running shoe, upbeat, for Instagram",
                     avatar_id=look.id, voice_id=voice.voice_id, style_id=style.style_id, orientation="landscape",
                     file_asset_ids=[asset_id])
    session = client.video_agents.create(spec, idempotency_key="key-123")
    assert isinstance(session, AgentSession)
    assert session.session_id.startswith("sess_") and session.video_id and session.status == "generating"
    assert isinstance(session.created_at, int)
    (post,) = agent_posts(calls)
    assert post["idempotency_key"] == "key-123"
    assert post["request_json"] == spec.to_body()
    contract.validate_request("POST", "/v3/video-agents", post["request_json"])
    contract.validate_response("POST", "/v3/video-agents", post["response_json"])
    # The render is watched like any video.
    assert client.videos.get(session.video_id).status in ("waiting", "pending", "processing")


def test_create_without_a_key_still_sends_one(client, calls):
    client.video_agents.create(AgentSpec(prompt="Hello"))
    (post,) = agent_posts(calls)
    assert post["idempotency_key"] and len(post["idempotency_key"]) >= 16


def test_the_same_key_twice_starts_one_video(client, calls):
    first = client.video_agents.create(AgentSpec(prompt="Hello"), idempotency_key="same-key")
    again = client.video_agents.create(AgentSpec(prompt="Hello"), idempotency_key="same-key")
    assert (again.session_id, again.video_id) == (first.session_id, first.video_id)
    assert [v.id for v in client.videos.list()] == [first.video_id]


# -- styles --------------------------------------------------------------------------------------


def test_styles_lists_every_style_in_one_page_of_at_most_100(client, calls):
    styles = client.video_agents.styles()
    assert len(styles) == 12 and all(isinstance(s, StyleItem) for s in styles)
    first = styles[0]
    assert first.style_id and first.name and first.thumbnail_url and first.preview_video_url and first.tags
    assert first.aspect_ratio in ("16:9", "9:16", "1:1")
    (get,) = calls("GET", "/v3/video-agents/styles")
    assert get["query"] == {"limit": "100"}
    contract.validate_query("GET", "/v3/video-agents/styles", get["query"])
    contract.validate_response("GET", "/v3/video-agents/styles", get["response_json"])


def test_styles_follows_next_token_across_pages(client, calls, monkeypatch):
    everything = client.video_agents.styles()
    monkeypatch.setattr(agents_module, "STYLES_PAGE_MAX", 5)
    paged = client.video_agents.styles()
    assert [s.style_id for s in paged] == [s.style_id for s in everything]
    gets = calls("GET", "/v3/video-agents/styles")[1:]
    assert [g["query"].get("limit") for g in gets] == ["5", "5", "5"]
    assert "token" not in gets[0]["query"]
    assert gets[1]["query"]["token"] == gets[0]["response_json"]["next_token"]
    assert gets[2]["query"]["token"] == gets[1]["response_json"]["next_token"]
    assert gets[2]["response_json"]["has_more"] is False


def test_styles_limit_and_tag(client, calls):
    assert len(client.video_agents.styles(limit=4)) == 4
    assert calls("GET", "/v3/video-agents/styles")[-1]["query"] == {"limit": "4"}
    cinematic = client.video_agents.styles(tag="cinematic")
    assert cinematic and all("cinematic" in s.tags for s in cinematic)
    assert calls("GET", "/v3/video-agents/styles")[-1]["query"] == {"tag": "cinematic", "limit": "100"}
    assert client.video_agents.styles(tag="no-such-tag") == []


def test_styles_falls_back_to_pages_of_50_when_heygen_refuses_100(client, sandbox, calls):
    sandbox.add_fault(method="GET", path="/v3/video-agents/styles", status=400, code="invalid_parameter",
                      message="'limit' must be between 1 and 50.", times=1)
    assert len(client.video_agents.styles()) == 12
    assert [g["query"]["limit"] for g in calls("GET", "/v3/video-agents/styles")] == ["100", "50"]


def test_styles_other_refusals_are_not_retried(client, sandbox, calls):
    sandbox.add_fault(method="GET", path="/v3/video-agents/styles", status=400, code="invalid_parameter",
                      message="'tag' is not valid.", times=1)
    with pytest.raises(errors.InvalidRequestError):
        client.video_agents.styles(tag="x")
    assert len(calls("GET", "/v3/video-agents/styles")) == 1


# -- the server's validation ------------------------------------------------------------------------


def _bad_bodies(client):
    look = ready_look(client)
    training = next(look for look in client.avatars.looks(ownership="private") if not look.ready)
    return [
        ({}, "prompt"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": "   \n "}, "prompt"),
        ({"prompt": "x" * 10_001}, "prompt"),
        ({"prompt": 42}, "prompt"),
        ({"prompt": "Hi", "title": "Not a field here"}, "title"),
        ({"prompt": "Hi", "config": {}}, "config"),
        ({"prompt": "Hi", "avatar_id": "no-such-look"}, "avatar_id"),
        ({"prompt": "Hi", "avatar_id": training.id}, "avatar_id"),
        ({"prompt": "Hi", "avatar_id": look.group_id or "grp"}, "avatar_id"),
        ({"prompt": "Hi", "voice_id": "no-such-voice"}, "voice_id"),
        ({"prompt": "Hi", "style_id": "no-such-style"}, "style_id"),
        ({"prompt": "Hi", "orientation": "square"}, "orientation"),
        ({"prompt": "Hi", "files": "brochure.pdf"}, "files"),
        ({"prompt": "Hi", "files": [{"type": "asset_id", "asset_id": "a"}] * 21}, "files"),
        ({"prompt": "Hi", "files": [{"type": "asset_id", "asset_id": "missing"}]}, "files[0].asset_id"),
        ({"prompt": "Hi", "files": [{"type": "file", "path": "x"}]}, "files[0].type"),
        ({"prompt": "Hi", "files": [{"type": "asset_id", "asset_id": "a", "name": "x"}]}, "files[0].name"),
        ({"prompt": "Hi", "files": [{"type": "url", "url": "ftp://x"}]}, "files[0].url"),
        ({"prompt": "Hi", "incognito_mode": "yes"}, "incognito_mode"),
        ({"prompt": "Hi", "callback_url": 5}, "callback_url"),
    ]


def test_every_server_validation_rule_is_a_400_naming_the_field(client, api_key):
    for body, param in _bad_bodies(client):
        with pytest.raises(errors.InvalidRequestError) as info:
            client.video_agents.create(body)
        assert info.value.status == 400 and info.value.code == "invalid_parameter", body
        assert info.value.param == param, (body, info.value.param)
        assert info.value.detail and param in str(info.value)
        assert_plain_and_secret_free(info.value, api_key)


def test_20_files_and_10000_characters_are_accepted(client):
    asset_id = upload_pdf(client)
    body = {"prompt": "x" * 10_000, "files": [{"type": "asset_id", "asset_id": asset_id}] * 20}
    assert client.video_agents.create(body).video_id


# -- failures ---------------------------------------------------------------------------------------


def test_401_is_an_authentication_error(sandbox):
    wrong = "sk-wrong-" + "y" * 24
    with Client(wrong, sandbox.base_url) as bad:
        with pytest.raises(errors.AuthenticationError) as info:
            bad.video_agents.create(AgentSpec(prompt="Hi"))
        assert info.value.status == 401 and info.value.code == "authentication_failed"
        assert_plain_and_secret_free(info.value, wrong)
        with pytest.raises(errors.AuthenticationError):
            bad.video_agents.styles()


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "invalid_parameter", errors.InvalidRequestError),
        (402, "insufficient_credit", errors.InsufficientCreditError),
        (403, "forbidden", errors.PermissionDeniedError),
        (409, "request_in_progress", errors.ConflictError),
        (500, "internal_error", errors.ServerError),
    ],
)
def test_status_faults_map_to_errors_and_are_not_retried(client, sandbox, calls, api_key, status, code, expected):
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=status, code=code, times=None)
    with pytest.raises(expected) as info:
        client.video_agents.create(AgentSpec(prompt="Hi"), idempotency_key="k-status")
    assert info.value.status == status and info.value.code == code
    assert info.value.detail, "HeyGen's own message is kept for the details view"
    assert_plain_and_secret_free(info.value, api_key)
    assert len(agent_posts(calls)) == 1


def test_429_is_not_retried_and_reports_the_wait(client, sandbox, calls, sleeps):
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=429, retry_after=3, times=1)
    with pytest.raises(errors.RateLimitError) as info:
        client.video_agents.create(AgentSpec(prompt="Hi"), idempotency_key="k-429")
    assert info.value.retry_after == 3 and not errors.unclear(info.value)
    assert [p["status"] for p in agent_posts(calls)] == [429] and sleeps == []


def test_429_that_persists_is_a_rate_limit_error(client, sandbox, api_key):
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=429, retry_after=1, times=None)
    with pytest.raises(errors.RateLimitError) as info:
        client.video_agents.create(AgentSpec(prompt="Hi"))
    assert info.value.status == 429 and info.value.retry_after == 1
    assert_plain_and_secret_free(info.value, api_key)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_sent_once_and_unclear(client, sandbox, calls, status):
    sandbox.add_fault(method="POST", path="/v3/video-agents", kind="html", status=status, times=None)
    with pytest.raises(errors.ServerError) as info:
        client.video_agents.create(AgentSpec(prompt="Hi"), idempotency_key="k-gw")
    assert info.value.status == status and errors.unclear(info.value)
    assert "HTML" in (info.value.detail or "")
    assert len(agent_posts(calls)) == 1


def test_a_dropped_connection_is_not_resent(client, sandbox, calls, api_key):
    sandbox.add_fault(method="POST", path="/v3/video-agents", kind="drop", after=True, times=1)
    with pytest.raises(errors.NetworkError) as info:
        client.video_agents.create(AgentSpec(prompt="Hi"), idempotency_key="k-drop")
    assert errors.unclear(info.value)
    assert_plain_and_secret_free(info.value, api_key)
    assert len(agent_posts(calls)) == 1
    assert len(client.videos.list()) == 1  # HeyGen did make it: the caller reconciles, never resends


def test_the_session_list_and_detail_use_the_current_paths(client, calls):
    session = client.video_agents.create(AgentSpec(prompt="A short welcome"), idempotency_key="k-list")
    listed = client.video_agents.sessions(limit=10)
    assert [s.session_id for s in listed] == [session.session_id]
    state = client.video_agents.session(session.session_id)
    assert state.video_id == session.video_id and 0 <= state.progress <= 100
    assert len(calls("GET", "/v3/video-agents")) == 1
    assert len(calls("GET", f"/v3/video-agents/{session.session_id}")) == 1


def test_a_connection_that_keeps_dropping_is_a_network_error(client, sandbox, api_key):
    sandbox.add_fault(method="POST", path="/v3/video-agents", kind="drop", times=None)
    with pytest.raises(errors.NetworkError) as info:
        client.video_agents.create(AgentSpec(prompt="Hi"))
    assert info.value.reason == "reset"
    assert_plain_and_secret_free(info.value, api_key)
    assert client.videos.list() == []


def test_a_slow_answer_is_a_timeout_sent_once(sandbox, calls, sleeps):
    sandbox.add_fault(method="POST", path="/v3/video-agents", kind="slow", delay_ms=1500, times=1)
    with Client(sandbox.api_key, sandbox.base_url, sleep=sleeps, timeout=(2.0, 0.5)) as client:
        with pytest.raises(errors.NetworkError) as info:
            client.video_agents.create(AgentSpec(prompt="Hi"), idempotency_key="k-slow")
        assert info.value.reason == "timeout" and errors.unclear(info.value)
        deadline = time.monotonic() + 10
        while not agent_posts(calls) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p["idempotency_key"] for p in agent_posts(calls)] == ["k-slow"], "the slow create was never logged"
        assert len(client.videos.list()) == 1  # the slow answer did make it: the caller reconciles


def test_an_answer_without_any_id_is_unexpected(client, sandbox):
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=200, code=None, times=1)
    with pytest.raises(errors.UnexpectedResponseError):
        client.video_agents.create(AgentSpec(prompt="Hi"))


def test_an_unknown_session_is_not_found(client):
    with pytest.raises(errors.NotFoundError):
        client.video_agents.session("sess_unknown")
    with pytest.raises(errors.InvalidRequestError):
        client.video_agents.session(" ")
