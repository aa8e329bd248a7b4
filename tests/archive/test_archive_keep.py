"""Keeping finished videos on disk, over real HTTP: the sandbox for renders and links, a tiny lying server for sizes."""

from __future__ import annotations

import dataclasses
import os
import stat
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from heygen import Client, VideoSpec
from heygen.studio import archive, preferences, watch
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from heygen.studio.reviews import Item, ReviewStore
from heygen.sandbox import Sandbox
from tests.support import Sleeps

KEY = "sk-archive-test-0123456789abcdef"
FAST = watch.PollPolicy(first=0.05, maximum=0.2, deadline=60)


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.3).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.reset()
    sandbox.configure(render_seconds=0.3, render_outcome="complete", latency_ms=0, url_ttl_seconds=7 * 24 * 3600)
    yield
    sandbox.clear_faults()


@pytest.fixture
def client(sandbox):
    c = Client(KEY, sandbox.base_url, sleep=lambda s: None, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def store(tmp_path):
    (tmp_path / "data").mkdir()
    return JobStore(tmp_path / "data")


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


def render(client, store, title="Kept video"):
    """A job rendered by the sandbox through the studio's own launch and watch code, completed."""
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Keep me for next month.", title=title)
    job = submit(client, store, create_job(store, account="sandbox", spec=spec))
    for _ in range(400):
        result = watch.check(client, store, job, FAST)
        if result.stopped:
            assert result.outcome == watch.COMPLETED
            return result.job
        job = result.job
        time.sleep(0.02)
    raise AssertionError("the render never completed")


def media_requests(sandbox):
    return sandbox.requests_log(media=True)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_completed_render_is_kept_byte_for_byte_privately_and_without_the_key(client, store, media, sandbox):
    job = render(client, store)
    result = archive.keep(client, job, media, policy="everything")
    assert set(result.files) == {"video", "thumbnail", "subtitles"}
    assert result.downloaded == ("video", "thumbnail", "subtitles")
    folder = media / job.id
    assert result.files["video"] == folder / "video.mp4"
    assert result.files["thumbnail"] == folder / "thumbnail.png"  # the sandbox serves image/png
    assert result.files["subtitles"] == folder / "subtitles.srt"
    served = {kind: b"".join(client.download(getattr(job, name)))
              for kind, name in (("video", "video_url"), ("thumbnail", "thumbnail_url"), ("subtitles", "subtitle_url"))}
    for kind, data in served.items():
        assert result.files[kind].read_bytes() == data
        assert mode(result.files[kind]) == 0o600
    assert result.bytes_written == sum(len(d) for d in served.values())
    assert mode(folder) == 0o700 and mode(media) == 0o700
    assert sorted(os.listdir(folder)) == ["subtitles.srt", "thumbnail.png", "video.mp4"]  # no temporary file left
    log = media_requests(sandbox)
    assert log and not any(entry["key_sent"] for entry in log)
    assert archive.local_files(job, media) == result.files


def test_keeping_twice_downloads_once(client, store, media, sandbox):
    job = render(client, store)
    first = archive.keep(client, job, media, policy="everything")
    sandbox.clear_requests_log()
    second = archive.keep(client, job, media, policy="everything")
    assert media_requests(sandbox) == []
    assert second.downloaded == () and second.bytes_written == 0
    assert second.files == first.files


def test_a_dropped_connection_is_retried_with_a_pause(client, store, media, sandbox):
    job = render(client, store)
    sandbox.add_fault(method="GET", path="/media/videos/", kind="drop", times=1)
    sleeps = Sleeps()
    result = archive.keep(client, job, media, policy="everything", sleep=sleeps)
    assert "video" in result.downloaded
    assert len(sleeps) == 1 and sleeps[0] > 0
    video_gets = [e for e in media_requests(sandbox) if e["path"].endswith(".mp4")]
    assert [e["fault"] for e in video_gets] == ["drop", None]
    assert result.files["video"].read_bytes() == b"".join(client.download(job.video_url))


def test_server_errors_are_tried_a_few_times_then_fail_plainly(client, store, media, sandbox):
    job = render(client, store)
    sandbox.add_fault(method="GET", path="/media/videos/", kind="status", status=503, times=None)
    sleeps = Sleeps()
    with pytest.raises(archive.ArchiveError, match="could not be downloaded after 3 attempts"):
        archive.keep(client, job, media, policy="everything", sleep=sleeps, attempts=3)
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]
    assert archive.local_files(job, media) == {}
    assert os.listdir(media / job.id) == []


def test_a_temporary_file_left_by_a_cut_off_download_is_swept_and_never_counts_as_kept(client, store, media):
    job = render(client, store)
    folder = media / job.id
    folder.mkdir(parents=True)
    stale, fresh = folder / ".video.abc.part", folder / ".video.def.part"
    for part in (stale, fresh):
        part.write_bytes(b"partial")
    assert archive.local_files(job, media) == {}
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    archive.keep(client, job, media, policy="everything")
    assert not stale.exists() and fresh.exists()  # a younger one may belong to a download still running


def test_an_expired_link_is_renewed_once_and_saved(client, store, media, sandbox):
    sandbox.configure(url_ttl_seconds=0)  # every link handed out from now on is already expired
    job = render(client, store)
    sandbox.configure(url_ttl_seconds=7 * 24 * 3600)
    sandbox.clear_requests_log()
    result = archive.keep(client, job, media, store=store, policy="everything")
    assert result.refreshed and set(result.files) == {"video", "thumbnail", "subtitles"}
    status_gets = [e for e in sandbox.requests_log() if e["path"] == f"/v3/videos/{job.video_id}"]
    assert len(status_gets) == 1
    assert store.get(job.id).video_url != job.video_url  # the fresh links were saved
    expired = [e for e in media_requests(sandbox) if e["status"] == 403]
    assert len(expired) == 1  # only the first file met the old link; the others used the fresh ones


def test_a_link_that_stays_expired_is_renewed_only_once(client, store, media, sandbox):
    sandbox.configure(url_ttl_seconds=0)
    job = render(client, store)
    sandbox.clear_requests_log()
    with pytest.raises(archive.ArchiveError, match="even after renewing it"):
        archive.keep(client, job, media, policy="everything")
    assert len([e for e in sandbox.requests_log() if e["path"] == f"/v3/videos/{job.video_id}"]) == 1
    assert archive.local_files(job, media) == {}


# -- a server that lies about sizes ---------------------------------------------------------------

class LyingServer:
    """Serves /file: each request takes the next behaviour from ``plan`` ("short" or "ok"; the last one repeats)."""

    BODY = bytes(range(256)) * 400  # 102,400 bytes

    def __init__(self, plan):
        self.plan = list(plan)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append(dict(self.headers))
                how = outer.plan.pop(0) if len(outer.plan) > 1 else outer.plan[0]
                body = outer.BODY
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if how == "short" else body)
                self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/file?signature=abc"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def job_linking_to(client, store, url):
    job = render(client, store)
    return dataclasses.replace(job, video_url=url, thumbnail_url=None, subtitle_url=None)


def test_a_body_shorter_than_declared_leaves_no_partial_file_and_fails_plainly(client, store, media):
    with LyingServer(["short"]) as server:
        job = job_linking_to(client, store, server.url)
        with pytest.raises(archive.ArchiveError) as caught:
            archive.keep(client, job, media, policy="everything", sleep=Sleeps(), attempts=2)
    assert str(caught.value) == ("The video arrived incomplete: shorter than the 102,400 bytes announced, "
                                 "2 times in a row; nothing was kept.")
    assert len(server.requests) == 2
    assert os.listdir(media / job.id) == []
    assert not any(name.lower() == "x-api-key" for headers in server.requests for name in headers)


def test_a_body_cut_short_once_is_downloaded_again(client, store, media):
    with LyingServer(["short", "ok"]) as server:
        job = job_linking_to(client, store, server.url)
        result = archive.keep(client, job, media, policy="everything", sleep=Sleeps())
    assert result.files["video"].read_bytes() == LyingServer.BODY
    assert result.bytes_written == len(LyingServer.BODY) and len(server.requests) == 2
    assert sorted(os.listdir(media / job.id)) == ["video.mp4"]


# -- retention, removal, disk use -----------------------------------------------------------------

def test_retention_removes_the_folders_of_old_jobs_only(client, store, media):
    old, recent = render(client, store, "Old"), render(client, store, "Recent")
    for job in (old, recent):
        archive.keep(client, job, media, policy="everything")
    usage = archive.disk_usage(media)
    assert usage.videos == 2 and usage.bytes > 0
    now = recent.completed_at + 10 * 86400
    store.record_poll(old.id, status="completed", completed_at=now - 40 * 86400)
    store.record_poll(recent.id, status="completed", completed_at=now - 5 * 86400)
    orphan = media / "0123456789abcdef"
    orphan.mkdir()
    (orphan / "video.mp4").write_bytes(b"x" * 10)
    os.utime(orphan / "video.mp4", (now - 60 * 86400, now - 60 * 86400))
    plan = archive.retention_plan(store, media, ("days", 30), now)
    assert [(p.job_id, p.title) for p in plan] == [("0123456789abcdef", None), (old.id, "Old")]
    assert archive.retention_plan(store, media, "everything", now) == []
    removed = archive.apply_retention(store, media, ("days", 30), now)
    assert [p.job_id for p in removed] == [p.job_id for p in plan]
    assert sorted(os.listdir(media)) == [recent.id]
    assert archive.apply_retention(store, media, "nothing", now, only=[]) == []
    assert [p.job_id for p in archive.apply_retention(store, media, "nothing", now)] == [recent.id]
    assert archive.disk_usage(media) == archive.Usage(0, 0)


def test_retention_never_removes_a_video_in_an_open_review(client, store, media):
    shared, expired, revoked, alone = (render(client, store, t) for t in ("Shared", "Expired", "Revoked", "Alone"))
    for job in (shared, expired, revoked, alone):
        archive.keep(client, job, media, policy="everything")
    now = alone.completed_at + 100 * 86400
    reviews = ReviewStore(store.db)
    reviews.create("sandbox", [Item(shared.id, "A")], title="Open", expires_at=now + 86400, now=now - 10)
    reviews.create("sandbox", [Item(expired.id, "B")], title="Over", expires_at=now - 1, now=now - 10)
    gone = reviews.create("sandbox", [Item(revoked.id, "C")], title="Revoked", expires_at=now + 86400, now=now - 10)
    reviews.revoke(gone.id, now=now - 5)
    assert archive.held_for_review(store, media, now) == {shared.id}
    for policy in ("nothing", ("days", 30)):
        assert {p.job_id for p in archive.retention_plan(store, media, policy, now)} == {expired.id, revoked.id,
                                                                                      alone.id}
    removed = archive.apply_retention(store, media, "nothing", now, only=[shared.id, alone.id])
    assert [p.job_id for p in removed] == [alone.id]  # asked for by name, still held
    assert {p.job_id for p in archive.apply_retention(store, media, "nothing", now)} == {expired.id, revoked.id}
    assert sorted(os.listdir(media)) == [shared.id]
    # Once the review closes, the video is like any other.
    assert [p.job_id for p in archive.apply_retention(store, media, "nothing", now + 2 * 86400)] == [shared.id]
    assert archive.held_for_review(store, media, now + 2 * 86400) == set()


def test_nothing_is_downloaded_under_a_keep_nothing_or_expired_policy(client, store, media, sandbox):
    job = render(client, store)
    sandbox.clear_requests_log()
    assert archive.keep(client, job, media, policy="nothing").skipped == "retention"
    later = job.completed_at + 8 * 86400
    assert archive.keep(client, job, media, policy=("days", 7), now=later).skipped == "retention"
    assert media_requests(sandbox) == [] and not (media / job.id).exists()


def test_the_saved_preference_is_the_default_policy(client, store, media, sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path / "data"))
    preferences.set_retention("nothing")
    assert mode(tmp_path / "data" / "preferences.json") == 0o600
    job = render(client, store)
    assert archive.keep(client, job, media).skipped == "retention"
    preferences.set_retention(("days", 30))
    assert preferences.get_retention() == ("days", 30)
    assert archive.keep(client, job, media).downloaded == ("video", "thumbnail", "subtitles")


def test_remove_deletes_the_folder_and_says_what_it_freed(client, store, media):
    job = render(client, store)
    kept = archive.keep(client, job, media, policy="everything")
    assert archive.remove(job.id, media) == kept.bytes_written
    assert not (media / job.id).exists()
    assert archive.remove(job.id, media) == 0
    with pytest.raises(ValueError):
        archive.remove("../escape", media)


def test_the_media_root_follows_the_environment(tmp_path):
    assert archive.default_media_root({"HEYGEN_STUDIO_MEDIA_DIR": str(tmp_path / "shared")}) == tmp_path / "shared"
    assert archive.default_media_root({"HEYGEN_STUDIO_DATA_DIR": str(tmp_path)}).name == "media"


def test_preferences_reject_odd_policies(tmp_path):
    for bad in ("some", ("days", 0), ("days", 1.5), ("weeks", 2), ("days", True)):
        with pytest.raises(ValueError):
            preferences.set_retention(bad, tmp_path)
    assert preferences.get_retention(tmp_path) == "everything"
    (tmp_path / "preferences.json").write_text("not json")
    assert preferences.get_retention(tmp_path) == "everything"
    assert preferences.set_retention(["days", 3], tmp_path) == ("days", 3)
    assert preferences.get_retention(tmp_path) == ("days", 3)


def test_human_sizes():
    assert [archive.human_size(n) for n in (0, 999, 1500, 2_300_000_000)] == ["0 B", "999 B", "1.5 kB", "2.3 GB"]


def test_a_video_handed_to_the_disk_in_steps_is_kept_whole(client, store, media, monkeypatch):
    """The download is handed to the disk while it arrives (in WRITEBACK_BYTES steps): the kept file is the
    served one, byte for byte, with steps far smaller than the video."""
    steps = []
    start_writeback = archive._start_writeback
    monkeypatch.setattr(archive, "WRITEBACK_BYTES", 1024)
    monkeypatch.setattr(archive, "_start_writeback", lambda out, start, end: steps.append(end) or
                        start_writeback(out, start, end))
    job = render(client, store)
    result = archive.keep(client, job, media, policy="everything", chunk_size=4096)
    served = b"".join(client.download(job.video_url))
    assert result.files["video"].read_bytes() == served
    assert len(served) > 10 * 4096 and len(steps) >= len(served) // 4096
