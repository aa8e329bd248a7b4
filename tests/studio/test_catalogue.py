"""The catalogue over real HTTP to the sandbox: the parallel fetch gives the plain listing's looks
and voices in the same order, survives a 429 mid-paging, is kept on disk (0600/0700, no key),
serves a restart from disk while a background thread refreshes it, and ignores a damaged copy."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from heygen import Client
from heygen.studio import catalogue as hc
from heygen.studio.config import account_fingerprint
from tests.support import Sleeps
from ui import process

from conftest import API_KEY

DEADLINE_SECONDS = 60


def until(condition, what: str):
    """Wait for ``condition()`` to be truthy, failing after a generous deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def ids(items, attr="id"):
    return [getattr(item, attr) for item in items]


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(sandbox, sleeps):
    with Client(API_KEY, sandbox.base_url, sleep=sleeps, timeout=(5.0, 30.0)) as c:
        yield c


@pytest.fixture(scope="module")
def reference(sandbox):
    """The catalogue from four plain listings one after the other, and the raw public listing."""
    with Client(API_KEY, sandbox.base_url) as c:
        return hc.fetch_sequential(c), c.avatars.looks(ownership="public"), c.voices.list(type="public")


def account(sandbox) -> str:
    return account_fingerprint(API_KEY, sandbox.base_url)


def live(client, sandbox, data_dir, sleeps, **kwargs) -> hc.LiveCatalogue:
    return hc.LiveCatalogue(client, account(sandbox), sandbox.base_url, data_dir,
                            fetcher=lambda c: hc.fetch(c, sleep=sleeps), **kwargs)


def looks_requests(sandbox):
    return [e for e in sandbox.requests_log() if e["path"] == "/v3/avatars/looks"]


# -- parallel fetch ------------------------------------------------------------------------------


def test_parallel_fetch_equals_the_sequential_listing_in_order(client, sandbox, reference):
    sequential, public_looks, public_voices = reference
    sandbox.configure(latency_ms=30)  # round trips long enough for the last groups to be split off
    parallel = hc.fetch(client)
    assert ids(parallel.looks) == ids(sequential.looks)
    assert parallel.looks == sequential.looks and parallel.voices == sequential.voices
    assert parallel.private_look_ids == sequential.private_look_ids and parallel.notes == ()
    # With them, the voices Listen works with (HeyGen's own list of them).
    assert parallel.speech_voice_ids == sequential.speech_voice_ids == frozenset(client.voices.speech_voice_ids())
    # The public part is exactly the API's own plain listing, in its order.
    private = [look for look in parallel.looks if parallel.is_private(look)]
    assert parallel.looks[:len(private)] == tuple(private)
    assert ids(parallel.looks[len(private):]) == ids(public_looks)
    assert ids(parallel.voices[-len(public_voices):], "voice_id") == ids(public_voices, "voice_id")
    # It really was fetched in parts, one list per avatar type (whether the last groups are also
    # asked for one by one depends on timing; the result is the same either way).
    queries = [e["query"] for e in looks_requests(sandbox)]
    assert {q.get("avatar_type") for q in queries} >= {"studio_avatar", "digital_twin", "photo_avatar"}


def test_a_429_mid_paging_waits_and_still_gives_the_full_catalogue(client, sandbox, reference, sleeps):
    sequential, _, _ = reference
    injected = threading.Event()

    def on_page(path, params, count):
        if params.get("avatar_type") == "studio_avatar" and not injected.is_set():
            injected.set()  # more 429s in a row than the client retries, so the fetch must wait too
            sandbox.add_fault(method="GET", path="/v3/avatars/looks", status=429, retry_after=2, times=4)

    parallel = hc.fetch(client, sleep=sleeps, on_page=on_page)
    assert injected.is_set()
    assert sum(1 for e in looks_requests(sandbox) if e["status"] == 429) == 4
    assert 2 in sleeps  # the wait HeyGen asked for
    assert ids(parallel.looks) == ids(sequential.looks) and parallel.voices == sequential.voices


def test_the_catalogue_is_complete_without_the_voices_listen_works_with_when_heygen_will_not_list_them(
        client, sandbox, reference, sleeps):
    sequential, _, _ = reference
    sandbox.add_fault("GET", "/v3/voices", status=503, times=None, query={"engine": "*"})
    progress = hc.Progress()
    parallel = hc.fetch(client, sleep=sleeps, progress=progress)
    assert parallel.complete and parallel.speech_voice_ids is None  # not known: Listen is offered for every voice
    assert ids(parallel.looks) == ids(sequential.looks) and parallel.voices == sequential.voices
    assert progress.speech_voice_ids is None and progress.done


def test_a_partial_catalogue_is_not_complete_until_the_voices_listen_works_with_are_known(client, sandbox, sleeps):
    sandbox.add_fault("GET", "/v3/voices", kind="slow", delay_ms=600_000, times=None, query={"engine": "*"})
    progress = hc.Progress()
    fetching = threading.Thread(target=hc.fetch, args=(client,), kwargs={"sleep": sleeps, "progress": progress})
    fetching.start()
    try:
        until(lambda: (c := progress.snapshot()) is not None and c.looks_complete and c.voices_complete,
              "the looks and voices")
        partial = progress.snapshot()
        assert not partial.complete and not partial.speech_complete and partial.speech_voice_ids is None
    finally:
        sandbox.clear_faults()
        sandbox.release_faults()
        fetching.join()
    assert progress.snapshot().complete and progress.speech_voice_ids


# -- on disk ------------------------------------------------------------------------------------


def test_disk_round_trip_with_private_permissions_and_no_key(client, sandbox, tmp_path, reference):
    sequential, _, _ = reference
    sequential.looks[0].extra["future_field"] = {"kept": True}
    try:
        path = hc.cache_path(tmp_path / "data", account(sandbox), sandbox.base_url)
        hc.save(sequential, path, account=account(sandbox), base_url=sandbox.base_url)
        back = hc.read(path, account=account(sandbox), base_url=sandbox.base_url)
    finally:
        sequential.looks[0].extra.pop("future_field")
    assert back is not None
    assert back.looks[0].extra == {"future_field": {"kept": True}}
    back.looks[0].extra.pop("future_field")
    assert back.looks == sequential.looks and back.voices == sequential.voices
    assert back.private_look_ids == sequential.private_look_ids and back.fetched_at == sequential.fetched_at
    assert back.speech_voice_ids == sequential.speech_voice_ids and back.speech_voice_ids
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert API_KEY not in path.read_text() and API_KEY[-12:] not in path.read_text()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    # A copy kept before the voices Listen works with were kept says they are not known.
    body = json.loads(path.read_text())
    del body["speech_voice_ids"]
    path.write_text(json.dumps(body))
    older = hc.read(path, account=account(sandbox), base_url=sandbox.base_url)
    assert older is not None and older.speech_voice_ids is None and ids(older.looks) == ids(back.looks)
    # A copy kept for another account or server is never used.
    assert hc.read(path, account="acct-someone-else", base_url=sandbox.base_url) is None
    assert hc.read(path, account=account(sandbox), base_url="http://127.0.0.1:9") is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape", "a folder"])
def test_a_damaged_or_unreadable_copy_is_ignored_and_fetched_fresh(client, sandbox, tmp_path, reference, sleeps,
                                                                   damage):
    sequential, _, _ = reference
    path = hc.cache_path(tmp_path, account(sandbox), sandbox.base_url)
    hc.save(sequential, path, account=account(sandbox), base_url=sandbox.base_url)
    if damage == "garbage":
        path.write_bytes(b"\x00\xffnot json at all")
    elif damage == "truncated":
        path.write_text(path.read_text()[:5000])
    elif damage == "wrong shape":
        body = json.loads(path.read_text())
        body["looks"] = {"not": "a list"}
        path.write_text(json.dumps(body))
    else:
        path.unlink()
        path.mkdir()
    assert hc.read(path, account=account(sandbox), base_url=sandbox.base_url) is None
    catalogue = live(client, sandbox, tmp_path, sleeps)
    assert catalogue.peek() is None
    fresh = catalogue.get()
    assert ids(fresh.looks) == ids(sequential.looks) and fresh.voices == sequential.voices
    if damage != "a folder":
        assert hc.read(path, account=account(sandbox), base_url=sandbox.base_url) is not None  # replaced


def test_a_restart_serves_the_copy_on_disk_then_refreshes_it_in_the_background(
        client, sandbox, tmp_path, reference, sleeps):
    sequential, _, _ = reference
    stale = hc.Catalogue(looks=sequential.looks[:30], private_look_ids=sequential.private_look_ids,
                         voices=sequential.voices[:40], fetched_at=1_000_000.0)
    path = hc.cache_path(tmp_path, account(sandbox), sandbox.base_url)
    hc.save(stale, path, account=account(sandbox), base_url=sandbox.base_url)

    catalogue = live(client, sandbox, tmp_path, sleeps)
    first = catalogue.get()
    # Served from disk, not fetched first: exactly the stale copy.
    assert ids(first.looks) == ids(stale.looks) and first.fetched_at == stale.fetched_at
    fresh = until(lambda: (c := catalogue.peek()) is not first and not catalogue.refreshing and c,
                  "the background refresh")
    assert ids(fresh.looks) == ids(sequential.looks) and fresh.voices == sequential.voices
    assert catalogue.refresh_error is None
    on_disk = hc.read(path, account=account(sandbox), base_url=sandbox.base_url)
    assert on_disk is not None and ids(on_disk.looks) == ids(sequential.looks)


def test_a_failing_background_refresh_keeps_the_catalogue_at_hand(client, sandbox, tmp_path, reference, sleeps):
    sequential, _, _ = reference
    path = hc.cache_path(tmp_path, account(sandbox), sandbox.base_url)
    hc.save(sequential, path, account=account(sandbox), base_url=sandbox.base_url)
    sandbox.add_fault(method="GET", path="/v3/avatars/looks", status=429, retry_after=1, times=None)

    catalogue = live(client, sandbox, tmp_path, sleeps)
    first = catalogue.get()
    until(lambda: catalogue.refresh_error is not None and not catalogue.refreshing, "the refresh to give up")
    assert catalogue.peek() is first and len(first.looks) == len(sequential.looks)
    assert hc.read(path, account=account(sandbox), base_url=sandbox.base_url) is not None


def test_fetch_now_always_asks_heygen(client, sandbox, tmp_path, sleeps):
    catalogue = live(client, sandbox, tmp_path, sleeps)
    first = catalogue.get()
    before = len(looks_requests(sandbox))
    assert catalogue.get() is first and len(looks_requests(sandbox)) == before
    second = catalogue.fetch_now()
    assert second is not first and len(looks_requests(sandbox)) > before
    assert catalogue.peek() is second


# -- the page ------------------------------------------------------------------------------------


def fetches_ended() -> bool:
    return not any(t.name == "catalogue-refresh" and t.is_alive() for t in threading.enumerate())


def pick_buttons(at) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith("studio_av_pick_")]


def test_page_restart_shows_the_gallery_from_disk_and_refresh_lists_fetches_again(studio, sandbox):
    import streamlit as st

    at = studio()
    assert pick_buttons(at)
    folder = Path(os.environ["HEYGEN_STUDIO_DATA_DIR"]) / "catalogues"
    kept = until(lambda: folder.is_dir() and list(folder.iterdir()), "the catalogue kept on disk")
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    until(fetches_ended, "the first fetch to end")
    at.run()  # the complete lists

    # A rerun asks HeyGen nothing; "Refresh lists" fetches both lists again (in the background,
    # showing the lists at hand meanwhile).
    before = len(looks_requests(sandbox))
    at.run()
    assert len(looks_requests(sandbox)) == before
    at.button(key="studio_refresh").click().run()
    assert not at.exception and pick_buttons(at)
    until(lambda: len(looks_requests(sandbox)) > before and fetches_ended(), "the refresh")
    at.run()

    # A restart (nothing in memory) shows the gallery from disk; the refresh runs in the background.
    st.cache_resource.clear()
    process.reset()
    sandbox.reset()
    sandbox.configure(latency_ms=20)
    restarted = studio()
    assert pick_buttons(restarted) == pick_buttons(at)
    until(lambda: not any(t.name == "catalogue-refresh" and t.is_alive() for t in threading.enumerate())
          and any(e["query"].get("avatar_type") == "studio_avatar" for e in looks_requests(sandbox)),
          "the background refresh")


def test_page_with_a_damaged_copy_fetches_fresh(studio, sandbox):
    import streamlit as st

    at = studio()
    folder = Path(os.environ["HEYGEN_STUDIO_DATA_DIR"]) / "catalogues"
    kept = until(lambda: folder.is_dir() and next(folder.iterdir(), None), "the catalogue kept on disk")
    until(fetches_ended, "the first fetch to end")
    kept.write_text("{ this is not json")
    st.cache_resource.clear()
    process.reset()
    sandbox.reset()
    again = studio()
    assert pick_buttons(again) == pick_buttons(at)
    assert looks_requests(sandbox)  # fetched, since the copy could not be read


def test_the_loading_note_says_when_only_the_voices_listen_works_with_are_still_listed(reference):
    from ui.catalogue import loading_words

    sequential, _, _ = reference
    waiting = hc.Catalogue(looks=sequential.looks, voices=sequential.voices, speech_complete=False)
    assert not waiting.complete
    assert loading_words(waiting) == "Finding the voices Listen works with"
    assert "Finding" not in loading_words(hc.Catalogue(looks=sequential.looks[:24], voices=sequential.voices,
                                                       looks_complete=False, speech_complete=False))
