"""``JobStore.update_inputs(job_id, **changes)``: a patch applied to the inputs as stored, inside the
store's transaction, so two writers changing different keys (or different fields of one nested dict)
both keep their change, where writing back a whole copy read earlier loses one. On SQLite and, in
team mode, on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest

from heygen.studio.inputs import patched
from heygen.studio.jobs import DROP, Derive, Job, JobStore, Patch
from tests.jobs.test_jobs_store import _python

ACCOUNT = "sandbox:1a2b3c4d"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.team)])
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return str(tmp_path / "jobs.sqlite3")


@pytest.fixture
def store(db_path: str):
    with JobStore(db_path) as s:
        yield s


def _agent_job(store: JobStore) -> Job:
    return store.create(account=ACCOUNT, kind="agent", title="Chat", inputs={
        "spec": {"prompt": "Hi"}, "session": {"session_id": "s1", "status": "generating"}, "old": 1})


def _replace_whole(store: JobStore, job_id: str, inputs: dict) -> Job:
    """What update_inputs did before patches: the caller's whole copy replaces what is stored."""
    return store._update(job_id, lambda conn, job, now: {"inputs": json.dumps(inputs)})


def test_patch_sets_drops_merges_and_derives() -> None:
    stored = {"a": 1, "nested": {"x": 1, "y": 2}, "items": [1], "gone": True}
    got = patched(stored, {"a": 2, "gone": DROP, "missing": DROP, "nested": Patch(y=DROP, z=3),
                           "fresh": Patch(k=Patch(deep=1)), "items": Derive(lambda old: [*old, 2])})
    assert got == {"a": 2, "nested": {"x": 1, "z": 3}, "items": [1, 2], "fresh": {"k": {"deep": 1}}}
    assert stored == {"a": 1, "nested": {"x": 1, "y": 2}, "items": [1], "gone": True}  # left as it was
    assert patched({"nested": "not a dict"}, {"nested": Patch(x=1)}) == {"nested": {"x": 1}}
    assert patched({}, {"new": Derive(lambda old: old)}) == {"new": None}


def test_update_inputs_changes_only_the_keys_it_names(store: JobStore) -> None:
    job = _agent_job(store)
    got = store.update_inputs(job.id, old=DROP, session=Patch(checked_at=5.0), files=[{"name": "a.png"}])
    assert got.inputs == store.get(job.id).inputs == {
        "spec": {"prompt": "Hi"}, "session": {"session_id": "s1", "status": "generating", "checked_at": 5.0},
        "files": [{"name": "a.png"}]}
    with pytest.raises(TypeError):
        store.update_inputs(job.id, session=Patch(bad=object()))  # refused before anything is written
    assert store.get(job.id).inputs == got.inputs


def _two_writers(store: JobStore, db_path: str, writes: list) -> Job:
    """Two threads, each with its own store, read the job, wait until both have read it, then each makes
    its write ``writes[i](store, stale_job)``; the job as stored afterwards."""
    job = _agent_job(store)
    both_read = threading.Barrier(2, timeout=60)
    failures: list[BaseException] = []

    def writer(write) -> None:
        try:
            with JobStore(db_path) as own:
                stale = own.get(job.id)
                both_read.wait()
                write(own, stale)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in writes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == [] and not any(t.is_alive() for t in threads)
    return store.get(job.id)


def test_two_patches_from_stale_copies_both_survive(store: JobStore, db_path: str) -> None:
    final = _two_writers(store, db_path, [
        lambda s, stale: s.update_inputs(stale.id, deadline_from=7.0, session=Patch(checked_at=1.0)),
        lambda s, stale: s.update_inputs(stale.id, files=[], session=Patch(status="completed")),
    ])
    assert final.inputs["deadline_from"] == 7.0 and final.inputs["files"] == []
    assert final.inputs["session"] == {"session_id": "s1", "status": "completed", "checked_at": 1.0}


def test_whole_copies_written_back_lose_one_writer(store: JobStore, db_path: str) -> None:
    # The same two changes made the old way: each writer's copy, read before the other wrote, wins whole.
    final = _two_writers(store, db_path, [
        lambda s, stale: _replace_whole(s, stale.id, {**stale.inputs, "deadline_from": 7.0, "session": {
            **stale.inputs["session"], "checked_at": 1.0}}),
        lambda s, stale: _replace_whole(s, stale.id, {**stale.inputs, "files": [], "session": {
            **stale.inputs["session"], "status": "completed"}}),
    ])
    kept = ("deadline_from" in final.inputs, "files" in final.inputs)
    assert kept in ((True, False), (False, True))  # exactly one writer's change is lost
    assert final.inputs["session"] in ({"session_id": "s1", "status": "generating", "checked_at": 1.0},
                                       {"session_id": "s1", "status": "completed"})


PROCESS_PATCHER = """
    import os, sys, time
    from heygen.studio.jobs import Derive, JobStore, Patch
    path, job_id, name, go = sys.argv[1:5]
    store = JobStore(path)
    while not os.path.exists(go):
        time.sleep(0.005)
    for i in range(40):
        store.update_inputs(job_id, **{f"{name}-{i}": i}, session=Patch(**{f"{name}-{i}": i}),
                            log=Derive(lambda old: [*(old or []), f"{name}-{i}"]))
    print("done", flush=True)
"""


@pytest.mark.timeout(180)
def test_two_processes_patching_one_job_lose_nothing(store: JobStore, db_path: str, tmp_path: Path) -> None:
    job = _agent_job(store)
    go = tmp_path / "go"
    procs = [_python(PROCESS_PATCHER, db_path, job.id, name, str(go), stdout=subprocess.PIPE) for name in ("p", "q")]
    try:
        go.touch()
        outputs = [p.communicate(timeout=150)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [0, 0] and outputs == ["done\n", "done\n"]
    inputs = store.get(job.id).inputs
    names = {f"{n}-{i}" for n in ("p", "q") for i in range(40)}
    assert names <= set(inputs) and names <= set(inputs["session"])
    assert sorted(inputs["log"]) == sorted(names)
    assert inputs["spec"] == {"prompt": "Hi"} and inputs["session"]["session_id"] == "s1" and inputs["old"] == 1
