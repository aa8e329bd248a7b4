"""A team server: the owner invites two members by name; each opens their own link once, is known by it
from then on, and their name is recorded on the videos they launch and the review decisions they send.
A browser without an invite sees nothing but the private page, and a revoked invite ends at once."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import reviews
from heygen.studio.access import MemberStore
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore

pytestmark = [pytest.mark.team, pytest.mark.timeout(300)]

KEY = "sk-browser-team-1a2b3c4d5e6f7a8b"
PRIVATE = "Open the address you were given"


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=60).start()
    yield sb
    sb.stop()


def _invite(page, base: str, name: str) -> str:
    page.goto(f"{base}/settings")
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("button", name="Make an invite link").click()
    link = page.locator("[data-testid=stCode]", has_text="invite=").last
    expect(link).to_be_visible()
    return link.inner_text().strip()


def _launch(page, look_id: str, script: str, screenshot) -> None:
    """Pick the look, type the script, generate: each step seen on the page before the next, as a person
    sees it (a failure keeps a screenshot of where it stopped)."""
    try:
        pick = page.locator(f".st-key-studio_av_pick_{look_id} button")
        pick.click()
        expect(pick).to_have_text("✓ Selected")
        box = page.get_by_role("textbox", name="Script", exact=True)
        box.fill(script)
        box.press("Control+Enter")
        expect(page.locator(".st-key-studio_summary")).to_contain_text(f"script of {len(script)} characters")
        page.get_by_role("button", name="Generate video").click()
        page.wait_for_url("**/videos**")
    except (AssertionError, PlaywrightError):
        screenshot(page, "launch-stopped")
        raise


def test_two_members_sign_in_with_their_invites_and_their_names_follow_their_work(
        streamlit_server, browser, page, own_sandbox, postgres_url, redis_url, screenshot):
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": own_sandbox.base_url,
                             "HEYGEN_STUDIO_DATABASE_URL": postgres_url, "HEYGEN_STUDIO_QUEUE_URL": redis_url})
    account = account_fingerprint(KEY, own_sandbox.base_url)
    look = Client(KEY, own_sandbox.base_url).avatars.looks(ownership="public", limit=1)[0]

    links = {name: _invite(page, base, name) for name in ("Dana", "Lee")}  # `page` is the owner's browser
    screenshot(page, "owner-invites")
    assert all("invite=" in link for link in links.values())

    members = {}
    for name, link in links.items():
        members[name] = browser.new_context()
        member = members[name].new_page()
        member.goto(link)
        expect(member.get_by_role("link", name="Settings")).to_be_visible()
        assert "invite=" not in member.url
        member.goto(base)  # known by the cookie from now on, without the link
        _launch(member, look.id, f"Hello from {name}.", screenshot)
        expect(member.get_by_text(f"by {name}").first).to_be_visible()
        expect(member.get_by_role("heading", name="Team members")).to_have_count(0)

    store = JobStore(postgres_url)
    made = {job.title: job.made_by for job in store.list(account)}
    assert sorted(made.values()) == ["Dana", "Lee"], made
    dana_job = next(job for job in store.list(account) if job.made_by == "Dana")

    review = reviews.ReviewStore(store.db).create(account, [reviews.Item(dana_job.id, "Dana's cut")],
                                                  title="Internal check", expires_at=time.time() + 3600)
    lee = members["Lee"].new_page()
    lee.goto(f"{base}/?review={review.token}")
    expect(lee.get_by_text("Deciding as Lee")).to_be_visible()
    lee.get_by_text("Approved", exact=True).click()
    lee.get_by_role("button", name="Send").click()
    # Two runs on a team server (PostgreSQL, a third browser) on two busy cores: over 15 s once (run P).
    expect(lee.get_by_text("Sent: Approved")).to_be_visible(timeout=45_000)
    (decision,) = reviews.ReviewStore(store.db).events(review.id, kinds=["decision"])
    assert decision.who == "Lee"

    stranger = browser.new_context()
    nobody = stranger.new_page()
    for path in ("/", "/settings", "/videos"):
        nobody.goto(base + path)
        expect(nobody.get_by_role("heading", name=PRIVATE)).to_be_visible()
    nobody.goto(links["Dana"].replace("invite=", "invite=x"))  # a made-up invite
    expect(nobody.get_by_text("That invite link is not valid")).to_be_visible()
    stranger.close()

    page.goto(f"{base}/settings")  # the owner revokes Lee
    page.locator(".st-key-team_member_" + next(m.id for m in _members(store) if m.name == "Lee")) \
        .get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Lee · revoked")).to_be_visible()
    lee.goto(f"{base}/settings")
    expect(lee.get_by_role("heading", name=PRIVATE)).to_be_visible()
    for context in members.values():
        context.close()
    store.close()


def _members(store: JobStore):
    return MemberStore(store.db).list()
