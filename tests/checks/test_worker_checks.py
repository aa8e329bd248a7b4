"""The worker checks every finished video it keeps against what it was meant to say (the sandbox's
subtitles speak the script unless told to misspeak), and a finding accepted as correct stays accepted."""

from __future__ import annotations

import pytest

from heygen import Client, VideoSpec
from heygen.sandbox import Sandbox
from heygen.studio import fixes, kinds, qa
from heygen.studio.config import account_fingerprint
from heygen.studio.inspection import EVERYWHERE, CheckStore, Meant, inspect
from heygen.studio.launch import create_job, submit
from tests.support import Worker, wait_for

KEY = "sk-worker-checks-0123456789abcdef"


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.2).start()
    yield sb
    sb.stop()


@pytest.fixture
def worker(sandbox, tmp_path, monkeypatch):
    sandbox.reset()
    data = tmp_path / "studio-data"
    data.mkdir()
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(data))
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.5")
    w = Worker(data, KEY, sandbox.base_url)
    yield w
    w.close()


def _launch(worker: Worker, script: str, *, values: dict | None = None):
    client = worker.client
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=script, title="Check me")
    job = create_job(worker.store, account=worker.account, spec=spec, extra={"values": values or {}})
    return submit(Client(KEY, worker.client.base_url), worker.store, job)


def _checked(worker: Worker, job_id: str):
    checks = CheckStore(worker.store.db)

    def done():
        worker.tick()
        return checks.get(job_id)

    return wait_for(done, timeout=60, message="the finished video was never checked", interval=0.2)


def test_a_video_that_says_its_script_is_checked_ok(worker):
    job = _launch(worker, "Hello John, your plan costs $1,299 a year. See you on 14 March.")
    check = _checked(worker, job.id)
    assert check.status == "ok" and check.open_findings == 0, check.report.findings


def test_a_swapped_name_is_found_at_its_moment_and_can_be_accepted(worker, sandbox):
    sandbox.misspeak(match="John", swap=("John", "Jon"))
    job = _launch(worker, "Thanks for your time today. Hello John, your plan is ready.", values={"first_name": "John"})
    check = _checked(worker, job.id)
    assert check.status == "findings"
    top = check.report.open[0]
    assert top.kind == qa.Kind.NAME and top.expected == "John" and top.spoken == "Jon"
    assert top.moment is not None and top.moment > 0.5  # the name comes after the first sentence

    checks = CheckStore(worker.store.db)
    checks.accept(EVERYWHERE, top.kind.value, top.expected, top.spoken)
    again = checks.apply_accepted(worker.store.get(job.id))
    assert again.status == "ok" and again.report.findings[0].accepted
    rechecked = worker.background.check_video(job.id)  # a later check keeps it accepted
    assert rechecked.status == "ok"


def test_a_video_agent_video_is_checked_against_its_prompts_facts():
    srt = "1\n00:00:00,000 --> 00:00:03,000\nJoin our webinar on 15 March.\n"
    report = inspect(Meant("facts", "Make a video inviting people to our webinar on 14 March."), srt)
    assert report.status == "findings" and report.open[0].kind == qa.Kind.NUMBER


def test_revoicing_the_wrong_sentence_makes_a_video_that_checks_ok(worker, sandbox):
    sandbox.misspeak(match="John", kind="video", swap=("John", "Jon"))
    script = "Thanks for your time today. Hello John, your plan is ready. See you soon."
    job = _launch(worker, script, values={"first_name": "John"})
    check = _checked(worker, job.id)
    finding = check.report.open[0]
    srt_text = (worker.background.media_root / job.id / "subtitles.srt").read_text()
    fix = fixes.sentence_fix(worker.store.get(job.id), srt_text, finding.moment, finding.expected)
    assert fix.written == "Hello John, your plan is ready." and 0 < fix.start < fix.end
    redo = fixes.revoice_sentence(worker.store, worker.store.get(job.id), fix, account=worker.account)
    assert redo.redo_of == job.id
    kinds.of(redo).send(Client(KEY, worker.client.base_url), worker.store, redo)
    again = _checked(worker, redo.id)
    assert again.status == "ok", again.report.findings


def test_a_rerender_is_a_new_job_linked_to_the_old_one(worker):
    job = _launch(worker, "Hello there, this is a short video.")
    redo = fixes.rerender(worker.store, worker.store.get(job.id), account=worker.account)
    assert redo.redo_of == job.id and redo.inputs["spec"] == worker.store.get(job.id).inputs["spec"]
    assert redo.id != job.id and redo.status == "submitting"
