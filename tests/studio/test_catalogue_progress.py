"""The catalogue loaded progressively, over real HTTP to the sandbox: every partial catalogue starts
like the final one; the Studio page shows a usable first screen, marked as still loading, before
the lists are complete, keeps a choice that has not arrived yet, then shows everything and stops
following; a failure midway leaves what arrived usable with a message and "Try again"."""

from __future__ import annotations

import threading
import time

import pytest

from heygen import Client
from heygen.studio import catalogue as hc
from tests.support import shown, wait_for_catalogue_fetches

from conftest import API_KEY

DEADLINE_SECONDS = 60
HOLD_MS = 4000  # how long the second pages are held back, so the page is seen while they are
# The list of the voices Listen works with (fetched with the others) is never held back: the faults
# below are meant for the plain voice list, and a fault that matches first is the one used.
SPEECH_LIST = {"engine": "*"}


def until(condition, what: str):
    """Wait for ``condition()`` to be truthy, failing after a generous deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def reference(sandbox):
    """The catalogue from four plain listings one after the other."""
    with Client(API_KEY, sandbox.base_url) as c:
        return hc.fetch_sequential(c)


def public_ids(catalogue) -> list[str]:
    return [look.id for look in catalogue.looks if not catalogue.is_private(look)]


def hold_second_pages(sandbox, looks_then=None) -> None:
    """The first page of every list comes at once; the next looks pages and the second page of
    the public voices are held back (the looks pages are answered by ``looks_then`` instead when
    given). Later pages are told apart by their page token, so the order in which the parallel
    lists reach the server does not matter."""
    later = {"token": "*"}
    if looks_then is None:
        sandbox.add_fault("GET", "/v3/avatars/looks", kind="slow", delay_ms=HOLD_MS, times=3, query=later)
    else:
        sandbox.add_fault("GET", "/v3/avatars/looks", query=later, **looks_then)
    sandbox.add_fault("GET", "/v3/voices", kind="slow", times=None, query=SPEECH_LIST)  # at once
    sandbox.add_fault("GET", "/v3/voices", kind="slow", delay_ms=HOLD_MS, times=1,
                      query={"type": "public", "token": "*"})


def text(at) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error"):
        parts.extend(shown(str(e.value)) for e in getattr(at, kind))
    return "\n".join(parts)


def pick_ids(at) -> list[str]:
    return [b.key.removeprefix("studio_av_pick_") for b in at.button if (b.key or "").startswith("studio_av_pick_")]


# -- the domain ----------------------------------------------------------------------------------


def test_every_partial_catalogue_starts_like_the_final_one(sandbox, reference):
    sandbox.configure(latency_ms=20)
    progress = hc.Progress()
    seen = []
    in_order = threading.Lock()  # pages arrive on several threads: record each snapshot in the order taken

    def on_page(path, params, count):
        with in_order:
            snapshot = progress.snapshot()
            if snapshot is not None:
                seen.append(snapshot)

    with Client(API_KEY, sandbox.base_url) as c:
        final = hc.fetch(c, on_page=on_page, progress=progress)
    assert progress.snapshot() is final and final.complete and progress.error is None
    assert [look.id for look in final.looks] == [look.id for look in reference.looks]
    partial = [s for s in seen if not s.complete]
    assert len(partial) > 5  # it really was seen part way
    final_public = public_ids(final)
    for snapshot in partial:
        assert public_ids(snapshot) == final_public[:len(public_ids(snapshot))]
        assert [v.voice_id for v in snapshot.voices] == [v.voice_id for v in final.voices][:len(snapshot.voices)]
        assert snapshot.looks_expected in (None, len(final.looks))
    counts = [len(s.looks) for s in partial if s.private_look_ids]
    assert counts == sorted(counts)  # what is shown only grows


def test_a_first_screen_is_known_before_paging_ends(sandbox, reference):
    hold_second_pages(sandbox)
    progress = hc.Progress()
    with Client(API_KEY, sandbox.base_url) as c:
        fetching = threading.Thread(target=hc.fetch, args=(c,), kwargs={"progress": progress})
        fetching.start()
        first = progress.wait(24, timeout=DEADLINE_SECONDS)
        assert not progress.done  # the second pages are still held back
        assert first is not None and not first.looks_complete and not first.voices_complete
        assert len(public_ids(first)) >= 24
        assert public_ids(first) == public_ids(reference)[:len(public_ids(first))]
        assert first.private_look_ids == reference.private_look_ids
        fetching.join()
    assert progress.snapshot().complete and public_ids(progress.snapshot()) == public_ids(reference)


# -- the page ------------------------------------------------------------------------------------


def test_the_gallery_is_usable_while_loading_and_complete_afterwards(studio, sandbox, reference):
    hold_second_pages(sandbox)
    at = studio(complete=False)
    final_public = public_ids(reference)
    # The first screen: the same first cards the complete catalogue shows, marked as loading.
    assert pick_ids(at) == final_public[:24]
    assert "Loading more avatars…" in text(at)
    assert "so far, still loading" in text(at)
    assert "The rest shows up as you use the page." in text(at)  # no timer redraws it on its own
    assert "so far, still loading" in at.selectbox(key="studio_vo_choice").label

    # It can be used: pick an avatar (its voice is preselected), type, search.
    first = reference.look(final_public[0])
    at.button(key=f"studio_av_pick_{first.id}").click().run()
    assert at.button(key=f"studio_av_pick_{first.id}").label == "✓ Selected"
    assert at.session_state["studio_voice_id"] == first.default_voice_id
    at.text_area(key="studio_script").input("Hello while the lists load.").run()
    at.text_input(key="studio_av_search").input("kitchen").run()
    assert "Still loading: the search and filters look at the avatars listed so far." in text(at)
    at.text_input(key="studio_av_search").input("").run()

    # A choice that has not arrived yet (e.g. from Edit & retry) is kept, and said to be loading.
    last = reference.look(final_public[-1])
    at.session_state["studio_avatar_id"] = last.id
    at.run()
    assert "The chosen avatar has not been listed yet" in text(at)
    assert not at.exception

    # Once the lists are complete, the user's next action (here the note's button) shows everything,
    # with the same first cards, the late choice, and no loading note.
    wait_for_catalogue_fetches()
    at.button(key="catalogue_show_arrived").click().run()
    assert not at.exception
    assert pick_ids(at) == final_public[:24]
    assert "Loading more" not in text(at) and "still loading" not in text(at)
    assert f"{len(final_public):,} avatars" in text(at)
    assert at.session_state["studio_avatar_id"] == last.id
    assert "Chosen avatar" in text(at) and last.name in text(at)
    assert at.text_area(key="studio_script").value == "Hello while the lists load."


def test_a_failure_midway_keeps_what_arrived_usable(studio, sandbox, reference):
    # Every later looks page is refused, after the first screen has been shown.
    hold_second_pages(sandbox, looks_then={"status": 401, "code": "invalid_api_key", "message": "key revoked midway",
                                           "delay_ms": HOLD_MS / 2, "times": None})
    at = studio(complete=False)
    assert pick_ids(at)
    wait_for_catalogue_fetches()
    at.run()
    assert not at.exception
    assert "could not be loaded completely; the ones that arrived can be used" in text(at), text(at)[-600:]
    assert "Traceback" not in text(at)
    shown_ids = pick_ids(at)
    assert shown_ids == public_ids(reference)[:24]
    assert "Loading more avatars" not in text(at)  # no timer follows a stopped fetch
    # What arrived can be used, and reruns do not ask HeyGen again.
    count = len(sandbox.requests_log())
    at.button(key=f"studio_av_pick_{shown_ids[1]}").click().run()
    assert at.button(key=f"studio_av_pick_{shown_ids[1]}").label == "✓ Selected"
    assert len(sandbox.requests_log()) == count

    # "Try again" fetches again; the choice is kept.
    sandbox.clear_faults()
    at.button(key="catalogue_retry").click().run()
    assert not at.exception
    wait_for_catalogue_fetches()
    at.run()
    assert "could not be loaded" not in text(at) and "Loading more" not in text(at)
    assert f"{len(public_ids(reference)):,} avatars" in text(at)
    assert at.session_state["studio_avatar_id"] == shown_ids[1]
