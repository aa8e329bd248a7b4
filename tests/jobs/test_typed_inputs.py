"""``Job.inputs`` is its kind's inputs dataclass (heygen.studio.inputs), decoded by the store's one codec:
rows written by older code load through it, and keys it does not know (or values of another type) are
kept, so nothing stored is lost when a patch writes the inputs back."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from heygen.studio import inputs, kinds
from heygen.studio.jobs import Job, JobStore, Patch

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-1"
SPRING = "e006782f33a8409a995299fb377401e0"
PHOTO = "703f5b252356460ab8b0601bd2bbddf0"
ACCOUNT = "acct-1"


def test_every_kind_names_its_inputs_class() -> None:
    classes = {name: kind.inputs for name, kind in kinds.KINDS.items()}
    assert classes == {"avatar": inputs.VideoInputs, "image": inputs.VideoInputs, "scenes": inputs.ScenesInputs,
                       "template": inputs.TemplateInputs, "agent": inputs.AgentInputs,
                       "lipsync": inputs.LipsyncInputs, "translation": inputs.TranslationInputs,
                       "imported": inputs.ImportedInputs}
    assert inputs.decode(inputs.Inputs, {"a": 1}).extra == {"a": 1}
    assert inputs.decode(inputs.VideoInputs, "not an object") == {}


def test_a_store_told_no_kinds_reads_plain_inputs(tmp_path: Path) -> None:
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        job = store.create(account=ACCOUNT, kind="avatar", title="T",
                           inputs={"spec": {"script": "Hi"}, "values": {"a": "1"}})
        assert type(job.inputs) is inputs.Inputs and job.inputs.spec == {"script": "Hi"}
        assert job.inputs.extra == {"values": {"a": "1"}}


def test_release_1_rows_load_typed(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "release-1"))
    with JobStore(folder, kinds=kinds.KINDS) as store:
        spring, photo = store.get(SPRING), store.get(PHOTO)
        assert type(spring.inputs) is inputs.VideoInputs and type(photo.inputs) is inputs.VideoInputs
        assert spring.inputs.spec == {"type": "avatar", "avatar_id": "look1", "voice_id": "v1", "script": "Hello there."}
        assert spring.inputs.sent_at is None and spring.inputs.extra == {}
        assert photo.inputs.spec == {"type": "image", "script": "Hi."}


def _old_row(db: Path, job_id: str, kind: str, stored: dict) -> None:
    """A job row as older code wrote it (straight into the table, not through today's store)."""
    with sqlite3.connect(db) as raw:
        raw.execute("INSERT INTO jobs (id, account, kind, title, inputs, idempotency_key, status, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'Old', ?, ?, 'completed', 1.0, 2.0)",
                    (job_id, ACCOUNT, kind, json.dumps(stored), "key-" + job_id))


def test_older_rows_keep_unknown_keys_and_odd_values(tmp_path: Path) -> None:
    db = tmp_path / "jobs.sqlite3"
    JobStore(db).close()  # today's schema
    agent = {"agent": 1, "spec": {"prompt": "Hi"}, "session": {"session_id": "s1"}, "files": "not a list",
             "sent_at": None, "title_set": True, "style_name": "Cinematic"}
    lipsync = {"lipsync": {"source_video_id": "v1"}, "audio_seconds": "4", "spec": {"aspect_ratio": "16:9"}}
    _old_row(db, "a1", "agent", agent)
    _old_row(db, "l1", "lipsync", lipsync)
    with JobStore(db, kinds=kinds.KINDS) as store:
        job = store.get("a1")
        assert type(job.inputs) is inputs.AgentInputs
        assert job.inputs.session == {"session_id": "s1"} and job.inputs.title_set is True
        assert job.inputs.files is None and job.inputs.sent_at is None  # of another type: not typed, but kept
        assert job.inputs.extra == {"agent": 1, "files": "not a list", "sent_at": None, "style_name": "Cinematic"}
        assert job.inputs == agent and dict(job.inputs) == agent and job.inputs.get("style_name") == "Cinematic"
        other = store.get("l1")
        assert type(other.inputs) is inputs.LipsyncInputs and other.inputs.lipsync == {"source_video_id": "v1"}
        assert other.inputs.audio_seconds is None and other.inputs["audio_seconds"] == "4"

        store.update_inputs("a1", session=Patch(checked_at=3.0))
    with sqlite3.connect(db) as raw:
        (written,) = raw.execute("SELECT inputs FROM jobs WHERE id = 'a1'").fetchone()
    assert json.loads(written) == {**agent, "session": {"session_id": "s1", "checked_at": 3.0}}  # nothing lost


def test_a_job_built_from_a_dict_reads_it_as_plain_inputs() -> None:
    job = Job(id="j", account=ACCOUNT, kind="translation", title="T", inputs={"translation": {"phase": "translate"}},
              idempotency_key="k", status="queued", created_at=1.0, updated_at=1.0)
    assert type(job.inputs) is inputs.Inputs and job.inputs["translation"] == {"phase": "translate"}
    with pytest.raises(AttributeError):
        job.inputs.spec = {}  # read-only: changes go through update_inputs
