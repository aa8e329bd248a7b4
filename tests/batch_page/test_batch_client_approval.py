"""A batch whose sample the client approves through a review link (AppTest against a sandbox): changes
asked for keep the batch waiting and show the comment; the client's approval starts it, and the worker
renders the other rows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from heygen.studio.batch import BatchStore
from heygen.studio.jobs import JobStore
from heygen.studio.reviews import ReviewStore
from tests.batch_page.page_helpers import has_button, run, text, tick_until, video_posts
from tests.batch_page.test_batch_page import ready_batch, start_sample

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def client_room(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["review"] = token
    return run(at)


def client_decides(room: AppTest, decision: str, comment: str = "") -> AppTest:
    room.text_input(key="review_name").input("Dana")
    room.radio(key="review_decision_0").set_value(decision)
    if comment:
        room.text_area(key="review_comment_0").input(comment)
    next(b for b in room.button if b.label == "Send").click()
    return run(room)


def test_the_clients_approval_of_the_sample_starts_the_batch(cat, sandbox, worker, page_env):
    at = ready_batch(cat, 3)
    batch_id = start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_client_review"))
    at.button(key="batch_client_review").click()
    run(at)
    reviews = ReviewStore(JobStore(page_env).db)
    made = reviews.for_batch(batch_id)
    assert len(made) == 1 and len(made[0].items) == 1
    links = [c.value for c in at.code if "?review=" in c.value]
    assert len(links) == 1  # shown in the session that made it
    token = links[0].rsplit("=", 1)[1]
    assert reviews.by_token(token).id == made[0].id
    assert "Waiting for the client's decision" in text(at)
    assert not has_button(at, "batch_client_review"), "one open link per sample"

    room = client_decides(client_room(token), "changes", "Our logo should be bigger")
    assert "Sent: Changes needed" in text(room)
    run(at)
    assert "The client asked for changes" in text(at) and "Our logo should be bigger" in text(at)
    batches = BatchStore(JobStore(page_env))
    assert batches.get(batch_id).state == "sampling"
    assert len(video_posts(sandbox)) == 1, "nothing but the sample is sent while the client wants changes"

    client_decides(room, "approved")
    assert batches.get(batch_id).state == "running"
    tick_until(at, worker, lambda a: batches.counts(batch_id).get("completed") == 3, limit=120)
    assert len(video_posts(sandbox)) == 3
