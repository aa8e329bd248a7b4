"""Finished videos for review and present tests, made through the studio's own launch, watch and
archive code against a sandbox, with their files kept on disk as the worker keeps them."""

from __future__ import annotations

import time
from pathlib import Path

from heygen import Client, VideoSpec
from heygen.studio import archive, watch
from heygen.studio.jobs import Job, JobStore
from heygen.studio.launch import create_job, submit

FAST = watch.PollPolicy(first=0.05, maximum=0.2, deadline=60)


def finished_video(client: Client, store: JobStore, account: str, media_root: Path, title: str) -> Job:
    """Render one video titled ``title`` to completion and keep its files under ``media_root``."""
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=f"{title}: see you soon.", title=title)
    job = submit(client, store, create_job(store, account=account, spec=spec))
    for _ in range(600):
        result = watch.check(client, store, job, FAST)
        if result.stopped:
            assert result.outcome == watch.COMPLETED, result.outcome
            archive.keep(client, result.job, media_root, store=store, policy="everything")
            return store.get(job.id)
        job = result.job
        time.sleep(0.02)
    raise AssertionError(f"the render of {title!r} never completed")
