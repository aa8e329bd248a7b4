"""In a real browser: pressing Enter in a review link's date opens the calendar below the field and leaves
the Create button uncovered and clickable; the link is made with the day and time chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heygen.studio.reviews import ReviewStore
from tests.browser.test_present_review_browser import pick, studio  # noqa: F401  (the fixture)

UNCOVERED = """() => {
  const button = [...document.querySelectorAll('button')].find(b => b.innerText.includes('Create review link'));
  const r = button.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.1, 0.5], [0.9, 0.5]].map(([x, y]) => [r.x + x * r.width, r.y + y * r.height]);
  return points.every(([x, y]) => button.contains(document.elementFromPoint(x, y)));
}"""


@pytest.mark.timeout(240)
def test_enter_in_the_date_leaves_the_create_button_free(studio, page, screenshot):  # noqa: F811
    url, store, _jobs, account = studio
    page.goto(f"{url}/present")
    pick(page, "present_jobs", ["Variant A"])
    page.get_by_role("button", name="Share for review").click()
    day = page.get_by_role("spinbutton", name="day, Link works until")
    day.click()
    day.press("Enter")
    calendar = page.get_by_role("grid")
    expect(calendar).to_be_visible()
    assert page.evaluate(UNCOVERED), "the calendar covers the Create button"
    hour = page.get_by_role("spinbutton", name="hour, Time")
    minute = page.get_by_role("spinbutton", name="minute, Time")
    hour.click()
    page.keyboard.type("10")
    minute.click()
    page.keyboard.type("30")
    minute.press("Enter")
    expect(hour).to_have_attribute("aria-valuenow", "10")
    expect(minute).to_have_attribute("aria-valuenow", "30")
    assert page.evaluate(UNCOVERED), "the list of times covers the Create button"
    screenshot(page, "date-and-time")
    page.get_by_role("button", name="Create review link").click()
    expect(page.get_by_text("Review link ready")).to_be_visible()
    expect(page.get_by_text("Open until").first).to_contain_text("10:30")
    (review,) = ReviewStore(store.db).list(account)
    assert review.title == "Variant A"
