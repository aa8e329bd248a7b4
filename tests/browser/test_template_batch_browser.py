"""A batch from a HeyGen template in a real browser: two of the template's variables taken from CSV columns,
every row checked, the sample rendered and approved, then every row rendered once, against a sandbox that
records every template render the studio asks for."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from heygen.sandbox import Sandbox
from tests.support import stays_unchanged

KEY = "sk-browser-template-batch-0123456789"
PEOPLE = [("Ana", "Contoso"), ("Ben", "Fabrikam"), ("Chloe", "Tailspin")]
TEMPLATE = "tpl_customer_welcome"


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=2).start()
    yield sb
    sb.stop()


def renders(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == f"/v3/templates/{TEMPLATE}"]


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


@pytest.mark.timeout(240)
def test_a_template_batch_with_two_variables_from_csv_columns(streamlit_server, page, screenshot, tmp_path,
                                                               sandbox):
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                             "HEYGEN_POLL_SECONDS": "1"})
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("first_name,company\n" + "".join(f"{n},{c}\n" for n, c in PEOPLE), encoding="utf-8")

    page.goto(f"{base}/batch")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(contacts))
    expect(page.get_by_text("3 rows", exact=False).first).to_be_visible()
    page.get_by_text("Use a HeyGen template", exact=True).click()
    assert renders(sandbox) == [] and not [e for e in sandbox.requests_log() if e["path"] == "/v3/templates"]
    page.get_by_role("button", name="Load templates").click()
    choose(page, "Template", "Customer welcome")
    # The template's first_name and company variables take the file's columns of the same names.
    expect(page.get_by_role("combobox", name="first_name · Text")).to_have_value("Column “first_name”")
    expect(page.get_by_role("combobox", name="company · Text")).to_have_value("Column “company”")
    title = page.get_by_label("Video title", exact=True)
    title.fill("Welcome {{first_name}}")
    title.press("Enter")
    expect(page.get_by_test_id("stMetricValue").filter(has_text="3 of 3")).to_be_visible(timeout=30_000)
    screenshot(page, "setup")

    page.get_by_role("button", name="Render the sample (row 1)").click()
    approve = page.get_by_role("button", name="Looks good — render the other 2")
    expect(approve).to_be_visible(timeout=60_000)
    expect(page.locator("video").first).to_be_visible()
    assert len(renders(sandbox)) == 1
    screenshot(page, "sample")

    approve.click()
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("HeyGen template Customer welcome")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Ready").get_by_test_id("stMetricValue")).to_have_text("3")
    screenshot(page, "finished")

    posts = renders(sandbox)
    assert set(Counter(e["idempotency_key"] for e in posts).values()) == {1} and len(posts) == 3
    sent = sorted((e["request_json"]["variables"]["first_name"]["properties"]["content"],
                   e["request_json"]["variables"]["company"]["properties"]["content"],
                   e["request_json"]["title"]) for e in posts)
    assert sent == sorted((n, c, f"Welcome {n}") for n, c in PEOPLE)
    assert all(e["status"] == 200 for e in posts)
    stays_unchanged(lambda: len(renders(sandbox)), seconds=3, message="a finished batch rendered another video")
    assert KEY not in page.content()
