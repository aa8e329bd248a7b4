"""Settings → Webhooks (AppTest, the owner, a sandbox over real HTTP): the registered endpoint is shown
without its secret, and Rotate the signing secret gets a new one from HeyGen and keeps the old one for its
grace period; without a public address the section is not drawn."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from heygen.sandbox import Sandbox
from ui import process
from ui.text import md

KEY = "sk-webhooks-settings-0a1b2c3d4e5f6a7b"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sandbox():
    with Sandbox(api_key=KEY, render_seconds=1.0) as sb:
        yield sb


@pytest.fixture
def env(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("HEYGEN_API_KEY", KEY)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEYGEN_STUDIO_WORKER", "off")
    monkeypatch.setenv("HEYGEN_STUDIO_PUBLIC_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("HEYGEN_STUDIO_DATABASE_URL", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()
    yield sandbox
    process.reset()


def settings_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/settings.py").run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_the_owner_sees_the_endpoint_and_rotates_its_secret(env):
    found = process.webhooks()
    old = found.register()
    at = settings_page()
    assert "Webhooks" in [h.value for h in at.subheader]
    assert md(old.endpoint_id) in page_text(at) and old.secret not in page_text(at)
    next(b for b in at.button if b.label == "Rotate the signing secret").click().run()
    assert not at.exception
    assert any("The signing secret was rotated" in s.value for s in at.success)
    now = found.store.get(found.account)
    assert now.secret != old.secret and now.previous_secret == old.secret
    assert now.secret not in page_text(at)


def test_without_a_public_address_there_is_no_webhooks_section(env, monkeypatch):
    monkeypatch.delenv("HEYGEN_STUDIO_PUBLIC_URL")
    process.reset()
    at = settings_page()
    assert "Webhooks" not in [h.value for h in at.subheader]
