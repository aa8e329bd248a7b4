"""The app shell in AppTest: sandbox banner, account panel with a key, a rejected key, a bad server address."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from heygen.sandbox import Sandbox
from heygen.studio import worker as background
from heygen.studio.config import account_fingerprint
from tests.support import shown
from ui import process

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
KEY = "sk-shell-apptest-0123456789abcdef"


@pytest.fixture
def clean(monkeypatch, tmp_path):
    for name in ("HEYGEN_API_KEY", "HEYGEN_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()
    yield monkeypatch
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()


@pytest.fixture(scope="module")
def remote():
    with Sandbox(api_key=KEY) as sb:
        yield sb


def sidebar_text(at: AppTest) -> str:
    return "\n".join(shown(str(e.value)) for e in (*at.sidebar.markdown, *at.sidebar.caption, *at.sidebar.error,
                                             *at.sidebar.warning))


# AppTest starts every run in Streamlit's legacy pages-folder mode, where a switched-to page runs
# without the entry point; the shell (banner, account panel) is therefore checked on the default
# page, which always runs through the entry point.
def run_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def test_no_key_runs_on_the_sandbox_with_its_banner(clean):
    at = run_page("")
    assert any("Sandbox — no real videos, no credits used" in i.value for i in at.info)
    assert "Sandbox" in sidebar_text(at)
    settings = run_page("pages/settings.py")
    assert any("built-in sandbox" in i.value for i in settings.info)


def test_key_from_environment_shows_name_and_balance(clean, remote):
    clean.setenv("HEYGEN_API_KEY", KEY)
    clean.setenv("HEYGEN_API_BASE_URL", remote.base_url)
    at = run_page("")
    text = sidebar_text(at)
    assert "Sandbox User" in text and "$120.00 left" in text
    assert not any("Sandbox — no real videos" in i.value for i in at.info)
    settings = run_page("pages/settings.py")
    assert any("environment variable" in s.value for s in settings.success)


def test_rejected_key_is_explained_in_the_account_panel(clean, remote):
    clean.setenv("HEYGEN_API_KEY", "sk-revoked-" + "1" * 20)
    clean.setenv("HEYGEN_API_BASE_URL", remote.base_url)
    at = run_page("")
    text = sidebar_text(at)
    assert "did not accept the API key" in text
    assert "sk-revoked-" not in text


def test_key_from_secrets_wins_over_sandbox(clean, remote):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["HEYGEN_API_KEY"] = KEY
    at.secrets["HEYGEN_API_BASE_URL"] = remote.base_url
    at.run()
    assert "$120.00 left" in sidebar_text(at)
    at.switch_page("pages/settings.py").run()
    assert any("secrets.toml" in s.value for s in at.success)


def test_settings_checks_a_pasted_key_before_using_it(clean, remote):
    clean.setenv("HEYGEN_API_BASE_URL", remote.base_url)
    at = run_page("pages/settings.py")
    at.text_input[0].input("sk-wrong-" + "2" * 20)
    at.button[0].click()
    at.run()
    assert any("did not accept the API key" in e.value for e in at.error)
    at.text_input[0].input(KEY)
    at.button[0].click()
    at.run()
    assert any("Connected as" in s.value for s in at.success)
    assert any("pasted on this page" in s.value for s in at.success)


def test_forgetting_the_pasted_key_forgets_it_everywhere_in_the_process(clean, remote):
    clean.setenv("HEYGEN_API_BASE_URL", remote.base_url)
    clean.setenv("HEYGEN_STUDIO_WORKER", "on")  # the in-process worker, which is told the pasted key's account
    at = run_page("pages/settings.py")
    at.text_input[0].input(KEY)
    at.button[0].click()
    at.run()
    at.switch_page("streamlit_app.py").run()  # the entry point's run tells the worker the session's account
    account = account_fingerprint(KEY, remote.base_url)
    assert background.accounts.get(account) is not None  # the worker acts for the pasted key's account
    at.switch_page("pages/settings.py").run()
    next(b for b in at.button if b.label == "Forget the pasted key").click().run()
    assert not at.exception
    assert background.accounts.get(account) is None  # the worker no longer holds a client with that key
    assert not [k for k in process._clients if k[0] == account]  # nor does any page's client
    assert any("built-in sandbox" in i.value for i in at.info)


def test_malformed_server_address_is_explained_not_crashed(clean):
    clean.setenv("HEYGEN_API_KEY", KEY)
    clean.setenv("HEYGEN_API_BASE_URL", "ftp://nowhere")
    at = run_page("")
    assert any("HEYGEN_API_BASE_URL" in shown(e.value) for e in at.error)


def test_an_unreadable_job_history_is_explained_not_crashed(clean, tmp_path):
    (tmp_path / "jobs.sqlite3").write_bytes(b"this is not a database" * 100)
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/videos.py").run()
    assert not at.exception
    assert any("jobs.sqlite3" in shown(e.value) for e in at.error)
