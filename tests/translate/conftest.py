"""Fixtures of the translation page tests: a sandbox with finished videos made elsewhere, the app pointed at it
(no background worker: HEYGEN_STUDIO_WORKER=off comes from tests/conftest.py), and a private data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
import streamlit as st

from ui import process
from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore

APP_KEY = "sk-translate-apptest-0123456789abcdef"


@pytest.fixture(scope="module")
def app_sandbox():
    sb = Sandbox(api_key=APP_KEY, render_seconds=0.5, elsewhere_videos=2, max_concurrent_renders=None).start()
    yield sb
    sb.stop()


@pytest.fixture
def env(app_sandbox, tmp_path, monkeypatch):
    app_sandbox.reset()
    app_sandbox.clear_faults()
    app_sandbox.configure(render_seconds=0.5, render_outcome="complete", latency_ms=0)
    requests.post(f"{app_sandbox.base_url}/_sandbox/translations", timeout=5,
                  json={"fail_languages": [], "malformed_srt_languages": [], "proofread_seconds": 0.2})
    monkeypatch.setenv("HEYGEN_API_KEY", APP_KEY)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", app_sandbox.base_url)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.5")
    assert os.environ.get("HEYGEN_STUDIO_WORKER") == "off"
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()
    yield app_sandbox
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()


@pytest.fixture
def app_store(env):
    with JobStore(Path(os.environ["HEYGEN_STUDIO_DATA_DIR"])) as store:
        yield store


@pytest.fixture
def app_account(env):
    return account_fingerprint(APP_KEY, env.base_url)
