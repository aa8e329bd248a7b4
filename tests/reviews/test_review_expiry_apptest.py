"""A review link's expiry is a day and a time (AppTest on the Present page): end of day by default, any
day and time chosen, and a moment already past refused with a clear message, nothing made."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from streamlit.testing.v1 import AppTest

from heygen.studio.reviews import ReviewStore
from tests.reviews.conftest import APP
from ui.reviews_panel import DEFAULT_DAYS


def share_form(*jobs) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/present.py").run()
    at.multiselect(key="present_jobs").set_value([j.id for j in jobs]).run()
    assert not at.exception
    return at


def create(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Create review link").click().run()
    assert not at.exception
    return at


def test_by_default_a_link_works_until_the_end_of_its_last_day(finished, store, account):
    at = share_form(finished("Cut 1"))
    assert at.time_input(key="review_until_time").value == time(23, 59)
    create(at)
    (review,) = ReviewStore(store.db).list(account)
    last_day = date.today() + timedelta(days=DEFAULT_DAYS)
    assert review.expires_at == datetime.combine(last_day, time(23, 59)).timestamp()
    shown = " ".join(str(m.value) for m in at.markdown)
    assert f"Open until {last_day.day} {last_day.strftime('%b %Y')}, 23:59" in shown


def test_a_day_and_a_time_can_be_chosen(finished, store, account):
    at = share_form(finished("Cut 1"))
    day = date.today() + timedelta(days=3)
    at.date_input(key="review_until").set_value(day)
    at.time_input(key="review_until_time").set_value(time(9, 30))
    create(at.run())
    (review,) = ReviewStore(store.db).list(account)
    assert review.expires_at == datetime.combine(day, time(9, 30)).timestamp()


def test_a_moment_already_past_is_refused_and_nothing_is_made(finished, store, account):
    at = share_form(finished("Cut 1"))
    at.date_input(key="review_until").set_value(date.today())
    at.time_input(key="review_until_time").set_value(time(0, 0))
    create(at.run())
    assert ReviewStore(store.db).list(account) == []
    errors = " ".join(str(e.value) for e in at.error) + " ".join(str(m.value) for m in at.markdown)
    assert "in the past; choose a later day or time" in errors
    assert at.text_input(key="review_title").value == "Cut 1", "what was typed is kept"
