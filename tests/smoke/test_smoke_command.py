"""`python -m heygen.smoke` run as a subprocess against a sandbox on 127.0.0.1."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from heygen.sandbox import Sandbox
from heygen.smoke.checks import echo
from heygen.smoke.report import Redactor

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-smoke-test-7f3c9a1e5d"
ROW = re.compile(r"^(\S+)\s+(held|differs|skipped|noted)\s{2,}(.*)$")


@pytest.fixture
def sandbox():
    box = Sandbox(api_key=KEY, render_seconds=0.5).start()
    try:
        yield box
    finally:
        box.stop()


def smoke(base_url: str | None, *args: str, key: str | None = KEY, timeout: float = 180):
    """Run the command; returns (exit code, stdout, stderr, {check: (result, answer)})."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEYGEN_")}
    if key is not None:
        env["HEYGEN_API_KEY"] = key
    if base_url is not None:
        env["HEYGEN_API_BASE_URL"] = base_url
    done = subprocess.run([sys.executable, "-m", "heygen.smoke", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    rows: dict[str, tuple[str, str]] = {}
    last = None
    for line in done.stdout.splitlines():
        match = ROW.match(line)
        if match:
            last = match.group(1)
            rows[last] = (match.group(2), "")
        elif last and line.strip().startswith("-> "):
            rows[last] = (rows[last][0], line.strip()[3:])
    for secret in (KEY, key or KEY):
        assert secret not in done.stdout and secret not in done.stderr
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr, rows


def control(sandbox, path, body):
    response = requests.post(sandbox.base_url + path, json=body, timeout=10)
    assert response.status_code == 200, response.text


def start_session(sandbox):
    response = requests.post(sandbox.base_url + "/v3/video-agents", json={"prompt": "A ten-second hello."},
                             headers={"X-Api-Key": KEY}, timeout=10)
    assert response.status_code == 200, response.text


def test_read_only_run_against_the_sandbox_holds_everywhere(sandbox):
    start_session(sandbox)
    requests.delete(sandbox.base_url + "/_sandbox/requests", timeout=10)
    code, out, _, rows = smoke(sandbox.base_url)
    assert code == 0, out
    assert {check for check, (result, _) in rows.items() if result == "held"} == {
        "key", "looks", "voices", "speech-voices", "bulk-statuses", "agent-sessions", "agent-session"}, out
    assert rows["idempotency-key"] == ("noted", "not echoed; --render looks at the create")
    assert rows["bulk-statuses"][1] == "not_found"
    log = requests.get(sandbox.base_url + "/_sandbox/requests", timeout=10).json()["data"]
    assert not [entry for entry in log if entry.get("method") != "GET"], "a read-only run sent a non-GET request"


def test_render_makes_one_video_and_follows_it_to_the_end(sandbox):
    control(sandbox, "/_sandbox/config", {"render_seconds": 0.5})
    code, out, err, rows = smoke(sandbox.base_url, "--render", "--poll-seconds", "0.1")
    assert code == 0, out
    assert rows["render-create"][0] == "held"
    assert rows["render-follow"][0] == "held" and rows["render-follow"][1].endswith(" s"), out
    assert rows["render-follow"][1].split(" -> ")[-1].startswith("completed")
    assert rows["render-detail"][0] == "held", out
    assert "video completed" in err
    log = requests.get(sandbox.base_url + "/_sandbox/requests", timeout=10).json()["data"]
    creates = [e for e in log if e.get("method") == "POST" and e.get("path") == "/v3/videos"]
    assert len(creates) == 1 and creates[0].get("idempotency_key")
    status_calls = [e for e in log if e.get("path") == "/v3/videos/statuses"]
    assert len(status_calls) >= 2  # the made-up id, then the rendered video


def test_a_failed_render_differs_with_heygens_reason(sandbox):
    control(sandbox, "/_sandbox/config", {"render_seconds": 0.3, "render_outcome": "fail",
                                           "failure_code": "avatar_unavailable",
                                           "failure_message": "The avatar cannot be used right now."})
    code, out, _, rows = smoke(sandbox.base_url, "--render", "--poll-seconds", "0.1")
    assert code == 1, out
    assert rows["render-follow"][0] == "differs"
    assert "failed" in rows["render-follow"][1] and "avatar_unavailable" in rows["render-follow"][1], out
    assert rows["render-detail"][0] == "skipped"


def test_a_sandbox_told_to_differ_shows_the_difference(sandbox):
    control(sandbox, "/_sandbox/config", {"voices_drop_field": "support_pause"})
    code, out, _, rows = smoke(sandbox.base_url)
    assert code == 1, out
    result, answer = rows["voices"]
    assert result == "differs"
    assert answer.startswith("support_pause missing in 100 of 100, e.g. {voice_id: string, name: string"), answer
    assert rows["looks"][0] == "held" and rows["key"][0] == "held"
    assert "1 differs" in out or "2 differs" in out


def test_a_refused_key_is_reported_without_the_key():
    box = Sandbox(api_key="the-right-key").start()
    try:
        code, out, _, rows = smoke(box.base_url)
    finally:
        box.stop()
    assert code == 1
    assert rows["key"][0] == "differs" and rows["key"][1].startswith("401 "), out
    assert rows["looks"] == ("skipped", "not checked: HeyGen refused the key")
    assert "HeyGen refused the key in HEYGEN_API_KEY" in out


def test_no_key_exits_2_with_a_clear_message():
    code, out, err, _ = smoke("http://127.0.0.1:9", key=None)
    assert code == 2
    assert "HEYGEN_API_KEY is not set" in err and out == ""


def test_an_unreachable_server_is_reported_per_check_and_exits_3():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, _, rows = smoke(f"http://127.0.0.1:{port}")
    assert code == 3, out
    assert rows["key"] == ("skipped", "no answer (refused): The HeyGen server refused the connection.")
    assert all(result == "skipped" for result, _ in rows.values())


def test_the_redactor_hides_the_key_signed_links_and_addresses():
    redact = Redactor(KEY)
    text = redact(f"bad key {KEY} for ann@example.com, see https://cdn.example.com/v/1.mp4?Signature=abc&Key=x")
    assert text == "bad key [key] for [e-mail], see https://cdn.example.com/…"
    assert len(redact("x" * 1000)) == 240


def test_echo_tells_echoed_from_missing_and_different():
    assert echo({"Idempotency-Key": "abc"}, "abc") == "echoed"
    assert echo({"idempotency-key": "xyz"}, "abc") == "a different Idempotency-Key came back"
    assert echo({"Content-Type": "application/json"}, "abc") == "not echoed"
