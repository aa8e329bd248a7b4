"""The review store (heygen.studio.reviews) on real SQLite and PostgreSQL databases: links that open only
while valid, decisions kept in full, and a summary a spreadsheet cannot be tricked by."""

from __future__ import annotations

import csv
import io
import time

import pytest

from heygen.studio import reviews
from heygen.studio.jobs import JobStore
from heygen.studio.reviews import Item, ReviewError, ReviewStore

NOW = 1_800_000_000.0
DAY = 86_400.0


@pytest.fixture
def db(tmp_path):
    with JobStore(tmp_path) as jobs:
        yield jobs.db


@pytest.fixture
def store(db):
    return ReviewStore(db)


def make(store, *job_ids, title="Spring campaign", days=7, batch_id=None):
    return store.create("acct", [Item(j, f"Video {j}", f"note {j}") for j in job_ids or ("a",)], title=title,
                        expires_at=NOW + days * DAY, now=NOW, batch_id=batch_id, message="Hello")


def test_a_link_token_is_random_long_and_opens_only_its_review(store):
    first, second = make(store, "a"), make(store, "b")
    assert first.token != second.token
    assert len(first.token) >= 32  # 192 bits in URL-safe base64
    found = store.by_token(first.token)
    assert found.id == first.id and [i.job_id for i in found.items] == ["a"]
    assert found.items[0].title == "Video a" and found.items[0].note == "note a"
    assert store.by_token(first.token[:-1] + ("A" if first.token[-1] != "A" else "B")) is None
    for bad in ("", "x", "' OR 1=1 --", first.token + "%", None, "a" * 200):
        assert store.by_token(bad) is None


def test_a_review_is_open_until_it_expires_or_is_revoked(store):
    review = make(store, "a", days=2)
    assert review.state(NOW) == "open"
    assert review.state(NOW + 2 * DAY) == "expired"
    store.revoke(review.id, now=NOW + 1)
    assert store.get(review.id).state(NOW) == "revoked"


def test_bad_requests_are_refused_with_a_plain_reason(store):
    with pytest.raises(ReviewError, match="at least one video"):
        store.create("acct", [], title="x", expires_at=NOW + DAY, now=NOW)
    with pytest.raises(ReviewError, match="title"):
        store.create("acct", [Item("a", "A")], title="  ", expires_at=NOW + DAY, now=NOW)
    with pytest.raises(ReviewError, match="past"):
        store.create("acct", [Item("a", "A")], title="x", expires_at=NOW - 1, now=NOW)
    with pytest.raises(ReviewError, match="twice"):
        store.create("acct", [Item("a", "A"), Item("a", "B")], title="x", expires_at=NOW + DAY, now=NOW)
    with pytest.raises(ReviewError, match="at most"):
        store.create("acct", [Item(str(n), "A") for n in range(reviews.MAX_ITEMS + 1)], title="x",
                     expires_at=NOW + DAY, now=NOW)
    assert store.list("acct") == []


def test_every_decision_is_kept_and_the_latest_counts(store):
    review = make(store, "a", "b")
    store.record_visit(review, now=NOW + 1)
    store.decide(review, "a", "changes", comment="Say the client's name right", moment=42, who="Dana", now=NOW + 2)
    store.decide(review, "a", "approved", who="Dana", now=NOW + 3)
    store.decide(review, "b", "changes", comment="Too long", who="Lee", now=NOW + 4)
    store.comment(review, "b", "Music is great", now=NOW + 5)
    kinds = [(e.kind, e.job_id, e.decision) for e in store.events(review.id)]
    assert kinds == [("visit", None, None), ("decision", "a", "changes"), ("decision", "a", "approved"),
                     ("decision", "b", "changes"), ("comment", "b", None)]
    latest = store.latest_decisions(["a", "b", "c"])
    assert latest["a"].decision == "approved" and latest["b"].decision == "changes" and "c" not in latest
    assert store.feedback(["a"])["a"][0].moment == 42
    assert store.in_review(["a", "b", "c"], now=NOW) == {"a", "b"}


def test_nothing_is_recorded_through_a_closed_link_or_for_another_video(store):
    review = make(store, "a", days=1)
    with pytest.raises(ReviewError, match="not part of this review"):
        store.decide(review, "other-job", "approved", now=NOW)
    with pytest.raises(ReviewError, match="expired"):
        store.decide(review, "a", "approved", now=NOW + 2 * DAY)
    store.revoke(review.id, now=NOW)
    with pytest.raises(ReviewError, match="expired"):
        store.record_visit(review, now=NOW + 1)
    with pytest.raises(ReviewError, match="what should change"):
        store.decide(make(store, "b"), "b", "changes", comment="  ", now=NOW)
    with pytest.raises(ReviewError, match="Approved or Changes"):
        store.decide(make(store, "c"), "c", "maybe", now=NOW)
    assert store.events(review.id) == []


def test_approving_a_batch_sample_calls_back_once(store):
    review = make(store, "sample-job", batch_id="batch-1")
    approved = []
    store.decide(review, "sample-job", "changes", comment="Logo too small", now=NOW, on_sample_approved=approved.append)
    assert approved == []
    store.decide(review, "sample-job", "approved", now=NOW + 1, on_sample_approved=approved.append)
    assert approved == ["batch-1"]
    assert [r.id for r in store.for_batch("batch-1")] == [review.id]


def test_the_summary_csv_lists_decisions_and_defuses_formulas(store):
    review = make(store, "a")
    store.decide(review, "a", "changes", comment="=HYPERLINK(\"http://evil\")", moment=65, who="@Dana", now=NOW + 60)
    rows = list(csv.reader(io.StringIO(store.summary_csv(review, version_of=lambda job_id: f"v of {job_id}"))))
    assert rows[0] == list(reviews.CSV_COLUMNS)
    assert rows[1][:7] == ["Spring campaign", "Video a", "v of a", "Changes needed", "'=HYPERLINK(\"http://evil\")",
                           "1:05", "'@Dana"]
    assert rows[1][7].startswith(time.strftime("%Y", time.localtime(NOW + 60)))


@pytest.mark.parametrize("said", ["＝HYPERLINK(1)", "＋33 6", "－1+1", "＠SUM(A1)", "\t=cmd", "\r=cmd", "  =1+1",
                                  "+1", "-HYPERLINK(1)"])
def test_the_summary_csv_defuses_full_width_and_hidden_formulas(store, said):
    review = make(store, "a", title=said)
    store.decide(review, "a", "changes", comment=said, who=said, now=NOW)
    row = list(csv.reader(io.StringIO(store.summary_csv(review, version_of=lambda job_id: said), newline="")))[1]
    # title, version, comment and name: each shown as text (title, comment and name are stored trimmed)
    assert [row[0], row[2], row[4], row[6]] == ["'" + said.strip(), "'" + said, "'" + said.strip(), "'" + said.strip()]


def test_the_summary_csv_keeps_plain_negative_numbers_as_numbers(store):
    review = make(store, "a", title="-12")
    store.comment(review, "a", "-3.5", who="x-1", now=NOW)
    row = list(csv.reader(io.StringIO(store.summary_csv(review))))[1]
    assert [row[0], row[4], row[6]] == ["-12", "-3.5", "x-1"]


def test_moments_are_read_as_minutes_and_seconds():
    assert reviews.parse_moment("") is None
    assert reviews.parse_moment("0:42") == 42
    assert reviews.parse_moment("1:05") == 65
    assert reviews.parse_moment("12.5") == 12.5
    for bad in ("1:5", "a:bc", "one", "-3", "1:2:3"):
        with pytest.raises(ReviewError):
            reviews.parse_moment(bad)
    assert reviews.moment_text(65) == "1:05"


def test_deleting_a_review_removes_its_items_and_events(store, db):
    review = make(store, "a")
    store.decide(review, "a", "approved", now=NOW)
    store.delete(review.id)
    assert store.get(review.id) is None and store.events(review.id) == [] and store.feedback(["a"]) == {}


@pytest.mark.team
def test_reviews_work_the_same_on_postgresql(postgres_url):
    with JobStore(postgres_url) as jobs:
        store = ReviewStore(jobs.db)
        review = make(store, "a", "b")
        store.decide(review, "a", "approved", who="Dana", now=NOW + 1)
        assert store.by_token(review.token).id == review.id
        assert store.latest_decisions(["a", "b"])["a"].who == "Dana"
        assert store.in_review(["a", "b"], now=NOW) == {"a", "b"}
