"""One stored batch: its sample, the live status of the whole run, and the downloads.

The background worker sends the rows and watches their renders; the page only reads the store.
While anything can still happen without the user (a render in flight, a row to send, a wait
asked for by HeyGen), the sample or run section is a fragment with ``run_every`` that redraws what
the worker recorded. Once nothing more will happen on its own, the fragment records that and
reruns the page, which from then on draws the same section without ``run_every`` (so the browser's
timer is disarmed). Any button that sets the batch going again (approve, resume, retry) clears
that record.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from datetime import datetime

import streamlit as st

from heygen.studio.batch import (
    BACKGROUND_COLUMN, VOICE_COLUMN, Batch, BatchRow, RowText, count_statuses, results_csv, results_zip, slug,
)
from heygen.studio.scripting import estimated_seconds, format_duration

from . import batch_common as common
from . import batch_setup, checks, connection, nav, refresh, reviews_panel
from .copy import failure_hint
from .feedback import show_error
from .status_panel import fmt_duration, status_words
from .text import html_text, md

SAMPLE_STATES = ("draft", "sampling")


# -- the page -------------------------------------------------------------------------------------


def render_batch(conn: connection.Connection, batch_id: str) -> None:
    """Everything about one batch (or a note and a way back when it is not this account's)."""
    store = common.store()
    batch = store.get(batch_id)
    if batch is None or batch.account != conn.account:
        st.title("Batch")
        st.warning("This batch is not in this account's list. It may have been deleted, or it was made with "
                   "another HeyGen key.", icon=":material/search_off:")
        st.button("All batches", key="batch_back_missing", on_click=common.close_batch, icon=":material/arrow_back:")
        return
    rows = store.rows(batch_id)
    live = _is_live(batch, rows)

    st.button("All batches", key="batch_back", type="tertiary", icon=":material/arrow_back:",
              on_click=common.close_batch)
    st.title(md(batch.name or "Untitled batch"))
    created = datetime.fromtimestamp(batch.created_at)
    st.caption(f"Created {created:%d %b %Y, %H:%M} · {batch.row_count:,} rows, {batch.ready_count:,} ready · "
               f"**{common.STATE_WORDS.get(batch.state, batch.state)}**")
    common.show_action_error()

    _summary(batch, rows)
    with st.container(border=True, key="batch_step_sample"):
        if batch.state in SAMPLE_STATES:
            if live:
                st.fragment(_live_sample, run_every=common.TICK_SECONDS)(batch_id)
            else:
                _sample_body(batch, rows, live=False)
        else:
            _sample_done(batch, rows)
    with st.container(border=True, key="batch_step_run"):
        if batch.state in SAMPLE_STATES:
            others = max(batch.ready_count - 1, 0)
            common.step_header(5, "Render the batch", status="later", note="after you approve the sample")
            st.caption(f"Then the other {others:,} ready row{'s' if others != 1 else ''} are sent, at most "
                       f"{batch.concurrency} at a time. You can pause at any moment.")
        elif live:
            st.fragment(_live_run, run_every=common.TICK_SECONDS)(batch_id)
        else:
            _run_body(batch, rows, live=False)
            if _checks_awaited(batch, rows):  # only a note follows them: the table and its buttons stay still
                st.fragment(_await_checks, run_every=checks.AWAIT_EVERY)(batch_id)
    with st.container(border=True, key="batch_step_export"):
        if batch.state in SAMPLE_STATES:
            common.step_header(6, "Download the results", status="later", note="once the batch runs")
        else:
            _export(conn, batch, rows, live=live)


# -- live or not ----------------------------------------------------------------------------------


def _live_key(batch_id: str) -> str:
    return f"batch_live_{batch_id}"


def _has_work(batch: Batch, rows: list[BatchRow]) -> bool:
    """True when the worker has something to do without the user (mirrors StepReport.next_step_at)."""
    if any(r.status == "rendering" for r in rows):
        return True
    if batch.state == "running":
        return True  # rows to send, or every row done and the worker about to mark the batch finished
    if batch.state == "sampling" and not batch.stop_reason:
        return any(r.row == batch.sample_row and r.status == "queued" for r in rows)
    return False


def _checks_awaited(batch: Batch, rows: list[BatchRow]) -> bool:
    """True while a finished video's check is still to come: the worker keeps each video, then checks it,
    after its render ends (followed for as long as a single video's panel follows its check)."""
    if time.time() - batch.updated_at >= checks.WAIT_SECONDS:
        return False
    finished = [r for r in rows if r.job_id and r.job_status == "completed"]
    if not finished:
        return False
    found = checks.row_checks(finished)
    return any(r.row not in found for r in finished)


def _await_checks(batch_id: str) -> None:
    """One look at the store while the last videos are checked: a full rerun once every check is there."""
    store = common.store()
    batch = store.get(batch_id)
    if batch is None or not _checks_awaited(batch, store.rows(batch_id)):
        refresh.whole_page()
        return
    st.caption("Checking what the last videos say against the script; their checks appear here on their own.")


def _is_live(batch: Batch, rows: list[BatchRow]) -> bool:
    """Whether this session keeps redrawing the batch: recorded when it stopped, else worked out afresh."""
    record = st.session_state.get(_live_key(batch.id))
    if record is not None and record["updated_at"] == batch.updated_at:
        return record["live"]
    live = _has_work(batch, rows)
    st.session_state[_live_key(batch.id)] = {"live": live, "updated_at": batch.updated_at}
    return live


def set_going(batch_id: str) -> None:
    """After a button that may give the worker work: refresh while there is work."""
    st.session_state.pop(_live_key(batch_id), None)


def _stop_live(batch_id: str) -> None:
    """Record that nothing more happens on its own; the whole page is drawn again from the fragment's own run."""
    batch = common.store().get(batch_id)
    st.session_state[_live_key(batch_id)] = {"live": False, "updated_at": batch.updated_at if batch else None}
    refresh.whole_page()


def _live_sample(batch_id: str) -> None:
    _live(batch_id, lambda batch, rows: _sample_body(batch, rows, live=True))


def _live_run(batch_id: str) -> None:
    _live(batch_id, lambda batch, rows: _run_body(batch, rows, live=True))


def _live(batch_id: str, draw: Callable[[Batch, list[BatchRow]], None]) -> None:
    """One refresh: the section as the store has it (no HeyGen request); stops refreshing once nothing
    more will happen without the user."""
    store = common.store()
    batch = store.get(batch_id)
    if batch is None:
        _stop_live(batch_id)
        return
    rows = store.rows(batch_id)
    if not _has_work(batch, rows):
        _stop_live(batch_id)
    try:
        draw(batch, rows)
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is outside the app's own safety net
        show_error(exc)


# -- 1–3 · what the batch is made of --------------------------------------------------------------


def _summary(batch: Batch, rows: list[BatchRow]) -> None:
    t = batch.template
    with st.container(border=True, key="batch_step_summary"):
        common.step_header("1–3", "Contacts, template and checks", status="done",
                           note=f"{batch.ready_count:,} of {batch.row_count:,} rows ready")
        script = t.script if len(t.script) <= 240 else t.script[:240].rstrip() + " …"
        st.markdown(f"**Script:** {md(script)}")
        bits = [f"Title: {md(t.title)}" if t.title else "Title: Row N",
                f"Avatar {md(t.avatar_id)}" if t.avatar_id else "Avatar from the avatar_id column",
                f"voice {md(t.voice_id)}" if t.voice_id else f"voice from the {VOICE_COLUMN} column"]
        if t.heygen is not None:  # a HeyGen template: its own avatar and voice, unless the mapping names them
            bits[1:] = [f"HeyGen template {md(str(t.heygen.get('template', {}).get('name') or ''))}"]
        options = [t.resolution, t.aspect_ratio]
        if t.background_color:
            options.append(f"background {t.background_color}")
        if BACKGROUND_COLUMN in batch.columns:
            options.append(f"backgrounds from the {BACKGROUND_COLUMN} column")
        if t.pronunciations:
            count = len(t.pronunciations)
            options.append(f"{count} pronunciation{'s' if count != 1 else ''}")
        if t.speed is not None:
            options.append(f"speed {t.speed:g}×")
        if t.pitch is not None:
            options.append(f"pitch {t.pitch:+g}")
        bits.append(md(" · ".join(o for o in options if o)))
        st.caption(" · ".join(bits))
        with st.expander(f"Rows and checks ({batch.row_count:,})", icon=":material/fact_check:"):
            table = _stored_checks(batch, rows)
            st.dataframe(table, hide_index=True, column_config=common.CHECK_COLUMNS, key="batch_stored_checks",
                         height=min(38 + 35 * len(table), 360), placeholder="—")


def _stored_checks(batch: Batch, rows: list[BatchRow]):
    memo = st.session_state.get("batch_stored_checks_memo")
    if not memo or memo["id"] != batch.id:
        memo = {"id": batch.id,
                "table": common.check_table(batch.template, ((r.row, r.data, r.problems) for r in rows))}
        st.session_state["batch_stored_checks_memo"] = memo
    return memo["table"]


# -- 4 · sample -----------------------------------------------------------------------------------


def _sample_row(batch: Batch, rows: list[BatchRow]) -> BatchRow | None:
    return next((r for r in rows if r.row == batch.sample_row), None)


def _sample_body(batch: Batch, rows: list[BatchRow], *, live: bool) -> None:
    row = _sample_row(batch, rows)
    status = row.status if row is not None else None
    common.step_header(4, "Watch a sample", status="current",
                       note="one video first; nothing else is spent until it looks right")
    if batch.state == "draft" or row is None:
        st.info("Choose a row and render it alone first.", icon=":material/movie:")
        _other_row_controls(batch, rows, label="Render the sample")
        return
    media, about = st.columns([1.35, 1], gap="large")
    with about:
        title = row.title or batch.template.title_for(row.data, row.row)
        st.caption(f"Row {row.row}")
        st.markdown(f"**{md(title)}**")
        text = _row_text(batch, row)
        st.markdown(f'<div class="hg-preview">{html_text(text.written)}</div>', unsafe_allow_html=True)
        if text.spoken != text.written:
            st.caption(f"Said as: {md(text.spoken)}")
        seconds = estimated_seconds(text.spoken, speed=batch.template.speed)
        st.caption(f"{len(text.spoken):,} characters · about {format_duration(seconds)} spoken")
    with media:
        if batch.stop_reason:
            show_error({**batch.stop_reason, "message": batch.stop_message or "HeyGen refused the sample."},
                       title="The sample was not sent")
            actions = {"retry": True}
        elif status in ("queued", "rendering"):
            job_status = row.job_status if status == "rendering" else "submitting"
            steps = ["submitting", "waiting", "pending", "processing", "completed"]
            position = steps.index(job_status) if job_status in steps else 3
            elapsed = time.time() - row.submitted_at if row.submitted_at else None
            st.progress(position / 4, text=f"**{status_words(job_status)}** · {fmt_duration(elapsed)} elapsed")
            st.caption("HeyGen is making the sample; this section updates on its own. It usually takes a few "
                       "minutes.")
            if not live:
                st.button("Check now", key="batch_sample_check", on_click=set_going, args=(batch.id,))
            actions = {"busy": True}
        elif status == "completed":
            if row.video_url:
                st.video(row.video_url)
            st.success("The sample is ready. Watch it, then approve it to render the rest.",
                       icon=":material/check_circle:")
            if row.job_id:
                sample_job = connection.job_store().get(row.job_id)
                checks.compact(row.job_id, sample_job.completed_at if sample_job else None)
            actions = {"approve": True}
        else:
            show_error({"message": row.reason(failure_hint) or "HeyGen could not make the sample."},
                       title="The sample failed")
            actions = {"retry": True}
    with about:
        _sample_actions(batch, rows, row, **actions)


def _row_text(batch: Batch, row: BatchRow) -> RowText:
    """The row's script as written and as said (empty when the stored template no longer fits the row)."""
    try:
        return batch.template.text_for(row.data)
    except KeyError:
        return RowText("", "")


def _sample_actions(batch: Batch, rows: list[BatchRow], row: BatchRow, *, retry: bool = False,
                    approve: bool = False, busy: bool = False) -> None:
    others = max(batch.ready_count - 1, 0)
    if approve:
        label = f"Looks good — render the other {others:,}" if others else "Looks good — finish the batch"
        if st.button(label, key="batch_approve", type="primary", icon=":material/thumb_up:", width="stretch"):
            _go(_approve_and_start, batch.id)
        reviews_panel.batch_sample_section(connection.current(), batch, row,
                                           row.title or batch.template.title_for(row.data, row.row))
    if retry and st.button("Try this row again", key="batch_sample_retry", type="primary", icon=":material/replay:",
                           width="stretch"):
        _go(common.store().start_sample, batch.id, row.row)
    if st.button("Change the template", key="batch_edit", icon=":material/edit:", width="stretch",
                 help="Discards this batch and takes its file and template back to the form."):
        _discard_and_edit(batch, rows)
    if not busy:
        _other_row_controls(batch, rows, exclude=row.row)


def _other_row_controls(batch: Batch, rows: list[BatchRow], *, exclude: int | None = None,
                        label: str = "Render this row instead") -> None:
    ready = [r for r in rows if r.ready and r.row != exclude]
    if not ready:
        return
    titles = {r.row: r.title or batch.template.title_for(r.data, r.row) for r in ready}
    chosen = st.selectbox("Or try another row", list(titles), key="batch_other_sample",
                          format_func=lambda n: common.row_label(n, titles[n]))
    if st.button(label, key="batch_other_sample_go", width="stretch", icon=":material/swap_horiz:"):
        _go(common.store().start_sample, batch.id, int(chosen))


def _go(transition: Callable[..., object], batch_id: str, *args: object) -> None:
    """A button's store transition; on success the batch is stepped at once. The page reruns in full."""
    if common.act(transition, batch_id, *args) is not None:
        set_going(batch_id)
    st.rerun()


def _approve_and_start(batch_id: str) -> Batch:
    store = common.store()
    store.approve_sample(batch_id)
    return store.start(batch_id)


def _discard_and_edit(batch: Batch, rows: list[BatchRow]) -> None:
    batch_setup.prefill_from(batch, rows)
    common.store().delete(batch.id)
    st.session_state.pop(_live_key(batch.id), None)
    common.close_batch()
    st.rerun()


def _sample_done(batch: Batch, rows: list[BatchRow]) -> None:
    row = _sample_row(batch, rows)
    approved = datetime.fromtimestamp(batch.approved_at) if batch.approved_at else None
    note = f"approved {approved:%d %b, %H:%M}" if approved else "approved"
    common.step_header(4, f"Sample approved (row {batch.sample_row})" if batch.sample_row else "Sample approved",
                       status="done", note=note)
    if row is not None and row.video_url:
        with st.expander("Watch the sample again", icon=":material/play_circle:"):
            st.video(row.video_url)


# -- 5 · the run ----------------------------------------------------------------------------------


def _run_body(batch: Batch, rows: list[BatchRow], *, live: bool) -> None:
    counts = count_statuses(rows)
    to_go = counts["queued"] + counts["rendering"]
    done = counts["completed"] + counts["failed"]
    status = "done" if batch.state == "finished" else "current"
    common.step_header(5, "Render the batch", status=status,
                       note=f"at most {batch.concurrency} render{'s' if batch.concurrency != 1 else ''} at once")
    cols = st.columns(5)
    for col, key in zip(cols, ("queued", "rendering", "completed", "failed", "skipped")):
        col.metric(common.STATUS_TITLES[key], f"{counts[key]:,}")
    sendable = batch.ready_count
    st.progress(done / sendable if sendable else 1.0,
                text=f"{done:,} of {sendable:,} ready rows done" + (f" · {to_go:,} to go" if to_go else ""))
    _run_messages(batch, counts)
    _run_controls(batch, counts, live=live)
    found = checks.row_checks(rows)
    table = common.results_table(batch.template, rows)
    table.insert(table.columns.get_loc("Note"), "Check", [checks.summary_text(found.get(r.row)) for r in rows])
    flagged = [r for r in rows if found.get(r.row) is not None and found[r.row].status == "findings"]
    if flagged:
        if st.toggle("Only rows with findings", key=f"batch_only_findings_{batch.id}"):
            table = table[[r in flagged for r in rows]]
        pick, go = st.columns([3, 1], vertical_alignment="bottom")
        chosen = pick.selectbox("See and fix a row's findings", [r.row for r in flagged],
                                format_func=lambda n: f"Row {n}", key=f"batch_findings_row_{batch.id}")
        if go.button("Open its video", key=f"batch_findings_open_{batch.id}", icon=":material/open_in_new:"):
            nav.open_job(found[chosen].job_id)
    st.dataframe(table, hide_index=True, column_config=common.RESULT_COLUMNS, key="batch_results_table",
                 height=min(38 + 35 * len(table), 420), placeholder="")
    if live:
        st.caption("This table updates on its own while the batch runs; the batch carries on when you leave the "
                   "page or close the browser.")


def _run_messages(batch: Batch, counts: dict[str, int]) -> None:
    now = time.time()
    if batch.state == "stopped_credit":
        reason = batch.stop_reason or {}
        queued = counts["queued"]
        show_error({**reason, "hint": None,
                    "message": f"HeyGen says the account is out of credit — {queued:,} row{'s' if queued != 1 else ''} "
                               "were not sent. Add credits and press Resume."})
        if counts["rendering"]:
            st.caption(f"The {counts['rendering']:,} render{'s' if counts['rendering'] != 1 else ''} already at "
                       "HeyGen are still being collected.")
        return
    if batch.state == "paused":
        if batch.stop_reason:
            show_error(batch.stop_reason, title="Sending stopped")
            nav.link(nav.SETTINGS, label="Open Settings to fix the key", icon=":material/key:")
        else:
            extra = (f" The {counts['rendering']:,} render{'s' if counts['rendering'] != 1 else ''} already at HeyGen "
                     "are still being collected." if counts["rendering"] else "")
            st.info("Paused: no new rows are sent. Press Resume to carry on." + extra, icon=":material/pause_circle:")
        return
    if batch.state == "finished":
        text = f"**Finished.** {counts['completed']:,} video{'s' if counts['completed'] != 1 else ''} ready"
        if counts["failed"]:
            text += f", {counts['failed']:,} failed"
        if counts["skipped"]:
            text += f", {counts['skipped']:,} skipped"
        st.success(text + ".", icon=":material/task_alt:")
        return
    not_before = batch.not_before
    if batch.state == "running" and not_before and not_before > now:
        wait = math.ceil(not_before - now)
        st.info(f"Pausing briefly: HeyGen asked the studio to slow down, or did not answer. Next request in "
                f"{wait} s; nothing is lost or sent twice.", icon=":material/hourglass_top:")


def _run_controls(batch: Batch, counts: dict[str, int], *, live: bool) -> None:
    store = common.store()
    with st.container(horizontal=True, gap="small", key="batch_run_controls"):
        if batch.state == "running" and st.button(
                "Pause", key="batch_pause", icon=":material/pause:",
                help="Stops sending new rows; renders already at HeyGen are still collected."):
            _go(store.pause, batch.id)
        if batch.state in ("paused", "stopped_credit") and st.button(
                "Resume", key="batch_resume", type="primary", icon=":material/play_arrow:"):
            _go(store.resume, batch.id)
        if batch.state == "approved" and st.button("Start", key="batch_start", type="primary",
                                                   icon=":material/play_arrow:"):
            _go(store.start, batch.id)
        if counts["failed"] and batch.state in ("running", "paused", "stopped_credit", "finished"):
            label = f"Retry failed rows ({counts['failed']:,})"
            if st.button(label, key="batch_retry_failed", icon=":material/replay:",
                         help="Sends again only the rows that failed; finished rows are never sent twice."):
                again = common.act(store.retry_failed, batch.id)
                if again is not None:
                    set_going(batch.id)
                    if batch.state in ("paused", "stopped_credit"):
                        common.notice(f"{again:,} row{'s' if again != 1 else ''} queued again; they are sent once "
                                      "you press Resume.")
                st.rerun()
        if not live and batch.state == "running":
            st.button("Check now", key="batch_run_check", on_click=set_going, args=(batch.id,))


# -- 6 · downloads --------------------------------------------------------------------------------


def _export(conn: connection.Connection, batch: Batch, rows: list[BatchRow], *, live: bool) -> None:
    counts = count_statuses(rows)
    finished = batch.state == "finished"
    common.step_header(6, "Download the results", status="current" if finished else "later" if live else "current",
                       note="a CSV with every row's video link, and the videos themselves")
    store = common.store()
    name = slug(batch.name or "batch")

    def csv_now() -> bytes:
        return results_csv(store, batch.id, checks.row_checks(store.rows(batch.id)), advice=failure_hint)

    def zip_now() -> bytes:
        buffer = io.BytesIO()
        results_zip(conn.client, store, batch.id, buffer, advice=failure_hint)
        return buffer.getvalue()

    c1, c2 = st.columns(2)
    # While the batch runs the CSV is made when clicked (always current); once nothing moves, up front.
    c1.download_button("Results CSV", data=csv_now if live else csv_now(), file_name=f"{name}-results.csv",
                       mime="text/csv", key="batch_dl_csv", on_click="ignore", icon=":material/table_view:",
                       type="primary" if finished else "secondary", width="stretch")
    videos = counts["completed"]
    c2.download_button(f"Videos (.zip, {videos:,} MP4{'s' if videos != 1 else ''})", data=zip_now,
                       file_name=f"{name}-videos.zip", mime="application/zip", key="batch_dl_zip",
                       on_click="ignore", icon=":material/folder_zip:", disabled=not videos, width="stretch")
    st.caption("The CSV has every input column plus the video id, status, link and any failure reason; cells a "
               "spreadsheet would run as a formula start with '. Video links expire after 7 days; the zip "
               "fetches fresh ones (it is built when you click, which takes a moment for many videos).")
