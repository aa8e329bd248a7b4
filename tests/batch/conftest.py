"""Fixtures for batch tests: a sandbox over real HTTP, a client that leaves retries to the runner, stores on a temp file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from heygen import Client
from heygen.studio.batch import BatchRunner, BatchStore, BatchTemplate, check_rows, read_csv
from heygen.studio.db import query
from heygen.studio.jobs import JobStore
from tests.batch.helpers import ACCOUNT, API_KEY, FAST, RENDER_SECONDS


@pytest.fixture(scope="module")
def sandbox():
    from heygen.sandbox import Sandbox

    sb = Sandbox(api_key=API_KEY, render_seconds=RENDER_SECONDS).start()
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def catalogue(sandbox):
    """(ready look ids, a look still training, voice ids) from the sandbox's own catalogue."""
    with Client(API_KEY, sandbox.base_url) as c:
        looks = c.avatars.looks(limit=100)
        voices = c.voices.list(limit=50)
    ready = [look.id for look in looks if look.ready and not look.is_photo]
    training = next(look.id for look in looks if not look.ready)
    return ready, training, [v.voice_id for v in voices if v.language == "English"]


@pytest.fixture(autouse=True)
def _clean(request):
    if "sandbox" not in request.fixturenames:
        yield
        return
    sandbox = request.getfixturevalue("sandbox")
    sandbox.reset()
    # Batches here run up to 5 renders at once; the account limit itself is tested in tests/sandbox.
    sandbox.configure(render_seconds=RENDER_SECONDS, latency_ms=0, render_outcome="complete", max_concurrent_renders=50)
    yield
    sandbox.clear_faults()


@pytest.fixture
def client(sandbox):
    # max_retries=0: 429s and network trouble come back to the runner, which owns the waiting.
    c = Client(API_KEY, sandbox.base_url, max_retries=0, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "studio" / "jobs.sqlite3"


@pytest.fixture
def store(db: Path):
    s = BatchStore(JobStore(db))
    yield s
    s.jobs.close()


@pytest.fixture
def runner(store):
    return BatchRunner(store, policy=FAST)


@pytest.fixture
def make_batch(store, catalogue):
    """A stored batch of ``n`` rows (``bad`` row numbers get an empty cell and are skipped)."""
    ready, _, voices = catalogue

    def make(n: int = 4, *, concurrency: int = 3, bad: tuple[int, ...] = (), state: str = "draft",
             account: str = ACCOUNT):
        lines = ["name,city,avatar_id"]
        for i in range(1, n + 1):
            city = "" if i in bad else f"City {i}"
            lines.append(f"Person {i},{city},{ready[i % 2]}")
        df = read_csv("\n".join(lines) + "\n")
        template = BatchTemplate(script="Hello {{name}} from {{city}}!", title="Hello {{name}}",
                                 avatar_id=ready[0], voice_id=voices[0], resolution="720p")
        checks = check_rows(df, template, known_avatars={i: True for i in ready}, known_voices=set(voices))
        batch = store.create(account, df, template, checks=checks, concurrency=concurrency, name="Test batch")
        if state in ("running", "approved"):
            _force_approved(store, batch.id)
            if state == "running":
                store.start(batch.id)
        return store.require(batch.id)

    return make


def _force_approved(store: BatchStore, batch_id: str) -> None:
    """Skip the sample (for tests of running): set the approval directly, as a reloaded approved batch has it."""
    store.db.run(lambda c: query(c, "UPDATE batches SET state = 'approved', approved_at = :at WHERE id = :id",
                                 {"at": time.time(), "id": batch_id}), write=True)
