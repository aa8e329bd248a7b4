"""The review store (heygen.studio.reviews) on real SQLite and PostgreSQL databases: links that open only
while valid, decisions kept in full, and a summary a spreadsheet cannot be tricked by."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time

import pytest

from heygen.studio import reviews
from heygen.studio.db import query
from heygen.studio.jobs import JobStore
from heygen.studio.reviews import CommentTooLong, Item, MomentError, ReviewError, ReviewStore, TooManyMessages

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
    assert reviews.parse_moment("1440:00") == reviews.MAX_MOMENT  # 24 hours is the last moment
    for bad in ("1:5", "a:bc", "one", "-3", "1:2:3"):
        with pytest.raises(ReviewError):
            reviews.parse_moment(bad)
    assert reviews.moment_text(65) == "1:05"


@pytest.mark.parametrize("typed, reason", [
    ("inf", "not_finite"), ("-inf", "not_finite"), ("Infinity", "not_finite"), ("nan", "not_finite"),
    ("1e999", "not_finite"), ("-5", "negative"), ("-1:05", "negative"), ("99999:00", "too_long"),
    ("86401", "too_long"), ("9" * 400 + ":00", "not_finite"), ("9" * 5000 + ":00", "format"), ("0x10", "format"),
])
def test_a_moment_that_is_not_finite_negative_or_past_a_day_is_refused(typed, reason):
    with pytest.raises(MomentError) as info:
        reviews.parse_moment(typed)
    assert info.value.reason == reason and isinstance(info.value, ReviewError)


def test_a_moment_past_the_videos_end_is_refused_when_its_length_is_known():
    assert reviews.parse_moment("0:12", duration=12.4) == 12
    assert reviews.parse_moment("0:13", duration=12.4) == 13  # whole seconds: the last one is allowed
    with pytest.raises(MomentError) as info:
        reviews.parse_moment("0:14", duration=12.4)
    assert info.value.reason == "past_end" and info.value.duration == 12.4
    for unknown in (None, 0, float("nan"), float("inf"), -1):  # a length that is not one: no limit but 24 h
        assert reviews.parse_moment("5:00", duration=unknown) == 300


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e300, 10**400, -5, -0.1,
                                   reviews.MAX_MOMENT + 1, "1:05", None, True])
def test_a_value_that_is_not_a_moment_is_written_as_nothing(value):
    assert reviews.moment_text(value) == ""


def test_a_moment_given_to_the_store_follows_the_same_rules(store):
    review = make(store, "a")
    for bad in (float("inf"), float("nan"), 1e999, 10**400, -5, reviews.MAX_MOMENT + 1, "12", [1]):
        with pytest.raises(MomentError):
            store.comment(review, "a", "Here", moment=bad, now=NOW)
    assert store.events(review.id) == []


@pytest.mark.parametrize("stored", ["1e999", "-1e999", "-5", "1e300", "'soon'", "(0.0 / 0.0)"])
def test_a_stored_moment_that_is_not_one_is_read_back_and_written_as_nothing(store, db, stored):
    review = make(store, "a")
    store.comment(review, "a", "=cmd|' /C calc'!A0", moment=3, who="Dana", now=NOW)
    db.run(lambda c: query(c, f"UPDATE review_events SET moment = {stored}"), write=True)
    event = store.feedback(["a"])["a"][0]
    assert event.moment is None or not reviews.moment_text(event.moment)
    rows = list(csv.reader(io.StringIO(store.summary_csv(review))))
    assert rows[1][4:7] == ["'=cmd|' /C calc'!A0", "", "Dana"]


def test_a_comment_is_at_most_max_comment_characters_on_every_write(store):
    review = make(store, "a")
    longest = "x" * reviews.MAX_COMMENT
    store.comment(review, "a", f"  {longest}  ", now=NOW)  # the white space around it does not count
    store.decide(review, "a", "changes", comment=longest, now=NOW)
    for write in (lambda text: store.comment(review, "a", text, now=NOW),
                  lambda text: store.decide(review, "a", "changes", comment=text, now=NOW),
                  lambda text: store.decide(review, "a", "approved", comment=text, now=NOW)):
        with pytest.raises(CommentTooLong) as info:
            write(longest + "y")
        assert info.value.length == reviews.MAX_COMMENT + 1 and info.value.limit == reviews.MAX_COMMENT
    assert len(store.events(review.id)) == 2


def test_a_link_takes_at_most_30_decisions_and_comments_a_minute(store):
    review, other = make(store, "a"), make(store, "b")
    for n in range(200):
        store.record_visit(review, now=NOW + n / 100)  # visits do not count
    for n in range(reviews.RATE_LIMIT):
        store.comment(review, "a", f"note {n}", now=NOW + n)
    with pytest.raises(TooManyMessages) as info:
        store.decide(review, "a", "approved", now=NOW + 59)
    assert isinstance(info.value, ReviewError) and info.value.limit == 30 and info.value.window == 60
    with pytest.raises(TooManyMessages):
        store.comment(review, "a", "one more", now=NOW + 59.9)
    store.comment(other, "b", "another link has its own count", now=NOW + 59)
    store.decide(review, "a", "approved", now=NOW + 60.5)  # the first comment is now over a minute old
    said = [e for e in store.events(review.id) if e.kind != "visit"]
    assert len(said) == reviews.RATE_LIMIT + 1 and said[-1].decision == "approved"


def test_the_database_keeps_only_hashes_of_tokens_and_visitors(store, db):
    review = make(store, "a")
    stored = db.run(lambda c: query(c, "SELECT * FROM reviews").fetchall(), write=False)
    assert review.token not in repr(stored)
    assert stored[0]._mapping["token_hash"] == hashlib.sha256(review.token.encode()).hexdigest()
    assert store.get(review.id).token == "" and store.by_token(review.token).token == ""
    store.record_visit(review, visitor="browser-cookie-1", now=NOW)
    visits = db.run(lambda c: query(c, "SELECT * FROM review_events").fetchall(), write=False)
    assert "browser-cookie-1" not in repr(visits)


def test_visits_count_distinct_visitors_not_reloads(store):
    review, other = make(store, "a"), make(store, "b")
    for n in range(5):
        store.record_visit(review, visitor="cookie-a", now=NOW + n)  # reloads of one browser
    store.record_visit(review, visitor="cookie-b", now=NOW + 6)
    store.record_visit(review, now=NOW + 7)  # no id: each call is one more visitor
    store.record_visit(review, now=NOW + 8)
    store.record_visit(other, visitor="cookie-a", now=NOW + 9)
    assert reviews.count_visitors(store.events(review.id)) == 4
    assert reviews.count_visitors(store.events(other.id)) == 1
    hashes = {e.visitor for e in store.events(review.id) + store.events(other.id) if e.visitor}
    assert len(hashes) == 3  # the same browser on two reviews is not one hash
    store.revoke(review.id, now=NOW + 10)
    with pytest.raises(ReviewError, match="expired"):
        store.record_visit(review, visitor="cookie-a", now=NOW + 11)


def test_a_new_link_replaces_the_old_one_and_keeps_the_review(store):
    review = make(store, "a")
    store.decide(review, "a", "approved", now=NOW)
    fresh = store.new_link(review.id, now=NOW + 1)
    assert fresh.id == review.id and fresh.token and fresh.token != review.token
    assert store.by_token(review.token) is None and store.by_token(fresh.token).id == review.id
    assert store.latest_decisions(["a"])["a"].decision == "approved"
    store.revoke(review.id, now=NOW + 2)
    with pytest.raises(ReviewError):
        store.new_link(review.id, now=NOW + 3)
    with pytest.raises(ReviewError):
        store.new_link(make(store, "b", days=1).id, now=NOW + 2 * DAY)


def test_in_review_answers_for_any_number_of_videos(store):
    make(store, *(f"j{n}" for n in range(20)))
    asked = [f"x{n}" for n in range(1200)] + ["j3", "j19"]
    assert store.in_review(asked, now=NOW) == {"j3", "j19"}


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
        store.record_visit(review, visitor="cookie-a", now=NOW + 2)
        store.record_visit(review, visitor="cookie-a", now=NOW + 3)
        store.record_visit(review, now=NOW + 4)
        assert reviews.count_visitors(store.events(review.id)) == 2
        store.comment(review, "b", "nul \x00 inside", moment=1.5, now=NOW + 5)  # PostgreSQL text cannot hold NUL
        assert store.feedback(["b"])["b"][0].comment == "nul  inside"
        for n in range(reviews.RATE_LIMIT - 2):
            store.comment(review, "b", f"note {n}", now=NOW + 6)
        with pytest.raises(TooManyMessages):
            store.comment(review, "b", "one too many", now=NOW + 7)
        fresh = store.new_link(review.id, now=NOW + 8)
        assert store.by_token(review.token) is None and store.by_token(fresh.token).id == review.id


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.team)])
def test_writers_at_once_never_pass_the_limit(kind, tmp_path, request):
    """The count and the write are one transaction, the review's row locked on PostgreSQL."""
    target = tmp_path if kind == "sqlite" else request.getfixturevalue("postgres_url")
    with JobStore(target) as jobs:
        store = ReviewStore(jobs.db)
        review = make(store, "a")
        results: list[str] = []
        barrier = threading.Barrier(8)

        def send() -> None:
            barrier.wait()
            for _ in range(6):
                try:
                    store.comment(review, "a", "hi", now=NOW)
                    results.append("ok")
                except TooManyMessages:
                    results.append("limit")

        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results.count("ok") == reviews.RATE_LIMIT and len(store.events(review.id)) == reviews.RATE_LIMIT
