"""The history opens the video the user clicked, and that video stays open when the list under it
changes (a search cleared, new videos arriving at the top).

AppTest cannot click a table row, so ``Browser`` does what the browser does: a click sends the
table's selection, and every later run sends it again for as long as the same table (the same
element) is on the page; a table drawn under another key starts with no selection.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from heygen import VideoSpec
from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job
from ui import process

KEY = "sk-history-follows-0123456789abcdef"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.5).start()
    yield sb
    sb.stop()


@pytest.fixture
def env(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("HEYGEN_API_KEY", KEY)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()
    yield sandbox
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()


@pytest.fixture
def make(env, tmp_path):
    """make(title) -> a job in the history (made through the Studio's own bookkeeping, not sent)."""
    store = JobStore(tmp_path)
    account = account_fingerprint(KEY, env.base_url)

    def one(title: str):
        spec = VideoSpec(avatar_id="look-1", voice_id="voice-1", script=f"{title} says hello.", title=title)
        return create_job(store, account=account, spec=spec)

    return one


class Browser:
    """The Videos page in AppTest, with the table's row selection kept as the browser keeps it."""

    def __init__(self) -> None:
        self.at = AppTest.from_file(APP, default_timeout=30)
        self.at.run()
        self.at.switch_page("pages/videos.py").run()
        self._selection: tuple[str, int] | None = None  # (table element id, row)

    def _table(self):
        return self.at.dataframe[0] if self.at.dataframe else None

    def run(self) -> "Browser":
        states = self.at._tree.get_widget_states()
        table = self._table()
        if self._selection and table is not None and table.proto.id == self._selection[0]:
            state = states.widgets.add()
            state.id = self._selection[0]
            state.string_value = json.dumps({"selection": {"rows": [self._selection[1]], "columns": []}})
        elif self._selection:
            self._selection = None  # that table left the page: a new one starts with nothing selected
        self._run(states)
        return self

    def _run(self, states: WidgetStates) -> None:
        self.at._run(states)
        assert not self.at.exception, self.at.exception

    def click_row(self, row: int) -> "Browser":
        self._selection = (self._table().proto.id, row)
        return self.run()

    def search(self, text: str) -> "Browser":
        self.at.text_input(key="history_search").set_value(text)
        return self.run()

    def titles(self) -> list[str]:
        return list(self._table().value["Title"])

    def open_job(self) -> str | None:
        value = self.at.query_params.get("job")
        return value[0] if isinstance(value, list) else value


def test_clearing_the_search_keeps_the_opened_video_open(make):
    alpha = make("Alpha")
    bravo = make("Bravo")  # the newest: row 0 of the full list
    page = Browser()
    assert page.titles()[:2] == ["Bravo", "Alpha"]
    page.search("Alpha")
    assert page.titles() == ["Alpha"]
    page.click_row(0)
    assert page.open_job() == alpha.id
    assert page.at.session_state["selected_job"] == alpha.id

    page.search("")  # Bravo is row 0 again, the browser still sends "row 0 selected" if it is the same table
    assert page.titles()[:2] == ["Bravo", "Alpha"]
    assert page.open_job() == alpha.id, "the panel jumped to the video now in the clicked row"
    assert page.at.session_state["selected_job"] == alpha.id
    page.run()  # and it stays there
    assert page.open_job() == alpha.id
    assert bravo.id != alpha.id


def test_a_new_video_at_the_top_leaves_the_open_one_open(make):
    alpha = make("Alpha")
    page = Browser()
    page.click_row(0)
    assert page.open_job() == alpha.id
    make("Charlie")  # arrives at the top while Alpha's panel is open
    page.run()
    assert page.titles()[:2] == ["Charlie", "Alpha"]
    assert page.open_job() == alpha.id
    page.run()
    assert page.open_job() == alpha.id


def test_a_click_on_another_row_opens_that_video(make):
    alpha = make("Alpha")
    bravo = make("Bravo")
    page = Browser()
    page.click_row(1)
    assert page.open_job() == alpha.id
    page.click_row(0)
    assert page.open_job() == bravo.id
