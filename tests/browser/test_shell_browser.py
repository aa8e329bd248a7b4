"""Smoke test in a real browser: the app starts with no key on its sandbox, every page opens cleanly."""

from __future__ import annotations

import re

from playwright.sync_api import expect

PAGES = ["Studio", "Prompt to video", "Videos", "Batch", "Settings"]


def test_sandbox_banner_and_every_page(streamlit_server, page, screenshot):
    url = streamlit_server()
    page.goto(url)
    expect(page.get_by_text("Sandbox — no real videos, no credits used").first).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for name in PAGES:
        expect(nav.get_by_text(name, exact=True)).to_be_visible()
    for name in PAGES:
        nav.get_by_text(name, exact=True).click()
        expect(page.get_by_role("heading", name=re.compile(name)).first).to_be_visible()
        expect(page.get_by_text("Sandbox — no real videos, no credits used").first).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
        screenshot(page, name.lower())
    assert "Traceback" not in page.content()


def test_direct_link_to_a_page_on_a_fresh_server_keeps_the_shell(streamlit_server, page):
    url = streamlit_server()
    page.goto(url + "/settings")
    expect(page.get_by_role("heading", name="Settings").first).to_be_visible()
    expect(page.get_by_text("Sandbox — no real videos, no credits used").first).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Batch", exact=True)).to_be_visible()
