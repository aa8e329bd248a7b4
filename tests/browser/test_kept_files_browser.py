"""Kept videos stream from disk through /kept, with HTTP ranges, to those allowed to see them: the owner,
or a review link that includes that video. The review room plays from there, and the server's memory
stays flat while a large video is watched and sought."""

from __future__ import annotations

import http.client
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from heygen.studio import access, reviews
from heygen.studio.jobs import JobStore
from tests.browser.conftest import owner_cookie
from tests.support import settle

SAMPLE = Path(__file__).resolve().parents[2] / "heygen" / "sandbox" / "media" / "landscape.mp4"
ACCOUNT = "acct-kept-files"
BIG = 300 * 1024 * 1024


def _finished(store: JobStore, title: str, media: Path, *, size: int | None = None) -> str:
    job = store.create(account=ACCOUNT, kind="avatar", title=title, inputs={"script": "Hello."})
    store.mark_submitted(job.id, f"v-{job.id[:8]}", "processing")
    store.record_poll(job.id, status="completed", video_url=f"https://files.invalid/{job.id}.mp4", duration=4.0)
    folder = media / job.id
    folder.mkdir(parents=True)
    shutil.copyfile(SAMPLE, folder / "video.mp4")
    if size is not None:  # a large kept video: the sample, then zeros up to `size` bytes
        with open(folder / "video.mp4", "r+b") as file:
            file.truncate(size)
    return job.id


@pytest.fixture(scope="module")
def studio(module_streamlit_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("kept") / "studio-data"
    data.mkdir()
    store = JobStore(data)
    first = _finished(store, "First cut", data / "media")
    second = _finished(store, "Second cut", data / "media")
    big = _finished(store, "Long cut", data / "media", size=BIG)
    review_store = reviews.ReviewStore(store.db)
    until = time.time() + 86400
    one = review_store.create(ACCOUNT, [reviews.Item(first, "First cut"), reviews.Item(big, "Long cut")],
                              title="Spring campaign", expires_at=until)
    other = review_store.create(ACCOUNT, [reviews.Item(second, "Second cut")], title="Other client", expires_at=until)
    store.close()
    base = module_streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data)})
    return {"base": base, "first": first, "second": second, "big": big, "one": one.token, "other": other.token}


def _get(base: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(base).port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{urlsplit(base).port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _owner() -> dict:
    return {"Cookie": f"{access.OWNER_COOKIE}={owner_cookie()['value']}"}


def test_a_review_link_opens_only_its_own_videos(studio):
    base, first, second = studio["base"], studio["first"], studio["second"]
    status, _, body = _get(base, f"/kept/{first}/video?review={studio['one']}")
    assert status == 200 and body == SAMPLE.read_bytes()
    assert _get(base, f"/kept/{second}/video?review={studio['one']}")[0] == 403  # not in that review
    assert _get(base, f"/kept/{first}/video?review={studio['other']}")[0] == 403  # another review's token
    assert _get(base, f"/kept/{first}/video?review=not-a-token-at-all-000000")[0] == 403
    assert _get(base, f"/kept/{first}/video")[0] == 403  # no cookie, no token
    assert _get(base, f"/kept/{second}/video", _owner())[0] == 200  # the owner sees every kept video
    assert _get(base, f"/kept/{first}/thumbnail", _owner())[0] == 404  # nothing kept of that kind
    assert _get(base, f"/kept/{first}/passwords", _owner())[0] == 404


def test_ranges_let_a_player_seek(studio):
    whole = SAMPLE.read_bytes()
    status, headers, body = _get(studio["base"], f"/kept/{studio['first']}/video?review={studio['one']}",
                                 {"Range": "bytes=100-199"})
    assert status == 206 and body == whole[100:200]
    assert headers["content-range"] == f"bytes 100-199/{len(whole)}"
    assert headers["accept-ranges"] == "bytes"


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_watching_a_300_mb_video_leaves_the_server_memory_flat(studio, browser, screenshot):
    base = studio["base"]
    client = browser.new_context()
    page = client.new_page()
    page.goto(f"{base}/?review={studio['one']}")
    expect(page.get_by_role("heading", name="Spring campaign")).to_be_visible()
    before = settle(lambda: _rss_kib(base.pid) // 1024, quiet=2, timeout=60, message="the server kept growing")
    videos = page.locator("video")
    expect(videos).to_have_count(2)
    sources = [videos.nth(i).get_attribute("src") or "" for i in range(2)]
    assert all("/kept/" in src and f"review={studio['one']}" in src for src in sources), sources
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=30_000)
    screenshot(page, "room")
    # The whole long video, in 8 MiB ranges, as a player seeking through it would fetch it.
    path = f"/kept/{studio['big']}/video?review={studio['one']}"
    step = 8 * 1024 * 1024
    for start in range(0, BIG, step):
        status, _, body = _get(base, path, {"Range": f"bytes={start}-{start + step - 1}"})
        assert status == 206 and len(body) == min(step, BIG - start)
    after = settle(lambda: _rss_kib(base.pid) // 1024, quiet=2, timeout=60, message="the server kept growing")
    print(f"server resident memory: {before} MB before, {after} MB after serving 300 MB")
    assert after - before <= 20, f"serving a 300 MB video grew the server by {after - before} MB"
    client.close()
