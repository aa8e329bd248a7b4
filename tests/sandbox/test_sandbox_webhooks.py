"""Sandbox webhooks: endpoints, event types and the events feed answer July's schemas; the secret is shown on
create and rotate only; a finished or failed render is POSTed, signed with the endpoint's current secret, to
the endpoints subscribed to its event type, and recorded in the feed whether or not the delivery succeeded."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest

from heygen.sandbox import webhooks
from tests.support import wait_for

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "heygen-api" / "v3-2026-07" / "endpoints.json"
EVENTS = "/v3/webhooks/events"
ENDPOINTS = "/v3/webhooks/endpoints"


@pytest.fixture(scope="module")
def schemas():
    if not REFERENCE.exists():
        pytest.skip(f"the July reference is not at {REFERENCE}")
    return {(e["method"], e["path"]): e for e in json.loads(REFERENCE.read_text())["endpoints"]}


def _nullable(schema):
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable") and isinstance(schema.get("type"), str):
        out["type"] = [schema["type"], "null"]
    return out


def _valid(schemas, method, path, body):
    jsonschema.Draft202012Validator(_nullable(schemas[(method, path)]["response_schema"])).validate(body)


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every POST (headers and raw body) and answers ``status``."""

    def __init__(self, status: int = 200):
        self.status = status
        self.got: list[tuple[dict, bytes]] = []
        self.arrived = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.arrived:
                    outer.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    outer.arrived.notify_all()
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 30):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.got) >= count, timeout=timeout), \
                f"{len(self.got)} of {count} deliveries arrived"
        return self.got

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def _verified(secret: str, headers: dict, body: bytes) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get("signature", ""), expected)


def test_endpoints_fit_the_schemas_and_show_the_secret_on_create_and_rotate_only(api, schemas, receiver):
    made = api.post(ENDPOINTS, json={"url": receiver.url, "events": ["avatar_video.success"]})
    assert made.status_code == 200, made.text
    _valid(schemas, "POST", ENDPOINTS, made.json())
    endpoint = made.json()["data"]
    assert endpoint["secret"] and endpoint["status"] == "enabled" and endpoint["events"] == ["avatar_video.success"]

    listed = api.get(ENDPOINTS)
    _valid(schemas, "GET", ENDPOINTS, listed.json())
    assert [e["endpoint_id"] for e in listed.json()["data"]] == [endpoint["endpoint_id"]]
    assert listed.json()["data"][0]["secret"] is None

    path = f"{ENDPOINTS}/{endpoint['endpoint_id']}"
    patched = api.session.patch(api.url(path), json={"events": ["avatar_video.fail"]}, timeout=10)
    assert patched.status_code == 200, patched.text
    _valid(schemas, "PATCH", "/v3/webhooks/endpoints/{endpoint_id}", patched.json())
    assert patched.json()["data"]["events"] == ["avatar_video.fail"] and patched.json()["data"]["secret"] is None

    rotated = api.post(f"{path}/rotate-secret")
    _valid(schemas, "POST", "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret", rotated.json())
    assert rotated.json()["data"]["secret"] not in (None, endpoint["secret"])

    types = api.get("/v3/webhooks/event-types")
    _valid(schemas, "GET", "/v3/webhooks/event-types", types.json())
    enum = schemas[("POST", ENDPOINTS)]["request_schema"]["properties"]["events"]["items"]["enum"]
    assert [t["event_type"] for t in types.json()["data"]] == enum

    deleted = api.delete(path)
    _valid(schemas, "DELETE", "/v3/webhooks/endpoints/{endpoint_id}", deleted.json())
    assert api.get(ENDPOINTS).json()["data"] == []
    assert api.delete(path).status_code == 404


def test_bad_endpoints_are_refused_naming_the_field(api, v3_error):
    v3_error(api.post(ENDPOINTS, json={"url": "http://studio.example.com/hooks"}), 400, "invalid_parameter",
             param="url")
    v3_error(api.post(ENDPOINTS, json={}), 400, "invalid_parameter", param="url")
    v3_error(api.post(ENDPOINTS, json={"url": "https://studio.example.com/hooks", "events": ["video.done"]}),
             400, "invalid_parameter", param="events")
    assert api.post(ENDPOINTS, json={"url": "https://studio.example.com/hooks"}).status_code == 200


def test_a_finished_and_a_failed_render_are_delivered_signed_and_kept_in_the_feed(api, schemas, receiver,
                                                                                 sandbox):
    secret = api.post(ENDPOINTS, json={"url": receiver.url, "events": ["avatar_video.success", "avatar_video.fail"]}
                      ).json()["data"]["secret"]
    ok = api.create_video().json()["data"]["video_id"]
    bad = api.create_video(title="fails").json()["data"]["video_id"]
    sandbox.state.set_video_fate(bad, outcome="fail")
    got = receiver.wait(2)
    by_video = {json.loads(body)["event_data"]["video_id"]: (headers, body) for headers, body in got}
    assert set(by_video) == {ok, bad}
    for headers, body in by_video.values():
        assert _verified(secret, headers, body)
        assert not _verified(secret + "x", headers, body)
    success = json.loads(by_video[ok][1])
    assert success["event_type"] == "avatar_video.success" and success["event_data"]["url"].startswith("http")
    assert success["event_id"] and success["created_at"].endswith("Z")
    failure = json.loads(by_video[bad][1])
    assert failure["event_type"] == "avatar_video.fail" and failure["event_data"]["msg"]

    feed = api.get(EVENTS, params={"limit": 1})
    _valid(schemas, "GET", EVENTS, feed.json())
    assert len(feed.json()["data"]) == 1 and feed.json()["has_more"] is True
    second = api.get(EVENTS, params={"limit": 1, "token": feed.json()["next_token"]}).json()["data"]
    assert {feed.json()["data"][0]["event_id"], second[0]["event_id"]} == {success["event_id"], failure["event_id"]}
    only = api.get(EVENTS, params={"entity_id": bad}).json()["data"]
    assert [e["event_type"] for e in only] == ["avatar_video.fail"]
    assert api.get(EVENTS, params={"event_type": "avatar_video.success"}).json()["data"][0]["event_data"][
        "video_id"] == ok


def test_after_rotation_deliveries_are_signed_with_the_new_secret_only(api, receiver):
    endpoint = api.post(ENDPOINTS, json={"url": receiver.url}).json()["data"]
    new = api.post(f"{ENDPOINTS}/{endpoint['endpoint_id']}/rotate-secret").json()["data"]["secret"]
    api.create_video()
    headers, body = receiver.wait(1)[0]
    assert _verified(new, headers, body) and not _verified(endpoint["secret"], headers, body)


def test_only_subscribed_enabled_endpoints_get_an_event_and_a_failed_delivery_stays_in_the_feed(api, sandbox,
                                                                                              receiver):
    api.post(ENDPOINTS, json={"url": receiver.url, "events": ["avatar_video.fail"]})
    down = Receiver()
    down.close()  # nothing listens there any more
    api.post(ENDPOINTS, json={"url": down.url, "events": ["avatar_video.success"]})
    video = api.create_video().json()["data"]["video_id"]
    wait_for(lambda: any(e.deliveries for e in webhooks.events(sandbox.state)), timeout=30,
             message="the delivery to the closed port was never tried")
    [event] = webhooks.events(sandbox.state)
    assert event.event_data["video_id"] == video and event.deliveries[0]["status"] is None
    assert receiver.got == []  # subscribed to failures only
    assert [e["event_id"] for e in api.get(EVENTS).json()["data"]] == [event.event_id]


def test_renders_finished_before_the_first_endpoint_are_not_announced(api, sandbox, receiver):
    early = api.create_video().json()["data"]["video_id"]
    wait_for(lambda: api.get(f"/v3/videos/{early}").json()["data"]["status"] == "completed", timeout=30,
             message="the first render never finished")
    api.post(ENDPOINTS, json={"url": receiver.url})
    late = api.create_video().json()["data"]["video_id"]
    receiver.wait(1)
    wait_for(lambda: api.get(f"/v3/videos/{late}").json()["data"]["status"] == "completed", timeout=30,
             message="the second render never finished")
    assert [json.loads(body)["event_data"]["video_id"] for _, body in receiver.got] == [late]


def test_a_template_render_is_announced_like_any_video(api, receiver):
    secret = api.post(ENDPOINTS, json={"url": receiver.url}).json()["data"]["secret"]
    variables = {"first_name": {"type": "text", "properties": {"content": "Ada"}},
                 "company": {"type": "text", "properties": {"content": "Northwind"}}}
    made = api.post("/v3/templates/tpl_customer_welcome", json={"variables": variables})
    assert made.status_code == 200, made.text
    headers, body = receiver.wait(1)[0]
    event = json.loads(body)
    assert event["event_type"] == "avatar_video.success" and event["event_data"]["video_id"] == made.json()["data"]["id"]
    assert _verified(secret, headers, body)


def test_an_endpoint_off_this_machine_is_accepted_but_never_sent_to(api, sandbox):
    api.post(ENDPOINTS, json={"url": "https://studio.example.com/hooks"})
    api.create_video()
    wait_for(lambda: any(e.deliveries for e in webhooks.events(sandbox.state)), timeout=30,
             message="the event was never handled")
    [event] = webhooks.events(sandbox.state)
    assert event.deliveries == [{"endpoint_id": event.deliveries[0]["endpoint_id"], "status": None,
                                 "error": "not_loopback"}]
