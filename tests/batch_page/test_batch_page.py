"""The Batch page driven through AppTest against a sandbox over real HTTP: the contacts file and its
refusals, the template and its placeholders, the row checks, the sample, the capped run with its
stops (402, 429, pause), resuming after a restart, retrying failed rows, and the exports.

The page only reads the store; the tests step a real background worker (tests.support.Worker) where the
app's own would send the rows and watch their renders."""

from __future__ import annotations

import csv
import io
import time

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from heygen.studio.batch import idempotency_key
from heygen.studio.jobs import default_data_dir
from tests.support import Worker, wait_for
from tests.batch_page.page_helpers import (
    API_KEY,
    APP,
    errors,
    has_button,
    metric,
    open_page,
    posts_per_key,
    restart,
    run,
    shown,
    step,
    table_with,
    text,
    tick_until,
    upload,
    video_posts,
)

GOOD_CSV = (
    "\ufefffirst_name;company;note\r\n"
    'Ana;"North; South Traders";"Met at the fair,\r\nsaid hi"\r\n'
    "Ben;Harbour;=1+1\r\n"
    "Chloe;Orchard;ok\r\n"
).encode("utf-8")
SCRIPT = "Hi {{first_name}}! A short hello to everyone at {{company}}."


# -- helpers --------------------------------------------------------------------------------------


def _lists_kept() -> bool:
    """Whether the app has fetched both lists (it keeps them in its data folder then)."""
    return any((default_data_dir() / "catalogues").glob("catalogue-*.json"))


def contacts(n: int, *, extra: str = "") -> bytes:
    names = ["Ana", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gia", "Hugo", "Ivy", "Jon"]
    lines = ["first_name,company,note" + extra]
    for i in range(1, n + 1):
        note = "=HYPERLINK(\"x\")" if i == 2 else f"note {i}"
        lines.append(f'{names[(i - 1) % len(names)]} {i},"Company {i}, Ltd","{note.replace(chr(34), chr(34) * 2)}"')
    return ("\n".join(lines) + "\n").encode()


def fill_template(at, look_id: str, *, script: str = SCRIPT, title: str = "For {{first_name}}"):
    at.text_area(key="batch_script").input(script)
    at.text_input(key="batch_title").input(title)
    run(at)
    at.button(key=f"batch_av_pick_{look_id}").click()
    return run(at)


def check_rows_shown(at):
    return table_with(at, "Check")


def start_sample(at):
    at.button(key="batch_start_sample").click()
    run(at)
    batch_id = at.query_params.get("batch")
    assert batch_id, "the open batch is in the URL"
    return batch_id


def ready_batch(cat, n: int = 4, *, concurrency: int | None = None):
    """A session with ``n`` contacts, a template, an avatar and voice, the checks passed."""
    at = open_page()
    upload(at, contacts(n))
    fill_template(at, cat[0][0])
    if concurrency is not None:
        at.number_input(key="batch_concurrency").set_value(concurrency)
        run(at)
    assert metric(at, "Ready rows") == f"{n} of {n}"
    return at


def through_sample(at, worker):
    """Render and approve the sample; returns the batch id."""
    batch_id = start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    assert at.get("video"), "the finished sample plays in the page"
    at.button(key="batch_approve").click()
    run(at)
    return batch_id


def results(at):
    return table_with(at, "Status")


@pytest.fixture
def downloads(monkeypatch):
    """Bytes handed to Streamlit's media storage by download buttons, by file name."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


# -- 1 · contacts ---------------------------------------------------------------------------------


def test_upload_with_bom_semicolons_and_quotes_shows_every_row():
    at = upload(open_page(), GOOD_CSV)
    table = table_with(at, "first_name")
    assert list(table.columns) == ["first_name", "company", "note"]
    assert table["company"].tolist() == ["North; South Traders", "Harbour", "Orchard"]
    assert table["note"].tolist() == ["Met at the fair,\r\nsaid hi", "=1+1", "ok"]
    assert "3 rows" in text(at)
    assert not at.error
    assert at.text_area(key="batch_script") is not None, "step 2 opens once the contacts are in"


def test_the_lists_load_while_the_contacts_are_chosen(sandbox):
    def listed() -> int:
        return sum(1 for e in sandbox.requests_log()
                   if e["method"] == "GET" and e["path"].startswith(("/v3/avatars", "/v3/voices")))

    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/batch.py").run()  # opened by its own address: the Studio never ran
    assert not at.exception, [e.value for e in at.exception]
    assert "Upload your contacts" in text(at)
    assert not [t for t in at.text_area if t.key == "batch_script"], "step 2 waits for the contacts"
    wait_for(lambda: listed() > 0, timeout=30, message="the page never started loading the lists")
    wait_for(lambda: _lists_kept(), timeout=60, message="the lists were never all fetched")
    before = listed()
    at = upload(at, GOOD_CSV)
    assert at.text_area(key="batch_script") is not None
    assert listed() == before, "step 2 uses the lists fetched while the contacts were chosen"


def test_pasted_csv_is_used_like_a_file():
    at = open_page()
    at.segmented_control(key="batch_input_mode").set_value("paste")
    run(at)
    at.text_area(key="batch_paste").input("first_name,company\nAna,Acme\nBen,Harbour\n")
    at.button(key="batch_use_paste").click()
    run(at)
    table = table_with(at, "first_name")
    assert table["first_name"].tolist() == ["Ana", "Ben"]
    assert "pasted text" in text(at)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("first_name,city\nZoë,Köln\n".encode("latin-1"), "The file is not UTF-8 text: line 2"),
        (b"first_name,company,note\nAna,Acme,hi\nBen,Harbour\n", "Line 3 has 2 values but the header has 3 columns"),
        (b"", "The file is empty."),
        (b"first_name,company\n", "The file has column names but no rows."),
        (b"first_name\n" + b"".join(b"P%d\n" % i for i in range(10_000)),
         "The file has more than 1,000 rows (reading stopped at row 1,001, on line 1,002); a batch takes at most 1,000"),
        (b"first_name\n" + b"Ana\n" * 3_000_000,
         "The file is 11.5 MB; a batch's contacts can be at most 5 MB. Check that this is the right file"),
        (b"first_name,note\nAna,hi\nBen," + b"x" * 200_000 + b"\n",
         "Row 2 (line 3) has a cell longer than 128 KiB, more than a cell can hold."),
    ],
    ids=["bad-encoding", "ragged", "empty", "header-only", "10000-rows", "over-5-mb", "long-cell"],
)
def test_refusals_say_why_and_keep_the_upload(data, message):
    at = upload(open_page(), data, name="people.csv")
    assert message in errors(at)
    assert "This file cannot be used" in errors(at)
    assert at.get("file_uploader")[0].value is not None, "the upload is kept"
    assert at.get("file_uploader")[0].value.name == "people.csv"
    assert not [t for t in at.text_area if t.key == "batch_script"], "no template before a usable file"
    assert not at.exception


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("first_name\n" + "Ana\n" * 1_500_000, "The pasted text is 5.8 MB; a batch's contacts can be at most 5 MB."),
        ("first_name\n" + "Ana\n" * 1_200, "The file has more than 1,000 rows (reading stopped at row 1,001"),
        ('first_name,note\nAna,"hi\n' + "Ben,ok\n" * 30_000, "Row 1 (line 2) has a cell longer than 128 KiB"),
    ],
    ids=["over-5-mb", "too-many-rows", "open-quote"],
)
def test_a_refused_paste_says_why_and_stays_in_its_box(pasted, message):
    at = open_page()
    at.segmented_control(key="batch_input_mode").set_value("paste")
    run(at)
    at.text_area(key="batch_paste").input(pasted)
    at.button(key="batch_use_paste").click()
    run(at)
    assert message in errors(at)
    assert at.text_area(key="batch_paste").value == pasted, "the pasted text is kept to be fixed"
    assert not [t for t in at.text_area if t.key == "batch_script"], "no template before usable contacts"
    at.text_area(key="batch_paste").input("first_name\nAna\n")  # shortened: used at once
    at.button(key="batch_use_paste").click()
    run(at)
    assert not at.error
    assert table_with(at, "first_name")["first_name"].tolist() == ["Ana"]


# -- 2 · template ---------------------------------------------------------------------------------


def test_placeholder_chips_append_to_script_or_title_and_the_preview_follows(cat):
    at = upload(open_page(), contacts(3))
    at.text_area(key="batch_script").input("Hello")
    run(at)
    at.button(key="batch_insert_0").click()
    run(at)
    assert at.text_area(key="batch_script").value == "Hello {{first_name}}"
    at.segmented_control(key="batch_insert_into").set_value("title")
    run(at)
    at.button(key="batch_insert_1").click()
    run(at)
    assert at.text_input(key="batch_title").value == "{{company}}"
    assert at.text_area(key="batch_script").value == "Hello {{first_name}}"
    preview = text(at)
    assert "**Company 1, Ltd**" in preview  # the title, row 1
    assert "Hello **Ana 1**" in preview
    at.selectbox(key="batch_preview_row").set_value(3)
    run(at)
    assert "Hello **Chloe 3**" in text(at)


def test_override_columns_are_announced(cat):
    ready, _, voices = cat
    data = f"first_name,avatar_id,voice_id\nAna,{ready[1]},{voices[0]}\n".encode()
    at = upload(open_page(), data)
    body = "\n".join(str(i.value) for i in at.info)
    assert "avatar_id" in body and "voice_id" in body and "replaces" in body


# -- 3 · checks -----------------------------------------------------------------------------------


def test_every_row_is_checked_with_its_problem(cat):
    ready, training, _ = cat
    long_note = "word " * 1100
    data = (
        "first_name,company,note,avatar_id,voice_id\n"
        f"Ana,Acme,short,,\n"
        f"Ben,,short,,\n"
        f"Chloe,Orchard,{long_note.strip()},,\n"
        f"Dev,Meadow,short,no_such_look,\n"
        f"Ema,Riverside,short,,no_such_voice\n"
        f"Finn,Hilltop,short,{training},\n"
    ).encode()
    at = upload(open_page(), data)
    fill_template(at, ready[0], script="Hi {{first_name}} at {{company}}. {{note}}")
    table = check_rows_shown(at).set_index("Row")
    assert table.loc[1, "Check"] == "✓ Ready"
    assert "The column “company” is empty" in table.loc[2, "Check"]
    assert "characters long for this row; HeyGen takes at most 5,000" in table.loc[3, "Check"]
    assert table.loc[3, "Characters"] > 5000
    assert "The avatar “no_such_look” from the column “avatar_id” is not one of this account's" in table.loc[4, "Check"]
    assert "The voice “no_such_voice” from the column “voice_id” is not one of this account's" in table.loc[5, "Check"]
    assert "still being prepared" in table.loc[6, "Check"]
    assert table.loc[1, "Est. seconds"] > 0
    assert metric(at, "Ready rows") == "1 of 6"
    assert shown(metric(at, "Account balance")) == "$120.00 left"
    assert "5 rows have problems and will be skipped" in text(at)
    assert "**Row 5:** The voice “no_such_voice” from the column “voice_id”" in text(at)
    assert not at.button(key="batch_start_sample").disabled

    at.toggle(key="batch_only_problems").set_value(True)
    run(at)
    assert check_rows_shown(at)["Row"].tolist() == [2, 3, 4, 5, 6]


def test_unknown_placeholder_blocks_every_row(cat):
    at = upload(open_page(), contacts(2))
    fill_template(at, cat[0][0], script="Hi {{firstname}}!")
    assert "uses {{firstname}}, but the file has no column “firstname” (did you mean “first_name”?)" in errors(at)
    assert metric(at, "Ready rows") == "0 of 2"
    assert at.button(key="batch_start_sample").disabled
    table = check_rows_shown(at)
    assert set(table["Check"]) == {"… waiting for the template"}
    assert table["Characters"].tolist() == [len("Hi !")] * 2, "counted without the unknown placeholder"


# -- 4–7 · sample, run, export --------------------------------------------------------------------


def test_sample_then_approve_then_run_to_finished_and_export(cat, sandbox, downloads, worker):
    at = ready_batch(cat, 5, concurrency=2)
    batch_id = start_sample(at)
    assert "Watch a sample" in text(at)
    assert not has_button(at, "batch_pause"), "nothing but the sample runs before approval"
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    assert [b.label for b in at.button if b.key == "batch_approve"] == ["Looks good — render the other 4"]
    assert len(video_posts(sandbox)) == 1, "only the sample was sent"
    assert at.get("video")[0].proto.url.startswith(sandbox.base_url)

    at.button(key="batch_approve").click()
    run(at)
    peak = 0
    for _ in range(120):
        if "Finished." in text(at):
            break
        peak = max(peak, int(metric(at, "Rendering")))
        time.sleep(0.25)
        step(at, worker)
    assert "Finished." in text(at)
    assert peak <= 2, "never more renders in flight than asked for"
    assert metric(at, "Ready") == "5"
    keys = posts_per_key(sandbox)
    assert set(keys) == {idempotency_key(batch_id, row, 0) for row in range(1, 6)}
    assert set(keys.values()) == {1}
    table = results(at)
    assert table["Status"].tolist() == ["✓ Ready"] * 5
    assert table["Title"].tolist()[0] == "For Ana 1"
    assert all(url.startswith(sandbox.base_url) for url in table["Video"])

    # Stopped: the page no longer refreshes itself, and further reruns ask HeyGen nothing.
    assert at.session_state[f"batch_live_{batch_id}"]["live"] is False
    count = len(sandbox.requests_log())
    for _ in range(3):
        time.sleep(0.3)
        run(at)
    assert len(sandbox.requests_log()) == count
    assert worker.tick().advanced_batches == [], "a finished batch is not stepped again"

    data = downloads["contacts-results.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[1]["note"] == "'=HYPERLINK(\"x\")", "a formula cell is neutralised"
    assert rows[0]["company"] == "Company 1, Ltd"
    assert {r["status"] for r in rows} == {"completed"}
    zip_button = next(b for b in at.get("download_button") if b.key == "batch_dl_zip")
    assert "5 MP4s" in zip_button.label and not zip_button.proto.disabled

    # Every row done while the worker has yet to mark the batch finished (a busy machine): the page keeps
    # redrawing until it has, so it never stays on "Running".
    worker.batches.set_state(batch_id, "running")
    at.session_state[f"batch_live_{batch_id}"] = None
    run(at)
    assert at.session_state[f"batch_live_{batch_id}"]["live"] is True
    tick_until(at, worker, lambda a: "Finished." in text(a))


def test_out_of_credit_stops_sending_and_resume_carries_on(cat, sandbox, worker):
    at = ready_batch(cat, 4, concurrency=3)
    batch_id = start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    sandbox.add_fault(method="POST", path="/v3/videos", status=402, code="insufficient_credit", times=None)
    at.button(key="batch_approve").click()
    run(at)
    tick_until(at, worker, lambda a: "out of credit" in errors(a))
    assert ("HeyGen says the account is out of credit — 3 rows were not sent. Add credits and press Resume."
            in errors(at))
    assert metric(at, "Queued") == "3"
    assert has_button(at, "batch_resume") and not has_button(at, "batch_pause")
    posts = len(video_posts(sandbox))
    for _ in range(3):
        time.sleep(0.3)
        step(at, worker)
    assert len(video_posts(sandbox)) == posts, "nothing more is sent while stopped"

    sandbox.clear_faults()
    at.button(key="batch_resume").click()
    run(at)
    tick_until(at, worker, lambda a: "Finished." in text(a))
    assert metric(at, "Ready") == "4"
    ok = [e for e in video_posts(sandbox) if e["status"] == 200]
    assert {e["idempotency_key"] for e in ok} == {idempotency_key(batch_id, r, 0) for r in range(1, 5)}
    assert len(ok) == 4


def test_rate_limit_shows_the_wait(cat, sandbox, worker):
    at = ready_batch(cat, 3)
    start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    sandbox.add_fault(method="POST", path="/v3/videos", status=429, retry_after=30, times=1)
    at.button(key="batch_approve").click()
    run(at)
    tick_until(at, worker, lambda a: "slow down" in text(a))
    note = next(str(i.value) for i in at.info if "slow down" in str(i.value))
    assert note.startswith("Pausing briefly: HeyGen asked the studio to slow down")
    assert 25 <= int(note.split("Next request in ")[1].split(" s")[0]) <= 30
    assert metric(at, "Queued") == "1"  # the two rows went out together: the one refused waits, the other stands


def test_pause_stops_new_submissions_and_resume_finishes(cat, sandbox, worker):
    at = ready_batch(cat, 5, concurrency=1)
    batch_id = through_sample(at, worker)
    tick_until(at, worker, lambda a: metric(a, "Rendering") == "1")
    at.button(key="batch_pause").click()
    run(at)
    assert "Paused: no new rows are sent." in text(at)
    tick_until(at, worker, lambda a: metric(a, "Rendering") == "0")
    posts = len(video_posts(sandbox))
    queued = metric(at, "Queued")
    assert int(queued) >= 1
    for _ in range(4):
        time.sleep(0.3)
        step(at, worker)
    assert len(video_posts(sandbox)) == posts, "a paused batch sends nothing"
    assert metric(at, "Queued") == queued
    assert has_button(at, "batch_resume")
    assert at.session_state[f"batch_live_{batch_id}"]["live"] is False, "nothing in flight: the page stops refreshing"

    at.button(key="batch_resume").click()
    run(at)
    tick_until(at, worker, lambda a: "Finished." in text(a))
    assert set(posts_per_key(sandbox).values()) == {1}


def test_a_restart_comes_back_to_the_batch_from_the_url_and_resumes(cat, sandbox, worker, page_env):
    at = ready_batch(cat, 6, concurrency=2)
    batch_id = through_sample(at, worker)
    tick_until(at, worker, lambda a: int(metric(a, "Ready")) >= 2)
    del at
    restart()
    worker.close()
    worker = Worker(page_env, API_KEY, sandbox.base_url)  # a restarted server starts a new worker

    again = open_page({"batch": batch_id})
    assert again.query_params.get("batch") == batch_id
    assert "Render the batch" in text(again)
    try:
        tick_until(again, worker, lambda a: "Finished." in text(a))
    finally:
        worker.close()
    keys = posts_per_key(sandbox)
    assert set(keys) == {idempotency_key(batch_id, row, 0) for row in range(1, 7)}
    assert set(keys.values()) == {1}, "no row was sent twice"


def test_retry_failed_rows_resends_only_those(cat, sandbox, worker):
    at = ready_batch(cat, 3)
    batch_id = start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    sandbox.configure(render_outcome="fail", failure_code="internal_error", failure_message="Render crashed.")
    at.button(key="batch_approve").click()
    run(at)
    tick_until(at, worker, lambda a: "Finished." in text(a))
    assert metric(at, "Failed") == "2"
    assert "Render crashed." in " ".join(results(at)["Note"])
    sandbox.configure(render_outcome="complete")
    at.button(key="batch_retry_failed").click()
    run(at)
    tick_until(at, worker, lambda a: "Finished." in text(a) and metric(a, "Ready") == "3")
    keys = posts_per_key(sandbox)
    assert keys[idempotency_key(batch_id, 1, 0)] == 1, "the finished sample is never sent again"
    assert keys[idempotency_key(batch_id, 2, 1)] == 1 and keys[idempotency_key(batch_id, 3, 1)] == 1


# -- the list of batches and the way back -------------------------------------------------------


def test_batches_are_listed_and_reopened(cat, worker):
    at = ready_batch(cat, 2)
    batch_id = start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    at.button(key="batch_back").click()
    run(at)
    assert not at.query_params.get("batch")
    assert "Your batches" in text(at)
    assert "Sample" in text(at)
    at.button(key=f"batch_open_{batch_id}").click()
    run(at)
    assert at.query_params.get("batch") == batch_id
    assert has_button(at, "batch_approve")


def test_change_the_template_discards_the_batch_and_keeps_the_form(cat, worker):
    at = ready_batch(cat, 3)
    batch_id = start_sample(at)
    tick_until(at, worker, lambda a: has_button(a, "batch_approve"))
    at.button(key="batch_edit").click()
    run(at)
    assert not at.query_params.get("batch")
    assert at.text_area(key="batch_script").value == SCRIPT
    assert table_with(at, "first_name")["first_name"].tolist() == ["Ana 1", "Ben 2", "Chloe 3"]
    assert metric(at, "Ready rows") == "3 of 3"
    assert f"batch_open_{batch_id}" not in [b.key for b in at.button]


def test_an_unknown_batch_in_the_url_says_so():
    at = open_page({"batch": "0" * 32})
    assert "not in this account's list" in "\n".join(str(w.value) for w in at.warning)
    at.button(key="batch_back_missing").click()
    run(at)
    assert "Upload your contacts" in text(at)
