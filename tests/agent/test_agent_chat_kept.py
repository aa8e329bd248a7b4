"""Every video a chat session makes is kept on disk by the studio's real worker, like the first draft: the
draft as the job's own video, each revision in the job's session folder, over real HTTP against the sandbox."""

from __future__ import annotations

import time

import pytest

from heygen import AgentSpec
from heygen.studio import agent_chat, archive, kinds
from heygen.studio.agent_launch import create_job, submit


@pytest.fixture(autouse=True)
def quick(sandbox, monkeypatch):
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.5")
    sandbox.configure(render_seconds=0.3, agent_render_seconds=1.0)


def tick_until(worker, store, job, until, seconds=60.0):
    deadline = time.monotonic() + seconds
    while True:
        job = store.get(job.id)
        if until(job):
            return job
        assert time.monotonic() < deadline, f"never got there: {job.status} {agent_chat.session_record(job)}"
        worker.tick()
        time.sleep(0.1)


def media_downloads(sandbox, video_id):
    return [e for e in sandbox.requests_log(media=True) if video_id in e["path"] and e["path"].endswith(".mp4")]


def test_the_worker_keeps_the_draft_and_every_revision(client, store, account, sandbox, worker):
    root = archive.default_media_root()
    job = submit(client, store, create_job(store, account=account,
                                           spec=AgentSpec(prompt="An invitation to our spring webinar", mode="chat")))
    job = tick_until(worker, store, job, lambda j: agent_chat.session_record(j).get("status") == "waiting_for_input")
    for number, message in enumerate(("For customers.", "A shorter intro.", "Mention the date."), start=1):
        agent_chat.send_message(client, store, job, message)
        job = tick_until(worker, store, job, lambda j: j.status == "completed" and len(
            agent_chat.session_record(j).get("videos") or []) == number and not agent_chat.unkept_videos(j, root)
            and archive.VIDEO in archive.local_files(j, root))
    videos = agent_chat.session_record(job)["videos"]
    assert [v["status"] for v in videos] == ["completed"] * 3
    draft = videos[-1]
    assert draft["id"] == job.video_id and agent_chat.kept_video(job, draft["id"], root) == \
        archive.local_files(job, root)[archive.VIDEO], "the draft is kept as the job's own video"
    for video in videos[:-1]:
        kept = agent_chat.kept_video(job, video["id"], root)
        assert kept is not None and kept.read_bytes()[4:8] == b"ftyp"
        assert kept.parent.parent == agent_chat.session_folder(job, root)
        assert len(media_downloads(sandbox, video["id"])) == 1, "kept once"
    worker.tick()
    assert all(len(media_downloads(sandbox, v["id"])) <= 1 for v in videos), "nothing is downloaded twice"
    assert archive.remove(job.id, root) > 0 and agent_chat.kept_video(job, videos[0]["id"], root) is None


def test_other_kinds_keep_nothing_more(store, account):
    job = store.create(account=account, kind="avatar", title="A video", inputs={"script": "Hello."})
    assert kinds.of(job).more_to_keep(job, "/nonexistent") == []
    agent = store.create(account=account, kind="agent", title="One shot", inputs={"spec": {"prompt": "Hi"}})
    assert kinds.of(agent).more_to_keep(agent, "/nonexistent") == []
