"""Every operation × every fault: what the user is told, what is retried, and that nothing is sent twice.

Operations are the studio's own calls (client, launch, watch) against the sandbox over real HTTP;
faults are injected by the sandbox on exactly that operation's method and path. Each cell checks:
- the error is the right kind, with a plain sentence and a hint on what to do (no traceback words,
  never the key);
- how many requests reached the sandbox (retried reads, never-retried uploads and creates);
- for creates: "submit_failed" (surely not sent) or "checking" (HeyGen may have it; reconciled,
  never resent), and never more than one video.
Page-level cells (no traceback on the page, inputs kept) are in tests/studio/test_launch_faults.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from heygen import AgentSpec, Client, VideoSpec
from heygen.api import errors
from heygen.studio import watch
from heygen.studio import agent_launch, kinds, launch
from heygen.studio.errors import NotSendable
from heygen.api import assets
from heygen.studio.jobs import JobStore
from heygen.sandbox import Sandbox

API_KEY = "sk-matrix-9d8c7b6a5f4e3d2c1b0a9f8e"
ACCOUNT = "matrix"
READ_TIMEOUT = 1.5  # generous: a busy machine must not turn an ordinary answer into a timeout
TRACEBACK_WORDS = ("Traceback", "Exception", "requests.", "urllib3", "HTTPConnectionPool", "Errno")


@dataclass(frozen=True)
class Fault:
    name: str
    spec: dict[str, Any]
    error: type[errors.HeyGenError]
    retried_read: bool  # a GET retries it on its own
    unclear: bool  # a create that got it may still have reached HeyGen


FAULTS = [
    Fault("401", {"status": 401, "code": "authentication_failed"}, errors.AuthenticationError, False, False),
    Fault("402", {"status": 402, "code": "insufficient_credit"}, errors.InsufficientCreditError, False, False),
    Fault("403", {"status": 403, "code": "forbidden"}, errors.PermissionDeniedError, False, False),
    Fault("404", {"status": 404, "code": "not_found"}, errors.NotFoundError, False, False),
    Fault("409", {"status": 409, "code": "request_in_progress"}, errors.ConflictError, False, True),
    Fault("413", {"status": 413, "code": "payload_too_large"}, errors.PayloadTooLargeError, False, False),
    Fault("422", {"status": 422, "code": "invalid_parameter", "message": "script is empty"},
          errors.InvalidRequestError, False, False),
    Fault("429", {"status": 429, "code": "rate_limit_exceeded", "retry_after": 4}, errors.RateLimitError, True, False),
    Fault("500 JSON", {"status": 500, "code": "internal_error"}, errors.ServerError, False, True),
    Fault("502 HTML", {"kind": "html", "status": 502}, errors.ServerError, True, True),
    Fault("read timeout", {"kind": "slow", "delay_ms": 5000}, errors.NetworkError, True, True),
    Fault("dropped connection", {"kind": "drop"}, errors.NetworkError, True, True),
    Fault("3xx redirect", {"kind": "redirect", "status": 302, "location": "http://127.0.0.2:9/elsewhere"},
          errors.RedirectError, False, False),
]

# Cells that cannot happen for real, with the reason; they are still run (the sandbox can send
# anything), but only the error's plainness is checked, not a claim about HeyGen's behaviour.
CANNOT_HAPPEN = {
    ("account", "409"): "409 request_in_progress only answers a create that carries an Idempotency-Key",
    ("looks", "409"): "409 request_in_progress only answers a create that carries an Idempotency-Key",
    ("voices", "409"): "409 request_in_progress only answers a create that carries an Idempotency-Key",
    ("status", "409"): "409 request_in_progress only answers a create that carries an Idempotency-Key",
    ("upload", "409"): "uploads carry no Idempotency-Key",
    ("account", "413"): "a GET has no body to be too large",
    ("looks", "413"): "a GET has no body to be too large",
    ("voices", "413"): "a GET has no body to be too large",
    ("status", "413"): "a GET has no body to be too large",
    ("create agent video", "413"): "the agent create is a small JSON body; files go up as assets first",
}
# An upload waits much longer for its answer than other calls (UPLOAD_TIMEOUT); its read-timeout cell
# is run with the slow answer made longer than that wait by shrinking the wait, not the answer.
UPLOAD_WAIT = (2.0, READ_TIMEOUT)


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=30.0).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.reset()
    sandbox.configure(render_seconds=30.0, latency_ms=0, render_outcome="complete")
    yield
    sandbox.clear_faults()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sandbox, sleeps):
    c = Client(API_KEY, sandbox.base_url, timeout=(2.0, READ_TIMEOUT), sleep=sleeps.append)
    yield c
    c.close()


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3", kinds=kinds.KINDS) as s:
        yield s


@pytest.fixture(scope="module")
def catalogue(sandbox):
    with Client(API_KEY, sandbox.base_url) as c:
        return c.avatars.looks(ownership="public", limit=1)[0].id, c.voices.list(limit=1)[0].voice_id


def _logged(sandbox, method: str, path: str, want: int) -> list[dict]:
    """The sandbox's log entries for one operation, waiting (against a deadline) for ``want`` of them."""
    deadline = time.monotonic() + 10
    while True:
        found = [e for e in sandbox.requests_log() if e["method"] == method and e["path"] == path]
        if len(found) >= want or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


@dataclass
class Op:
    name: str
    method: str
    path: Callable[[dict], str]
    kind: str  # "read", "upload" or "create"
    run: Callable[..., Any]
    prepare: Callable[..., dict] = lambda client, store, catalogue: {}


def _prepare_status(client, store, catalogue):
    look, voice = catalogue
    job = launch.create_job(store, account=ACCOUNT, spec=VideoSpec(avatar_id=look, voice_id=voice, script="Hi."))
    job = launch.submit(client, store, job)
    return {"job": job, "path": f"/v3/videos/{job.video_id}"}


def _prepare_create(client, store, catalogue):
    look, voice = catalogue
    spec = VideoSpec(avatar_id=look, voice_id=voice, script="Hello from the matrix.", title="Matrix video")
    return {"job": launch.create_job(store, account=ACCOUNT, spec=spec)}


def _prepare_agent(client, store, catalogue):
    return {"job": agent_launch.create_job(store, account=ACCOUNT, spec=AgentSpec(prompt="A short welcome video."))}


OPS = [
    Op("account", "GET", lambda ctx: "/v3/users/me", "read", lambda client, store, ctx: client.users.me()),
    Op("looks", "GET", lambda ctx: "/v3/avatars/looks", "read",
       lambda client, store, ctx: client.avatars.looks(limit=5)),
    Op("voices", "GET", lambda ctx: "/v3/voices", "read", lambda client, store, ctx: client.voices.list(limit=5)),
    Op("upload", "POST", lambda ctx: "/v3/assets", "upload",
       lambda client, store, ctx: client.assets.upload(b"\xff\xd8\xff\xe0 a photo", filename="p.jpg",
                                                       mime_type="image/jpeg")),
    Op("create video", "POST", lambda ctx: "/v3/videos", "create",
       lambda client, store, ctx: launch.submit(client, store, ctx["job"]), _prepare_create),
    Op("create agent video", "POST", lambda ctx: "/v3/video-agents", "create",
       lambda client, store, ctx: agent_launch.submit(client, store, ctx["job"]), _prepare_agent),
    Op("video status", "GET", lambda ctx: ctx["path"], "status",
       lambda client, store, ctx: watch.check(client, store, store.get(ctx["job"].id), watch.PollPolicy()),
       _prepare_status),
]


def _assert_plain(error: errors.HeyGenError) -> None:
    text = str(error)
    assert text and text[0].isupper() and text.rstrip().endswith((".", ")")), text
    assert error.hint, f"{type(error).__name__} says nothing about what to do: {text}"
    for rendering in (text, error.hint, repr(error), str(error.to_dict()), str(error.details())):
        assert API_KEY not in rendering
    for rendering in (text, error.hint):
        for word in TRACEBACK_WORDS:
            assert word not in rendering, rendering


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("op", OPS, ids=[o.name for o in OPS])
def test_cell(op: Op, fault: Fault, sandbox, client, store, sleeps, catalogue, monkeypatch):
    if op.kind == "upload":
        monkeypatch.setattr(assets, "UPLOAD_TIMEOUT", UPLOAD_WAIT)
    ctx = op.prepare(client, store, catalogue)
    path = op.path(ctx)
    sandbox.state.clear_log()
    sandbox.add_fault(method=op.method, path=path, times=None, **fault.spec)
    if op.kind == "status":
        result = op.run(client, store, ctx)
        # A status check never raises: it records the error and says whether watching goes on.
        assert isinstance(result.error, fault.error)
        _assert_plain(result.error)
        expected = {"401": watch.REJECTED, "403": watch.REJECTED, "404": watch.NOT_FOUND}.get(fault.name, watch.RUNNING)
        assert result.outcome == expected
        if fault.name == "429":
            assert result.wait >= 4
        want = 1 + client.max_retries if fault.retried_read else 1
        assert len(_logged(sandbox, "GET", path, want)) == want
        return
    with pytest.raises(errors.HeyGenError) as info:
        op.run(client, store, ctx)
    error = info.value
    assert isinstance(error, fault.error), f"{type(error).__name__}: {error}"
    _assert_plain(error)
    if (op.name, fault.name) in CANNOT_HAPPEN:
        return
    if op.kind == "read":
        want = 1 + client.max_retries if fault.retried_read else 1
        assert len(_logged(sandbox, op.method, path, want)) == want
        if fault.name == "429":
            assert sleeps == [4.0, 4.0]  # waited out as told, then gave up with the wait in the error
            assert error.retry_after == 4
        return
    # Uploads and creates are sent once, whatever happened.
    assert len(_logged(sandbox, op.method, path, 1)) == 1 and sleeps == []
    if op.kind == "create":
        job = store.get(ctx["job"].id)
        assert job.status == ("checking" if fault.unclear else "submit_failed"), job.status
        assert errors.unclear(error) == fault.unclear
        with Client(API_KEY, sandbox.base_url) as plain:
            # Only a slow answer does the work (after the studio stopped waiting); never more than once.
            assert len(plain.videos.list()) == (1 if fault.name == "read timeout" else 0)
        if fault.unclear:
            # HeyGen may have it: sending again is refused until reconciliation has looked.
            with pytest.raises(NotSendable, match="checking"):
                op.run(client, store, {"job": job})
            assert len(_logged(sandbox, op.method, path, 1)) == 1


@pytest.mark.parametrize("fault", ["502 HTML", "dropped connection", "read timeout"])
@pytest.mark.parametrize("op", ["create video", "create agent video"])
@pytest.mark.parametrize("honour_key", [True, False], ids=["key honoured", "key ignored"])
def test_a_create_heygen_carried_out_but_whose_answer_was_lost_makes_one_video(
        op, fault, honour_key, sandbox, client, store, catalogue):
    sandbox.configure(honour_idempotency_key=honour_key)
    try:
        chosen = next(o for o in OPS if o.name == op)
        spec = next(f for f in FAULTS if f.name == fault).spec
        ctx = chosen.prepare(client, store, catalogue)
        sandbox.add_fault(method="POST", path=chosen.path(ctx), after=True, times=1, **spec)
        with pytest.raises(errors.HeyGenError) as info:
            chosen.run(client, store, ctx)
        assert errors.unclear(info.value)
        job = store.get(ctx["job"].id)
        assert job.status == "checking"
        _logged(sandbox, "POST", chosen.path(ctx), 1)
        # The status panel's next check reconciles: it finds the video (or session) and adopts it.
        for _ in range(3):
            job = store.get(job.id)
            kinds.of(job).check(client, store, job, watch.PollPolicy())
            if store.get(job.id).video_id:
                break
        adopted = store.get(job.id)
        assert adopted.video_id, adopted.status
        with Client(API_KEY, sandbox.base_url) as plain:
            assert [v.id for v in plain.videos.list()] == [adopted.video_id]
        assert len([e for e in sandbox.requests_log() if e["method"] == "POST"]) == 1
    finally:
        sandbox.configure(honour_idempotency_key=True)


def test_a_video_owned_by_another_job_is_never_adopted(sandbox, client, store, catalogue):
    look, voice = catalogue
    spec = VideoSpec(avatar_id=look, voice_id=voice, script="Same title twice.", title="Twin")
    first = launch.submit(client, store, launch.create_job(store, account=ACCOUNT, spec=spec))
    second = launch.create_job(store, account=ACCOUNT, spec=spec)
    sandbox.add_fault(method="POST", path="/v3/videos", kind="html", status=502, times=1)  # nothing made
    with pytest.raises(errors.ServerError):
        launch.submit(client, store, second)
    now = time.time()
    for later in (0, 16, 32):
        result = watch.check(client, store, store.get(second.id), watch.PollPolicy(), now=now + later)
    assert result.outcome == watch.UNCLEAR
    job = store.get(second.id)
    assert job.video_id is None and job.status == "unclear"
    assert "HeyGen may have received this" in job.error_detail["message"]
    assert store.get(first.id).video_id
    # The user chose to send it again: the same key goes out, once.
    again = launch.submit(client, store, job)
    assert again.video_id and again.video_id != first.video_id
    keys = [e["idempotency_key"] for e in sandbox.requests_log() if e["method"] == "POST"]
    assert keys[-2:] == [second.idempotency_key, second.idempotency_key]


def test_two_senders_racing_for_one_job_send_it_once(sandbox, store, catalogue):
    import threading

    look, voice = catalogue
    job = launch.create_job(store, account=ACCOUNT, spec=VideoSpec(avatar_id=look, voice_id=voice, script="Race."))
    sandbox.configure(latency_ms=300)
    outcomes: list[object] = []
    gate = threading.Barrier(2)

    def send() -> None:
        with Client(API_KEY, sandbox.base_url) as own:
            gate.wait()
            try:
                outcomes.append(launch.submit(own, store, store.get(job.id)))
            except (errors.HeyGenError, NotSendable) as exc:
                outcomes.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len([e for e in sandbox.requests_log() if e["method"] == "POST"]) == 1
    assert sorted(type(o).__name__ for o in outcomes) == ["Job", "NotSendable"]
    assert store.get(job.id).video_id
