"""Videos made elsewhere imported into the history, and the audio of a finished video replaced (a lip-sync),
against the sandbox over HTTP: no video imported twice, and a lip-sync whose answer was lost is found on the
account, never sent twice."""

from __future__ import annotations

import hashlib
import io
import time
import wave

import pytest
import requests

from heygen import Client, VideoSpec
from heygen.api import errors
from heygen.sandbox import Sandbox
from heygen.studio import imports, kinds, lipsync, reconcile, watch
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from heygen.studio.watch import PollPolicy

KEY = "sk-import-lipsync-0123456789abcdef"
ACCOUNT = "acct-import-test"
POLICY = PollPolicy(first=0.05, maximum=0.1, deadline=600)


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.4, elsewhere_videos=5, max_concurrent_renders=None).start()
    yield sb
    sb.stop()


@pytest.fixture
def sb(sandbox):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.4, render_outcome="complete", honour_idempotency_key=True)
    return sandbox


@pytest.fixture
def client(sb):
    return Client(KEY, sb.base_url, sleep=lambda s: None)


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


def wav(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x01\x00" * int(8000 * seconds))
    return buffer.getvalue()


def audio_file(seconds: float = 2.0) -> lipsync.AudioFile:
    data = wav(seconds)
    return lipsync.AudioFile(data=data, filename="line.wav", mime_type="audio/wav", seconds=seconds,
                             digest=hashlib.sha256(data).hexdigest(), name="New line.wav")


def imported(client, store, *video_ids):
    videos = [client.videos.get(v) for v in video_ids]
    return imports.import_videos(store, ACCOUNT, videos)


def posts(sb, path):
    return [e for e in sb.requests_log() if e["method"] == "POST" and e["path"] == path]


def until_stopped(client, store, job, *, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = kinds.of(job).check(client, store, job, POLICY)
        job = result.job
        if result.stopped:
            return result
        time.sleep(0.05)
    raise AssertionError(f"job {job.id} never stopped (status {job.status})")


# -- videos made elsewhere -------------------------------------------------------------------------


def test_the_sandbox_lists_videos_no_create_made_only_when_asked(sb, client):
    with Sandbox(api_key=KEY) as plain:
        assert Client(KEY, plain.base_url).videos.list() == []  # the default account has none
    first = client.videos.page(limit=2)
    second = client.videos.page(token=first.next_token, limit=2)
    third = client.videos.page(token=second.next_token, limit=2)
    ids = [v.id for v in first.videos + second.videos + third.videos]
    assert ids == [f"v_elsewhere_0{n}" for n in (5, 4, 3, 2, 1)] and third.next_token is None
    assert all(v.status == "completed" and v.video_url and v.thumbnail_url and v.duration for v in first.videos)
    assert requests.get(first.videos[0].video_url, timeout=5).content[4:8] == b"ftyp"  # a playable MP4, no key
    assert [v.title for v in first.videos] == [v.title for v in client.videos.page(limit=2).videos]  # fixed


def test_imported_videos_are_history_entries_and_never_added_twice(sb, client, store):
    listed, token = imports.list_page(client, store, ACCOUNT, limit=3)
    assert token and not any(item.in_history for item in listed)
    result = imports.import_videos(store, ACCOUNT, [listed[0].video, listed[1].video, listed[0].video])
    assert [j.title for j in result.added] == [listed[0].video.title, listed[1].video.title]
    assert result.refused == [(listed[0].video.title,
                               f"“{listed[0].video.title}” is already in your history (imported); it was not added again.")]
    job = result.added[0]
    assert (job.kind, job.status, job.video_id) == ("imported", "completed", "v_elsewhere_05")
    assert job.video_url and job.thumbnail_url and job.duration == listed[0].video.duration
    again = imports.import_videos(store, ACCOUNT, [client.videos.get("v_elsewhere_05")])
    assert again.added == [] and "already in your history" in again.refused[0][1]
    assert store.count(ACCOUNT) == 2
    marked, _ = imports.list_page(client, store, ACCOUNT, limit=3)
    assert [(m.in_history, m.imported) for m in marked] == [(True, True), (True, True), (False, False)]
    # Imported jobs are watched like the studio's own: fresh links, and nothing to send.
    renewed = kinds.of(job).refresh(client, store, store.get(job.id))
    assert renewed.video_url and renewed.status == "completed"
    assert kinds.of(job).send(client, store, job).video_id == job.video_id
    assert posts(sb, "/v3/videos") == []


def test_a_video_the_studio_made_is_marked_and_refused(sb, client, store):
    spec = VideoSpec(avatar_id=client.avatars.looks(ownership="public", limit=1)[0].id,
                     voice_id=client.voices.list(limit=1)[0].voice_id, script="Hello there.", title="Own render")
    own = submit(client, store, create_job(store, account=ACCOUNT, spec=spec))
    listed, _ = imports.list_page(client, store, ACCOUNT, limit=10)
    mine = next(item for item in listed if item.video.id == own.video_id)
    assert mine.in_history and not mine.imported
    result = imports.import_videos(store, ACCOUNT, [mine.video])
    assert not result.added and "made in the studio" in result.refused[0][1]


# -- replacing the audio --------------------------------------------------------------------------


def test_a_time_range_is_checked_against_the_video(sb, client, store):
    (source,) = imported(client, store, "v_elsewhere_01").added  # 42 s
    make = lambda **kw: lipsync.create_job(store, account=ACCOUNT, source=source, audio=audio_file(), **kw)  # noqa: E731
    cases = [({"whole": False, "start": 10, "end": 5}, "must come after the start"),
             ({"whole": False, "start": 10, "end": 50}, "The video is 42 s long; the end (50 s) is past it."),
             ({"whole": False, "start": None, "end": 5}, "Give the start and the end"),
             ({"whole": False, "start": 3, "end": 3.2}, "at least 0.5 s"),
             ({"mode": "turbo"}, "Choose speed or precision.")]
    for kwargs, says in cases:
        with pytest.raises(lipsync.LipsyncRequestError) as caught:
            make(**kwargs)
        assert says in str(caught.value)
    with pytest.raises(lipsync.LipsyncRequestError, match="Choose the new audio"):
        lipsync.create_job(store, account=ACCOUNT, source=source)
    assert store.count(ACCOUNT) == 1  # nothing was recorded


def test_replacing_a_sentence_makes_a_new_playable_video_beside_the_original(sb, client, store):
    (source,) = imported(client, store, "v_elsewhere_01").added
    job = lipsync.create_job(store, account=ACCOUNT, source=source, audio=audio_file(2.0), whole=False,
                             start=4.0, end=6.5, mode="precision")
    assert (job.kind, job.title, job.status) == ("lipsync", "Replace audio of " + source.title, "submitting")
    job = lipsync.submit(client, store, job, audio_file(2.0))
    assert job.video_id.startswith("ls_") and job.status == "pending"
    (sent,) = posts(sb, "/v3/lipsyncs")
    body = sent["request_json"]
    assert body["video"]["type"] == "url" and "/media/videos/v_elsewhere_01.mp4" in body["video"]["url"]
    assert body["audio"]["type"] == "asset_id" and (body["start_time"], body["end_time"]) == (4.0, 6.5)
    assert body["mode"] == "precision" and body["title"] == job.title
    assert KEY not in str(sent)
    result = until_stopped(client, store, job)
    assert result.outcome == watch.COMPLETED
    done = result.job
    assert done.video_url and done.duration == 42.0 and store.get(source.id).status == "completed"
    assert requests.get(done.video_url, timeout=5).content[4:8] == b"ftyp"
    assert [j.id for j in store.list(ACCOUNT)] == [done.id, source.id]
    assert kinds.of(done).refresh(client, store, done).video_url  # renewed through GET /v3/lipsyncs/{id}
    # A lip-sync of the lip-sync takes its source link from the lip-sync.
    second = lipsync.submit(client, store, lipsync.create_job(store, account=ACCOUNT, source=done,
                                                              audio=audio_file(1.0)), audio_file(1.0))
    assert "/media/lipsyncs/" in posts(sb, "/v3/lipsyncs")[-1]["request_json"]["video"]["url"]
    assert until_stopped(client, store, second).outcome == watch.COMPLETED


def test_a_failed_lipsync_stops_with_heygen_reason(sb, client, store):
    (source,) = imported(client, store, "v_elsewhere_02").added
    sb.configure(render_outcome="fail", failure_message="No face was visible at 4 s.")
    job = lipsync.submit(client, store, lipsync.create_job(store, account=ACCOUNT, source=source,
                                                           audio=audio_file()), audio_file())
    result = until_stopped(client, store, job)
    assert result.outcome == watch.FAILED
    assert (result.job.failure_code, result.job.failure_message) == ("lipsync_failed", "No face was visible at 4 s.")
    assert lipsync.FAILED_CODE in kinds.of(job).failure_codes
    from ui import copy  # the panel's advice for it

    assert copy.failure_advice(result.job).startswith("HeyGen could not lip-sync the new audio.")


def test_lipsyncs_are_watched_one_by_one_never_in_the_video_bulk_request(sb, client, store):
    (source,) = imported(client, store, "v_elsewhere_03").added
    sb.configure(render_seconds=60)
    job = lipsync.submit(client, store, lipsync.create_job(store, account=ACCOUNT, source=source,
                                                           audio=audio_file()), audio_file())
    sb.clear_requests_log()
    results = watch.check_many(client, store, [job], POLICY, due=lambda j: True, kind_of=kinds.of)
    assert results[0].outcome == watch.RUNNING and results[0].job.status in ("pending", "processing")
    paths = [e["path"] for e in sb.requests_log()]
    assert paths == [f"/v3/lipsyncs/{job.video_id}"]


@pytest.mark.parametrize("fault", [{"kind": "drop", "after": True}, {"status": 502, "kind": "html", "after": True}],
                         ids=["dropped after", "502 after"])
def test_a_lipsync_whose_answer_was_lost_is_found_never_sent_twice(sb, client, store, fault):
    sb.configure(honour_idempotency_key=False)  # a resend would make a second lip-sync
    (source,) = imported(client, store, "v_elsewhere_04").added
    job = lipsync.create_job(store, account=ACCOUNT, source=source, audio=audio_file())
    sb.add_fault(method="POST", path="/v3/lipsyncs", **fault)
    with pytest.raises(errors.HeyGenError):
        lipsync.submit(client, store, job, audio_file())
    job = store.get(job.id)
    assert job.status == "checking" and job.video_id is None
    with pytest.raises(NotSendable, match="checking"):
        lipsync.submit(client, store, job, audio_file())  # refused: HeyGen may have it
    with pytest.raises(NotSendable, match="checking"):
        kinds.of(job).send(client, store, job)
    result = kinds.of(job).check(client, store, job, POLICY)  # one look at GET /v3/lipsyncs
    assert result.job.video_id and result.job.video_id.startswith("ls_")
    (made,) = [x.id for x in client.lipsyncs.list()]
    assert result.job.video_id == made and len(posts(sb, "/v3/lipsyncs")) == 1
    assert until_stopped(client, store, result.job).outcome == watch.COMPLETED


def test_a_lipsync_lost_before_it_arrived_waits_for_the_user_then_sends_the_same_key(sb, client, store):
    (source,) = imported(client, store, "v_elsewhere_05").added
    job = lipsync.create_job(store, account=ACCOUNT, source=source, audio=audio_file())
    sb.add_fault(method="POST", path="/v3/lipsyncs", kind="drop")  # the lip-sync was never made
    with pytest.raises(errors.HeyGenError):
        lipsync.submit(client, store, job, audio_file())
    job = store.get(job.id)
    start = time.time()
    first = reconcile.look(client, store, job, now=start, find_lost=kinds.of(job).find_lost)
    assert first.outcome == reconcile.LOOKING
    second = reconcile.look(client, store, first.job, now=start + reconcile.SPAN_NEEDED + 1,
                            find_lost=kinds.of(job).find_lost)
    assert second.outcome == reconcile.NOT_FOUND and second.job.status == "unclear"
    lists = [e for e in sb.requests_log() if e["method"] == "GET" and e["path"] == "/v3/lipsyncs"]
    assert len(lists) == 2 and len(posts(sb, "/v3/lipsyncs")) == 1
    again = kinds.of(job).send(client, store, second.job)  # "Send again": the user's choice
    assert again.video_id and again.status == "pending"
    keys = [e["idempotency_key"] for e in posts(sb, "/v3/lipsyncs")]
    assert len(keys) == 2 and keys[0] == keys[1] == job.idempotency_key


def test_an_unfinished_video_cannot_have_its_audio_replaced(sb, client, store):
    sb.configure(render_seconds=60)
    spec = VideoSpec(avatar_id=client.avatars.looks(ownership="public", limit=1)[0].id,
                     voice_id=client.voices.list(limit=1)[0].voice_id, script="Hello there.", title="Still rendering")
    running = submit(client, store, create_job(store, account=ACCOUNT, spec=spec))
    with pytest.raises(lipsync.LipsyncRequestError, match="Only a finished video"):
        lipsync.create_job(store, account=ACCOUNT, source=running, audio=audio_file())


def test_an_imported_video_and_a_lipsync_are_kept_on_disk_like_any_other(sb, client, store, tmp_path):
    from heygen.studio import archive

    (source,) = imported(client, store, "v_elsewhere_02").added
    done = until_stopped(client, store, lipsync.submit(
        client, store, lipsync.create_job(store, account=ACCOUNT, source=source, audio=audio_file()),
        audio_file())).job
    for job in (source, done):
        kept = archive.keep(client, store.get(job.id), tmp_path / "media", store=store, refresh=kinds.of(job).refresh)
        assert archive.VIDEO in kept.downloaded
        assert archive.local_files(job, tmp_path / "media")[archive.VIDEO].read_bytes()[4:8] == b"ftyp"


def test_new_audio_from_a_script_is_made_once_and_lip_synced(sb, client, store):
    if not callable(getattr(client.voices, "speech", None)):
        pytest.skip("this client cannot make speech from a script (POST /v3/voices/speech)")
    (source,) = imported(client, store, "v_elsewhere_03").added
    voice = client.voices.list(engine="starfish", limit=1)[0]
    speech = lipsync.Speech("Our spring offer ends on Friday.", voice.voice_id, voice.name)
    job = lipsync.create_job(store, account=ACCOUNT, source=source, speech=speech, whole=False, start=2, end=5)
    sb.add_fault(method="POST", path="/v3/lipsyncs", kind="drop")  # lost before it arrived
    with pytest.raises(errors.HeyGenError):
        lipsync.submit(client, store, job)
    job = store.get(job.id)
    start = time.time()
    lost = kinds.of(job).find_lost
    looked = reconcile.look(client, store, reconcile.look(client, store, job, now=start, find_lost=lost).job,
                            now=start + reconcile.SPAN_NEEDED + 1, find_lost=lost).job
    assert looked.status == "unclear"
    sent = kinds.of(looked).send(client, store, looked)  # "Send again" reuses the speech made the first time
    assert len(posts(sb, "/v3/voices/speech")) == 1
    (made,) = [e["request_json"] for e in posts(sb, "/v3/voices/speech")]
    assert (made["text"], made["voice_id"]) == (speech.text, voice.voice_id)
    tries = posts(sb, "/v3/lipsyncs")
    assert len(tries) == 2 and tries[0]["idempotency_key"] == tries[1]["idempotency_key"] == job.idempotency_key
    body = tries[1]["request_json"]
    assert body["audio"]["type"] == "url" and "/media/speech/" in body["audio"]["url"]
    assert (body["start_time"], body["end_time"]) == (2.0, 5.0)
    assert until_stopped(client, store, sent).outcome == watch.COMPLETED
    with pytest.raises(lipsync.LipsyncRequestError, match="script is empty"):
        lipsync.create_job(store, account=ACCOUNT, source=source, speech=lipsync.Speech("  ", voice.voice_id))
