"""Shared pieces of the Batch page: the stores, which batch is open, labels, tables and small widgets."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from heygen.api import errors
from heygen.studio.batch import BatchRow, BatchStore, BatchTemplate
from heygen.studio.scripting import estimated_seconds

from . import connection, process
from .copy import failure_hint
from .feedback import show_error
from .text import html_text

P = "batch"  # key prefix of every widget and session value of the Batch page
OPEN = "batch_open"  # session copy of the open batch id (the URL holds it too)
QUERY = "batch"  # ?batch=<id>
ACTION_ERROR = "batch_action_error"  # error record of the last button that failed
NOTICE = "batch_notice"  # a one-off note after a button (e.g. rows queued while paused)
TICK_SECONDS = 2.0
DEFAULT_CONCURRENCY = 3
MAX_CONCURRENCY = 10

STATE_WORDS = {
    "draft": "Draft",
    "sampling": "Sample",
    "approved": "Approved",
    "running": "Running",
    "paused": "Paused",
    "stopped_credit": "Stopped — out of credit",
    "finished": "Finished",
}
# Plain symbols, not emoji: the table is drawn on a canvas with the page's own fonts.
STATUS_LABELS = {
    "queued": "· Queued",
    "rendering": "↻ Rendering",
    "completed": "✓ Ready",
    "failed": "✕ Failed",
    "skipped": "– Skipped",
}
READY_MARK, PROBLEM_MARK = "✓ Ready", "✕ "
STATUS_TITLES = {"queued": "Queued", "rendering": "Rendering", "completed": "Ready", "failed": "Failed",
                 "skipped": "Skipped"}



def store() -> BatchStore:
    """The batch store on the studio's data file (shared by every browser session)."""
    connection.job_store()  # stops the page with an explanation when the store cannot open
    return process.batch_store()


def step_header(number: int | str, title: str, *, status: str = "current", note: str = "") -> None:
    """A numbered step heading; ``status`` is "current", "done" or "later"."""
    css = {"done": " hg-done", "later": " hg-later"}.get(status, "")
    mark = "✓" if status == "done" else str(number)
    side = f'<span class="hg-step-s">{html_text(note)}</span>' if note else ""
    st.markdown(
        f'<div class="hg-step"><span class="hg-step-n{css}">{mark}</span>'
        f'<span class="hg-step-t{" hg-later" if status == "later" else ""}">{html_text(title)}</span>{side}</div>',
        unsafe_allow_html=True,
    )


# -- which batch is open ------------------------------------------------------------------------


def opened_id() -> str | None:
    """The open batch: this session's choice, else the one in the URL (a reload comes back to it)."""
    chosen = st.session_state.get(OPEN) or st.query_params.get(QUERY)
    if chosen:
        st.session_state[OPEN] = chosen
        if st.query_params.get(QUERY) != chosen:
            st.query_params[QUERY] = chosen
    return chosen or None


def open_batch(batch_id: str) -> None:
    st.session_state[OPEN] = batch_id
    st.query_params[QUERY] = batch_id


def close_batch() -> None:
    st.session_state.pop(OPEN, None)
    st.query_params.pop(QUERY, None)


# -- buttons that change a batch ----------------------------------------------------------------


def act(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a store transition from a button; None after a refusal, which is kept to be shown with show_error."""
    st.session_state.pop(ACTION_ERROR, None)
    try:
        return fn(*args, **kwargs)
    except errors.HeyGenError as exc:
        st.session_state[ACTION_ERROR] = exc.to_dict()
    except (ValueError, LookupError) as exc:
        st.session_state[ACTION_ERROR] = {"message": str(exc)}
    return None


def notice(message: str) -> None:
    """A one-off note shown at the top of the batch after the next rerun."""
    st.session_state[NOTICE] = message


def show_action_error(where: Any = None) -> None:
    """The refusal of the last button (show_error), or its one-off note."""
    error = st.session_state.pop(ACTION_ERROR, None)
    if error:
        show_error(error, where=where)
    note = st.session_state.pop(NOTICE, None)
    if note:
        (where or st).info(note, icon=":material/info:")


def row_label(number: int, title: str) -> str:
    """"Row 7 · For Ana", or just "Row 7" when the title is the default one."""
    return f"Row {number}" if title == f"Row {number}" else f"Row {number} · {title}"


# -- tables ---------------------------------------------------------------------------------------


def check_table(template: BatchTemplate, rows: Iterable[tuple[int, dict, list[str] | tuple[str, ...]]], *,
                blocked: bool = False) -> pd.DataFrame:
    """Row, ready/problems, characters and estimated seconds, for (row number, cells, problems) triples.

    ``blocked``: the template itself has problems, so even rows without problems of their own wait.
    """
    numbers, verdicts, chars, seconds = [], [], [], []
    for number, cells, problems in rows:
        numbers.append(number)
        script = _script(template, cells)
        if problems:
            verdicts.append(PROBLEM_MARK + " ".join(problems))
            seconds.append(None)
        elif blocked:
            verdicts.append("… waiting for the template")
            seconds.append(None)
        else:
            verdicts.append(READY_MARK)
            seconds.append(round(estimated_seconds(script, speed=template.speed)))
        chars.append(len(script))
    return pd.DataFrame({"Row": numbers, "Check": verdicts, "Characters": chars, "Est. seconds": seconds})


def _script(template: BatchTemplate, cells: dict) -> str:
    """The script sent for these cells (pronunciations applied), or "" when it names an unknown column."""
    try:
        return template.text_for(cells).spoken
    except KeyError:
        return ""


CHECK_COLUMNS = {
    "Row": st.column_config.NumberColumn("Row", width="small", format="%d"),
    "Check": st.column_config.TextColumn("Ready?", width="large"),
    "Characters": st.column_config.NumberColumn("Characters", width="small", format="%d"),
    "Est. seconds": st.column_config.NumberColumn("Est. seconds", width="small", format="%d s"),
}


def results_table(template: BatchTemplate, rows: list[BatchRow]) -> pd.DataFrame:
    """Row, title, status, video link and what went wrong, one line per row."""
    return pd.DataFrame({
        "Row": [r.row for r in rows],
        "Title": [r.title or template.title_for(r.data, r.row) for r in rows],
        "Status": [STATUS_LABELS.get(r.status, r.status) for r in rows],
        "Video": [r.video_url if r.status == "completed" else None for r in rows],
        "Note": [r.reason(failure_hint) or "" for r in rows],
    })


RESULT_COLUMNS = {
    "Row": st.column_config.NumberColumn("Row", width="small", format="%d"),
    "Title": st.column_config.TextColumn("Title", width="medium"),
    "Status": st.column_config.TextColumn("Status", width="small"),
    "Video": st.column_config.LinkColumn("Video", display_text="Open video", width="small"),
    "Check": st.column_config.TextColumn("Check", width="large",
                                         help="What the video says, checked against the row's script"),
    "Note": st.column_config.TextColumn("Note", width="large"),
}


# -- the account's balance ----------------------------------------------------------------------


@st.cache_data(ttl=60, show_spinner=False)
def _balance(account: str, _conn: connection.Connection) -> dict:
    try:
        user = _conn.client.users.me()
    except errors.HeyGenError as exc:
        return {"ok": False, "error": exc.to_dict()}
    return {"ok": True, "text": user.balance_text}


def balance(conn: connection.Connection) -> tuple[str, str | None]:
    """(what to show as the balance, a short note or None); sandbox: no credits used."""
    if conn.sandbox:
        return "Sandbox", "no credits used"
    found = _balance(conn.account, conn)
    if found["ok"]:
        return found["text"], None
    return "Unknown", found["error"].get("message") or "The balance could not be read."
