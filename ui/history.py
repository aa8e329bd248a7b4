"""The history of renders: a filterable table, and a watcher that keeps the running ones up to date."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import partial

import pandas as pd
import streamlit as st

from heygen.studio import kinds, states
from heygen.studio.states import JobStatus
from heygen.studio.jobs import Job

from . import checks, connection, nav, refresh, reviews_panel, status_panel, translate_panel

FILTERS = {
    "Running": states.RUNNING,
    "Ready": (JobStatus.COMPLETED,),
    "Failed": (JobStatus.FAILED, JobStatus.SUBMIT_FAILED, JobStatus.UNCLEAR, JobStatus.NOT_FOUND,
               JobStatus.REJECTED),
}
PAGE_SIZE = 200
# Shown in the thumbnail column until HeyGen has made a thumbnail (a small grey film frame).
NO_THUMBNAIL = (
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='64' height='36'>"
    "<rect width='64' height='36' rx='4' fill='%23ecebf5'/><path d='M27 12v12l10-6z' fill='%23b3afd1'/></svg>"
)


def render(conn: connection.Connection) -> None:
    """Filters, the table (a click opens the job's panel) and the watcher for running renders."""
    store = connection.job_store()
    st.subheader("History")
    left, right = st.columns([3, 2])
    search = left.text_input("Search by title", key="history_search", placeholder="Search by title",
                             label_visibility="collapsed")
    chosen = right.segmented_control("Status", ["All", *FILTERS], default="All", key="history_filter",
                                     label_visibility="collapsed") or "All"
    statuses = None if chosen == "All" else FILTERS[chosen]
    jobs = store.list(conn.account, statuses=statuses, search=search or None, limit=PAGE_SIZE)
    jobs = translate_panel.grouped(jobs)  # translations under their source video
    total = store.count(conn.account, statuses=statuses, search=search or None)
    if not jobs:
        if search or statuses:
            st.info("No videos match these filters.")
        else:
            st.info("No videos yet. Make your first one in the Studio.", icon=":material/movie:")
            nav.link(nav.STUDIO, label="Open the Studio", icon=":material/movie:")
        return
    table = pd.DataFrame(
        {
            "Thumbnail": [j.thumbnail_url or NO_THUMBNAIL for j in jobs],
            "Title": translate_panel.history_titles(jobs),
            "Origin": [kinds.of(j).label for j in jobs],
            "Status": [status_panel.job_status_words(j) for j in jobs],
            "Review": reviews_panel.states_of(jobs),
            "Check": checks.badges(jobs),
            "Created": [datetime.fromtimestamp(j.created_at) for j in jobs],
            "Duration": [status_panel.fmt_duration(j.duration) if j.duration else "" for j in jobs],
        }
    )
    if any(j.made_by for j in jobs):  # a team: who launched each video
        table.insert(table.columns.get_loc("Created"), "By", [j.made_by or "" for j in jobs])
    ids = tuple(j.id for j in jobs)
    key = table_key(ids)
    st.dataframe(
        table,
        key=key,
        hide_index=True,
        on_select=partial(_open_clicked, ids, key),
        selection_mode="single-row",
        column_config={
            "Thumbnail": st.column_config.ImageColumn("", width="small"),
            "Title": st.column_config.TextColumn("Title", width="large"),
            "Created": st.column_config.DatetimeColumn("Created", format="D MMM YYYY, HH:mm"),
        },
        row_height=56,
    )
    shown = f"{len(jobs)} of {total}" if total > len(jobs) else f"{total}"
    st.caption(f"{shown} video{'s' if total != 1 else ''}. Click a row to open it.")
    running = [j for j in jobs if _watchable(j) and j.id != nav.selected_job()]
    if running:
        watcher = st.fragment(_watch_running, run_every=status_panel.TICK_SECONDS)
        watcher({j.id: status_panel.job_status_words(j) for j in running})


def table_key(ids: tuple[str, ...]) -> str:
    """The table's widget key for these rows: another list of videos is another table, so a row
    highlighted in an earlier list never stands for a video in this one."""
    return "history_table_" + hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


def _open_clicked(ids: tuple[str, ...], key: str) -> None:
    """Open the video in the row the user has just clicked; ``ids`` are the rows as they were drawn."""
    state = st.session_state.get(key)
    rows = state.selection.rows if state is not None else []
    if rows and 0 <= rows[0] < len(ids):
        nav.select_job(ids[rows[0]])


def _watchable(job: Job) -> bool:
    waiting_for_id = kinds.of(job).awaiting_video(job)
    return (job.video_id is not None or waiting_for_id) and status_panel.stopped_outcome(job) is None


def _watch_running(shown: dict[str, str]) -> None:
    """Rerun the page when the background worker has recorded a change to a running render shown
    (the store only: no HeyGen request)."""
    store = connection.job_store()
    for job_id, words in shown.items():
        job = store.get(job_id)
        if job is None or not _watchable(job) or status_panel.job_status_words(job) != words:
            refresh.whole_page()
            break
    st.caption("Running renders on this page update on their own.")
