"""Settings in a real browser: a pasted key is checked first, used for the session, and never shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heygen.sandbox import Sandbox

KEY = "sk-browser-settings-0123456789abcdef"


@pytest.fixture
def remote():
    with Sandbox(api_key=KEY, username="Dana Marketer") as sb:
        yield sb


def test_pasted_key_is_checked_then_used_and_never_echoed(remote, streamlit_server, page, screenshot):
    url = streamlit_server({"HEYGEN_API_BASE_URL": remote.base_url})
    page.goto(url + "/settings")
    expect(page.get_by_text("built-in sandbox").first).to_be_visible()
    field = page.get_by_label("API key", exact=True)
    field.fill("sk-wrong-" + "0" * 20)
    page.get_by_role("button", name="Check and use this key").click()
    expect(page.get_by_text("HeyGen did not accept the API key.").first).to_be_visible()
    assert "sk-wrong-" not in page.content()
    field.fill(KEY)
    page.get_by_role("button", name="Check and use this key").click()
    expect(page.get_by_text("Connected as").first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("$120.00 left")).to_be_visible()
    expect(page.get_by_text("Sandbox — no real videos, no credits used")).to_have_count(0)
    screenshot(page, "connected")
    assert KEY not in page.content()
    assert page.get_by_label("API key", exact=True).input_value() == ""
    assert all(KEY not in entry["path"] for entry in remote.requests_log())
