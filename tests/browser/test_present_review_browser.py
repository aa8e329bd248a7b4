"""In a real browser: three variants presented side by side with nothing of the studio around them; a
review link opened in a second browser, where the client approves one video and asks for changes on
another (the studio's history shows both); the link then revoked, and a link past its date."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.reviews import Item, ReviewStore
from tests.reviews.making import finished_video

KEY = "sk-browser-present-0123456789abcdef"
PLAYING = ("() => { const vs = [...document.querySelectorAll('video')];"
           " return vs.length === COUNT && vs.every(v => v.readyState >= 2 && v.duration > 0); }")


@pytest.fixture
def studio(tmp_path, streamlit_server):
    """A studio whose history holds three finished variants (files kept on disk); returns (url, store, jobs, account)."""
    sandbox = Sandbox(api_key=KEY, render_seconds=0.2).start()
    data = tmp_path / "studio-data"
    data.mkdir()
    account = account_fingerprint(KEY, sandbox.base_url)
    store = JobStore(data)
    with Client(KEY, sandbox.base_url) as client:
        jobs = [finished_video(client, store, account, data / "media", f"Variant {n}") for n in "ABC"]
    url = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                            "HEYGEN_STUDIO_DATA_DIR": str(data)})
    yield url, store, jobs, account
    store.close()
    sandbox.stop()


def pick(page, key: str, names) -> None:
    box = page.locator(f".st-key-{key} input")
    for name in names:
        box.click()
        box.fill(name)
        page.get_by_role("option", name=re.compile(f"^{re.escape(name)} ·")).click()
    page.keyboard.press("Escape")


@pytest.mark.timeout(240)
def test_three_variants_side_by_side(studio, page, screenshot):
    url, _store, jobs, _account = studio
    page.goto(f"{url}/present")
    expect(page.get_by_role("heading", name="Present")).to_be_visible()
    pick(page, "present_jobs", ["Variant A", "Variant B", "Variant C"])
    page.get_by_text("Side by side, to compare").click()
    page.get_by_role("button", name="Start presenting").click()
    for name in ("Variant A", "Variant B", "Variant C"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.wait_for_function(PLAYING.replace("COUNT", "3"))
    boxes = [page.locator("video").nth(n).bounding_box() for n in range(3)]
    assert len({round(b["y"]) for b in boxes}) == 1 and boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]  # one row
    expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()
    body = page.locator("body").inner_text()
    assert "Sandbox" not in body and "Account" not in body
    assert not any(job.id in body for job in jobs)  # (the players' /kept addresses name the files they stream)
    screenshot(page, "presenting")
    page.get_by_role("button", name="Exit").click()
    expect(page.get_by_role("button", name="Start presenting")).to_be_visible()


@pytest.mark.timeout(300)
def test_a_client_reviews_through_a_link_in_a_second_browser(studio, page, browser, screenshot):
    url, store, jobs, account = studio
    page.goto(f"{url}/present")
    pick(page, "present_jobs", ["Variant A", "Variant B"])
    # The run the second choice started has drawn the page (the share form then holds both videos);
    # a popover opened while that run was still drawing was seen to close again under load.
    expect(page.locator("[data-testid=stApp]")).to_have_attribute("data-test-script-state", "notRunning")
    title = page.get_by_label("Title the client sees")
    for _ in range(3):
        page.get_by_role("button", name="Share for review").click()
        try:
            expect(title).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            continue
    title.fill("Acme: spring cuts")
    page.get_by_role("button", name="Create review link").click()
    expect(page.get_by_text("Review link ready")).to_be_visible()
    link = page.locator("[data-testid=stCode] code").first.inner_text().strip()
    assert re.fullmatch(re.escape(url) + r"/\?review=[A-Za-z0-9_-]{32,}", link), link
    page.keyboard.press("Escape")

    # The client's browser is elsewhere: it reaches the studio through a proxy (as a tunnel or a shared
    # server would pass it on), so it is not this computer's own browser.
    client = browser.new_context(viewport={"width": 1280, "height": 1600},
                                 extra_http_headers={"X-Forwarded-For": "203.0.113.7"})
    room = client.new_page()
    room.goto(link)
    expect(room.get_by_role("heading", name="Acme: spring cuts")).to_be_visible()
    expect(room.get_by_role("heading", name="Variant A")).to_be_visible()
    expect(room.get_by_role("heading", name="Variant C")).to_have_count(0)
    room.wait_for_function(PLAYING.replace("COUNT", "2"))
    room.get_by_label("Your name").fill("Dana from Acme")
    room.get_by_label("Your name").press("Enter")
    forms = room.locator("[data-testid=stForm]")
    forms.nth(0).get_by_text("Approved", exact=True).click()
    forms.nth(0).get_by_role("button", name="Send").click()
    expect(room.get_by_text("Sent: Approved. Thank you.")).to_be_visible()
    forms = room.locator("[data-testid=stForm]")
    forms.nth(1).get_by_text("Changes needed", exact=True).click()
    forms.nth(1).get_by_label("Comment").fill("Please say **Acme** <b>louder</b>")
    forms.nth(1).get_by_label("At a moment of the video (optional)").fill("0:03")
    forms.nth(1).get_by_role("button", name="Send").click()
    expect(room.get_by_text("Sent: Changes needed. Thank you.")).to_be_visible()
    screenshot(room, "client")

    # The client cannot reach anything else by changing the address (each load is a new session).
    for address in (f"{url}/settings", f"{url}/videos?job={jobs[2].id}", f"{url}/"):
        room.goto(address)
        expect(room.get_by_role("heading", name="Open the address you were given")).to_be_visible()
        expect(room.locator("video")).to_have_count(0)
        expect(room.locator("[data-testid=stSidebarNav]")).to_have_count(0)
    for address in (f"{link}&job={jobs[2].id}", f"{url}/batch?review={link.rsplit('=', 1)[1]}"):
        room.goto(address)
        expect(room.get_by_role("heading", name="Acme: spring cuts")).to_be_visible()
        expect(room.get_by_role("heading", name="Variant A")).to_be_visible()
        expect(room.get_by_role("heading", name="Variant C")).to_have_count(0)
        assert "API key" not in room.locator("body").inner_text()
        expect(room.locator("[data-testid=stSidebarNav]")).to_have_count(0)

    page.goto(f"{url}/videos")
    expect(page.locator("[role=gridcell]", has_text="Approved")).to_have_count(1)
    expect(page.locator("[role=gridcell]", has_text="Changes needed")).to_have_count(1)
    screenshot(page, "history")
    decisions = ReviewStore(store.db).latest_decisions([j.id for j in jobs])
    assert decisions[jobs[0].id].decision == "approved" and decisions[jobs[0].id].who == "Dana from Acme"
    assert decisions[jobs[1].id].comment == "Please say **Acme** <b>louder</b>"

    page.goto(f"{url}/present")
    page.get_by_role("button", name="Revoke link").click()
    expect(page.get_by_text("Revoked")).to_be_visible()
    room.reload()
    expect(room.get_by_role("heading", name="This link has expired")).to_be_visible()
    expect(room.locator("video")).to_have_count(0)
    client.close()


@pytest.mark.timeout(180)
def test_a_link_past_its_date_has_expired(studio, browser, screenshot):
    url, store, jobs, account = studio
    made = time.time() - 3600  # a link made an hour ago, for a minute
    review = ReviewStore(store.db).create(account, [Item(jobs[0].id, "Variant A")], title="Old cut",
                                          expires_at=made + 60, now=made)
    client = browser.new_context()
    room = client.new_page()
    room.goto(f"{url}/?review={review.token}")
    expect(room.get_by_role("heading", name="This link has expired")).to_be_visible()
    expect(room.get_by_text("Ask the person who sent it to you for a new link.")).to_be_visible()
    expect(room.locator("video")).to_have_count(0)
    screenshot(room, "expired")
    client.close()
