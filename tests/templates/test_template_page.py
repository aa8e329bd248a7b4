"""The Templates page in AppTest against the sandbox over real HTTP: nothing is asked of HeyGen until the
user loads the templates, each variable gets an input by its type, bad values get clear messages and
nothing is sent, and Generate records and sends the job once, then opens its status panel."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio import templates
from tests.support import app_on, shown
from ui import template_form as form

REPO = Path(__file__).resolve().parents[2]
API_KEY = "sk-template-page-0123456789abcdef"
LAUNCH = "tpl_product_launch"

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=1.0).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _env(sandbox, tmp_path, monkeypatch):
    sandbox.reset()
    sandbox.clear_faults()
    with app_on(sandbox, API_KEY, monkeypatch, tmp_path / "studio-data"):
        yield


def calls(sandbox, method, prefix):
    return [e for e in sandbox.requests_log() if e["method"] == method and e["path"].startswith(prefix)]


def field_errors(at) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", shown(str(m.value)))) for m in at.markdown
            if "hg-field-error" in str(m.value)]


def jobs(sandbox):
    with JobStore(Path(os.environ["HEYGEN_STUDIO_DATA_DIR"])) as store:
        return store.list(account_fingerprint(API_KEY, sandbox.base_url))


def opened(sandbox, template_id=LAUNCH) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/templates.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert calls(sandbox, "GET", "/v3/templates") == []  # a page run asks HeyGen nothing
    at.button(key=f"{form.CHOSEN}_load").click().run()
    at.selectbox(key=form.CHOSEN).select(template_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def key(name, template_id=LAUNCH):
    return f"{form.P}_{template_id}_{name}"


def test_each_variable_gets_an_input_by_its_type_and_reruns_ask_heygen_nothing(sandbox):
    at = opened(sandbox)
    assert at.text_area(key=key("product")) and at.text_area(key=key("headline"))
    assert at.text_input(key=key("backdrop")) and at.text_input(key=key("demo")) and at.text_input(key=key("music"))
    assert len([u for u in at.get("file_uploader") if (u.key or "").startswith(form.P)]) == 3
    presenter = at.selectbox(key=key("presenter"))
    narrator = at.selectbox(key=key("narrator"))
    assert len(presenter.options) > 1 and len(narrator.options) > 1
    before = len(calls(sandbox, "GET", "/v3/templates"))
    at.text_area(key=key("headline")).input("Fast.").run()
    assert len(calls(sandbox, "GET", "/v3/templates")) == before == 2  # the list and the chosen template, once


def test_bad_values_get_clear_messages_and_nothing_is_sent(sandbox):
    at = opened(sandbox)
    at.text_area(key=key("headline")).input("x" * (templates.TEXT_MAX + 5)).run()
    at.text_input(key=key("backdrop")).input("backdrop.jpg").run()
    at.button(key="tplf_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    messages = field_errors(at)
    assert "“product” has no default in the template: give it a value." in messages
    assert any(m.startswith("“headline” is 1,005 characters; a text variable takes at most 1,000.") for m in messages)
    assert "“backdrop” needs a link to the image starting with https:// (got “backdrop.jpg”)." in messages
    assert calls(sandbox, "POST", "/v3/templates") == [] and jobs(sandbox) == []


def test_generate_records_the_job_sends_it_once_and_opens_its_panel(sandbox):
    at = opened(sandbox)
    at.text_area(key=key("product")).input("Lumen").run()
    at.text_input(key=form.TITLE).input("Lumen launch").run()
    at.button(key="tplf_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (job,) = jobs(sandbox)
    assert job.kind == "template" and job.title == "Lumen launch" and job.video_id
    (post,) = calls(sandbox, "POST", f"/v3/templates/{LAUNCH}")
    assert post["request_json"]["variables"] == {"product": {"type": "text", "properties": {"content": "Lumen"}}}
    assert [t.value for t in at.title][:1] == ["Videos"]


def test_edit_and_retry_fills_the_form_from_the_job_without_asking_heygen_again(sandbox):
    at = opened(sandbox)
    at.text_area(key=key("product")).input("Lumen").run()
    at.text_input(key=form.TITLE).input("Lumen launch").run()
    at.button(key="tplf_generate").click().run()
    (job,) = jobs(sandbox)
    asked = len(calls(sandbox, "GET", "/v3/templates"))
    at.session_state[form.FORM.keys.prefill] = job.id  # what Edit & retry asks (nav.edit_job)
    at.switch_page("pages/templates.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert form.FORM.keys.prefill not in at.session_state
    assert at.text_area(key=key("product")).value == "Lumen"
    assert at.text_input(key=form.TITLE).value == "Lumen launch"
    assert len(calls(sandbox, "GET", "/v3/templates")) == asked  # the template's variables were kept
