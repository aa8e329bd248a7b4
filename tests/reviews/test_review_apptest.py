"""The review room in AppTest, against a sandbox: a review link shows its videos and nothing else of the
studio, whatever the address says; decisions reach the studio's history; closed links say so plainly;
what a client writes is shown exactly as written."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from heygen.studio import reviews as domain
from heygen.studio.db import query
from heygen.studio.reviews import Item, ReviewStore
from tests.reviews.conftest import APP
from tests.support import shown
from ui import process
from ui.review_room import refusal

DAY = 86_400


@pytest.fixture
def reviews(store):
    return ReviewStore(store.db)


@pytest.fixture
def shared(finished, reviews, account):
    """Two finished videos shared in one review; a third finished video left out of it."""
    first, second, private = finished("Spring teaser"), finished("Summer teaser"), finished("Board update")
    review = reviews.create(account, [Item(first.id, "Teaser A", "The short cut"), Item(second.id, "Teaser B")],
                            title="Campaign cuts", message="Tell us what you think", expires_at=time.time() + 7 * DAY)
    return review, first, second, private


def room(token: str | None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if token is not None:
        at.query_params["review"] = token
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.subheader]
    parts += [e.value for e in at.caption] + [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.error]
    return shown("\n".join(str(p) for p in parts))


def studio_traces(at: AppTest) -> list[str]:
    """Anything on the page that belongs to the studio rather than to the review room."""
    text = page_text(at)
    found = [word for word in ("Sandbox", "Account", "History", "Board update", "Generate", "Batch", "API key")
             if word in text]
    found += [b.label for b in at.button if b.label not in ("Send",)]
    found += [s.label for s in at.selectbox] + [t.label for t in at.text_input if t.label not in
                                                ("Your name", "At a moment of the video (optional)")]
    return found


def test_a_review_link_shows_its_videos_and_nothing_else(shared):
    review, first, second, private = shared
    at = room(review.token)
    text = page_text(at)
    assert "Campaign cuts" in text and "Tell us what you think" in text
    assert [s.value for s in at.subheader] == ["Teaser A", "Teaser B"]
    assert "The short cut" in text
    assert studio_traces(at) == []
    assert len(at.get("video")) == 2
    for video in at.get("video"):  # the copies kept on this computer, served by the studio
        assert "/media/" in video.proto.url and "heygen" not in video.proto.url.lower()
    assert first.id not in text and private.id not in text and review.token not in text


def test_changing_the_address_never_leaves_the_review_room(shared):
    review, _first, _second, private = shared
    at = room(review.token)
    at.query_params.pop("review")
    at.query_params["job"] = private.id
    at.run()
    assert [s.value for s in at.subheader] == ["Teaser A", "Teaser B"] and studio_traces(at) == []
    for page in ("pages/studio.py", "pages/videos.py", "pages/settings.py", "pages/batch.py", "pages/present.py"):
        # The session's navigation holds the review room alone: no other page can even be asked for
        # (a real browser asking for another address gets the room; see tests/browser/test_review_browser.py).
        with pytest.raises(ValueError, match=r"Known pages: \['Review'\]"):
            at.switch_page(page)
    at.query_params["review"] = "not-a-real-token-0123456789"
    at.run()
    assert "This link has expired" in page_text(at) and studio_traces(at) == []


@pytest.mark.parametrize("how", ["expired", "revoked", "unknown", "malformed"])
def test_a_closed_or_unknown_link_says_it_has_expired(shared, reviews, account, how):
    review, first, _second, _private = shared
    token = review.token
    if how == "expired":
        made = time.time() - 3600  # a link made an hour ago, for a minute
        token = reviews.create(account, [Item(first.id, "Old")], title="Old cut", expires_at=made + 60, now=made).token
    elif how == "revoked":
        reviews.revoke(review.id)
    elif how == "unknown":
        token = "Zz" * 16
    else:
        token = "<script>alert(1)</script>"
    at = room(token)
    assert [t.value for t in at.title] == ["This link has expired"]
    assert not at.get("video") and studio_traces(at) == []
    assert not at.text_area and not at.radio


def test_the_clients_decisions_reach_the_studios_history(shared, reviews):
    review, first, second, _private = shared
    at = room(review.token)
    at.text_input(key="review_name").input("Dana from Acme")
    at.radio(key="review_decision_0").set_value("approved")
    at = _send(at, 0)
    assert "Sent: Approved" in page_text(at)
    at.radio(key="review_decision_1").set_value("changes")
    at = _send(at, 1)  # no comment: refused, the choice kept
    assert "Say what should change" in page_text(at)
    assert at.radio(key="review_decision_1").value == "changes"
    at.text_area(key="review_comment_1").input("Use our new logo")
    at.text_input(key="review_moment_1").input("0:07")
    at = _send(at, 1)  # the video is 2 s long: refused, everything typed kept
    assert "past the end of the video, which is 0:02 long" in page_text(at)
    assert at.text_area(key="review_comment_1").value == "Use our new logo"
    assert at.text_input(key="review_moment_1").value == "0:07"
    at.text_input(key="review_moment_1").input("0:01")
    at = _send(at, 1)
    assert "Sent: Changes needed" in page_text(at)
    assert at.text_area(key="review_comment_1").value == ""  # sent: the form is empty, a second Send repeats nothing
    assert at.radio(key="review_decision_1").value is None
    latest = reviews.latest_decisions([first.id, second.id])
    assert latest[first.id].decision == "approved" and latest[first.id].who == "Dana from Acme"
    assert latest[second.id].decision == "changes" and latest[second.id].moment == 1
    visits = [e for e in reviews.events(review.id) if e.kind == "visit"]
    assert len(visits) == 1  # one visit per browser session, however many reruns

    studio = AppTest.from_file(APP, default_timeout=30)
    studio.run()
    studio.switch_page("pages/videos.py").run()
    assert not studio.exception
    table = studio.dataframe[0].value
    states = dict(zip(table["Title"], table["Review"]))
    assert states["Spring teaser"] == "Approved" and states["Summer teaser"] == "Changes needed"
    assert states["Board update"] == ""


def _send(at: AppTest, position: int) -> AppTest:
    forms = [b for b in at.button if b.label == "Send"]
    forms[position].click()
    at.run()
    assert not at.exception
    return at


def test_comments_are_stored_and_shown_exactly_as_written(shared, reviews):
    review, first, _second, _private = shared
    nasty = "**bold** <img src=x onerror=alert(1)> [link](http://evil.example) $x^2$ :material/delete:"
    reviews.decide(review, first.id, "changes", comment=nasty, who="<b>Eve</b>")
    at = room(review.token)
    markdown = [m.value for m in at.markdown if "Eve" in m.value]
    assert markdown and all(shown(m).count(nasty) == 1 or nasty not in shown(m) for m in markdown)
    line = next(m for m in markdown if "onerror" in m)
    assert shown(line).endswith(nasty)  # shown literally: every special character escaped
    assert "\\*\\*bold\\*\\*" in line and "\\<img" in line and "\\[link\\]" in line
    assert reviews.feedback([first.id])[first.id][0].comment == nasty  # stored as written


def test_the_video_panel_shows_the_clients_review(shared, reviews):
    review, first, _second, _private = shared
    reviews.decide(review, first.id, "changes", comment="Slower please", moment=3, who="Dana")
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["selected_job"] = first.id
    at.run()
    at.switch_page("pages/videos.py").run()
    assert not at.exception
    text = page_text(at)
    assert "Client review: Changes needed" in text and "Slower please" in text and "at 0:03" in text


def test_a_review_only_server_shows_nothing_but_review_rooms(shared, monkeypatch):
    review, _first, _second, private = shared
    monkeypatch.setenv("HEYGEN_STUDIO_REVIEW_ONLY", "1")
    process.reset()  # the settings are read once per process
    at = room(None, job=private.id)
    assert [t.value for t in at.title] == ["Open the address you were given"]
    assert studio_traces(at) == [] and not at.get("video")
    at = room(review.token)
    assert [s.value for s in at.subheader] == ["Teaser A", "Teaser B"] and studio_traces(at) == []


@pytest.mark.parametrize("stored", ["1e999", "-1e999", "-5", "1e300", "(0.0 / 0.0)", "'soon'"])
def test_a_stored_moment_that_is_not_one_breaks_no_page(shared, reviews, stored):
    review, first, _second, _private = shared
    reviews.comment(review, first.id, "Check the intro", moment=1, who="Dana")
    reviews.db.run(lambda c: query(c, f"UPDATE review_events SET moment = {stored}"), write=True)

    at = room(review.token)  # the review room
    assert not at.exception and "Check the intro" in page_text(at) and " at " not in page_text(at)

    studio = AppTest.from_file(APP, default_timeout=30)  # the Present page's card, with its Revoke button
    studio.run()
    studio.switch_page("pages/present.py").run()
    assert not studio.exception and "Campaign cuts" in page_text(studio)
    next(b for b in studio.button if b.label == "Revoke link").click().run()
    assert not studio.exception and reviews.get(review.id).state() == "revoked"

    panel = AppTest.from_file(APP, default_timeout=30)  # the video's panel
    panel.session_state["selected_job"] = first.id
    panel.run()
    panel.switch_page("pages/videos.py").run()
    assert not panel.exception and "Check the intro" in page_text(panel)


@pytest.mark.parametrize("typed", ["inf", "nan", "1e999", "-5", "99999:00"])
def test_a_moment_that_is_not_one_is_refused_and_the_form_kept(shared, reviews, typed):
    review, first, _second, _private = shared
    at = room(review.token)
    at.text_area(key="review_comment_0").input("Check the intro")
    at.text_input(key="review_moment_0").input(typed)
    at = _send(at, 0)
    assert at.error and ("not a moment" in at.error[0].value or "negative" in at.error[0].value
                         or "24 hours" in at.error[0].value)
    assert at.text_area(key="review_comment_0").value == "Check the intro"
    assert at.text_input(key="review_moment_0").value == typed
    assert reviews.feedback([first.id]) == {}


def test_past_the_limit_a_link_says_to_wait_and_keeps_what_was_typed(shared, reviews):
    review, first, second, _private = shared
    now = time.time()
    for n in range(30):
        reviews.comment(review, second.id, f"note {n}", now=now)
    at = room(review.token)
    at.radio(key="review_decision_0").set_value("changes")
    at.text_area(key="review_comment_0").input("Slower, please")
    at = _send(at, 0)
    assert "Wait a minute, then press Send again" in page_text(at)
    assert at.radio(key="review_decision_0").value == "changes"
    assert at.text_area(key="review_comment_0").value == "Slower, please"
    assert first.id not in reviews.feedback([first.id])



def test_each_refusal_is_said_plainly():
    def said(exc) -> str:
        return shown(refusal(exc))

    assert said(domain.CommentTooLong(2001)) == ("The comment is too long (2,001 characters; at most 2,000). "
                                                 "Shorten it, then press Send again.")
    assert "Wait a minute" in said(domain.TooManyMessages())
    assert "past the end of the video, which is 0:12 long" in said(domain.MomentError("0:20", "past_end", 12.4))
    assert "more than 24 hours" in said(domain.MomentError("99999:00", "too_long"))
    assert "cannot be negative" in said(domain.MomentError("-5", "negative"))
    assert "“*inf*” is not a moment" in said(domain.MomentError("*inf*", "not_finite"))
    assert "\\*inf\\*" in refusal(domain.MomentError("*inf*", "format"))  # what the client typed, escaped
    assert said(domain.ReviewError("The comment is empty.")) == "The comment is empty."
