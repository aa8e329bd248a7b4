"""Team sign-in with an identity provider (Streamlit's st.login, OpenID Connect), against a small local
provider: a verified address on the team list gets the studio as a member; any other address gets the
private page, signed in or not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

PRIVATE = "Open the address you were given"


@pytest.fixture
def provider():
    started = Provider().start()
    yield started
    started.stop()


@pytest.fixture
def studio(streamlit_server, provider, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-cookie-secret-0123456789abcdef"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    return streamlit_server({"HEYGEN_STUDIO_TEAM_EMAILS": "@team.example, boss@partner.example"},
                            args=("--secrets.files", str(secrets)))


def _sign_in(browser, base):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base)
    expect(page.get_by_role("heading", name=PRIVATE)).to_be_visible()
    page.get_by_role("button", name="Sign in with your work account").click()
    return context, page


def test_a_team_address_signs_in_as_a_member(browser, studio, provider, screenshot):
    provider.email, provider.name = "dana@team.example", "Dana Team"
    context, page = _sign_in(browser, studio)
    expect(page.get_by_role("link", name="Settings")).to_be_visible(timeout=30_000)
    assert provider.sign_ins == 1
    page.goto(f"{studio}/settings")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(page.get_by_role("heading", name="Team members")).to_have_count(0)  # the owner's section only
    screenshot(page, "member")
    context.close()


def test_an_address_off_the_list_stays_outside(browser, studio, provider, screenshot):
    provider.email, provider.name = "eve@elsewhere.example", "Eve"
    context, page = _sign_in(browser, studio)
    expect(page.get_by_text("not on this studio's team list")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    page.goto(f"{studio}/settings")
    expect(page.get_by_role("heading", name=PRIVATE)).to_be_visible()
    screenshot(page, "outsider")
    context.close()
