"""Present: choose finished videos (single videos, a batch, or a translation group), then show them in a
clean full-width layout (one at a time, or side by side to compare), playing the copies kept on this
computer. The same choice can be shared with a client as a review link (ui/reviews_panel.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from heygen.studio import translate
from heygen.studio.jobs import Job
from heygen.studio.states import JobStatus

from . import batch_common, checks, connection, kept_media, nav, reviews_panel
from .text import md

_SHOW = "present_show"
_INDEX = "present_index"
_KEPT = "present_kept"  # the setup's choices while the show is on (widgets not drawn lose their state)
_SETUP_KEYS = ("present_source", "present_jobs", "present_batch", "present_group", "present_layout")
LAYOUTS = {"one": "One at a time", "side": "Side by side, to compare"}
SOURCES = ("Videos", "A batch", "A translation group")
PER_ROW = 3
MAX_VIDEOS = 24
_HIDE_CHROME = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] { display: none; }
.block-container { padding-top: 1.5rem; max-width: 100%; }
/* a portrait video side by side stays within the screen's height */
[data-testid="stVideo"] { max-height: 78vh; background: transparent; }
</style>
"""


@dataclass
class Shown:
    """One video of a presentation: the job and how it is titled and annotated on screen."""

    job: Job
    title: str
    note: str = ""


def showing(page=None) -> bool:
    """True while a presentation is on screen (on the Present page, when ``page`` is given)."""
    if not st.session_state.get(_SHOW):
        return False
    return page is None or getattr(page, "url_path", None) == nav.PRESENT.url_path


def finished_jobs(conn: connection.Connection) -> list[Job]:
    """The account's finished videos, newest first."""
    return connection.job_store().list(conn.account, statuses=(JobStatus.COMPLETED,), limit=500)


def choose(conn: connection.Connection, prefix: str, jobs: list[Job]) -> list[Job]:
    """The videos to show or share, chosen from ``jobs`` (finished videos), a batch or a translation group."""
    if not jobs:
        st.info("No finished videos yet. Make one in the Studio, then come back to present it.",
                icon=":material/movie:")
        nav.link(nav.STUDIO, label="Open the Studio", icon=":material/movie:")
        return []
    source = st.segmented_control("Show", SOURCES, default=SOURCES[0], key=f"{prefix}_source") or SOURCES[0]
    by_id = {j.id: j for j in jobs}
    if source == "Videos":
        picked = st.multiselect("Videos", list(by_id), key=f"{prefix}_jobs", max_selections=MAX_VIDEOS,
                                format_func=lambda job_id: _label(by_id[job_id]),
                                placeholder="Search finished videos by title")
        return [by_id[job_id] for job_id in picked]
    if source == "A batch":
        return _batch_videos(conn, prefix, by_id)
    return _translation_group(prefix, jobs, by_id)


def _label(job: Job) -> str:
    when = datetime.fromtimestamp(job.completed_at or job.created_at).strftime("%-d %b %Y, %H:%M")
    return f"{job.title} · {when}"


def _batch_videos(conn: connection.Connection, prefix: str, by_id: dict[str, Job]) -> list[Job]:
    batches = batch_common.store()
    found = []
    for batch in batches.list(conn.account):
        done = [r.job_id for r in batches.rows(batch.id) if r.status == "completed" and r.job_id in by_id]
        if done:
            found.append((batch, done))
    if not found:
        st.info("No batch has a finished video yet.", icon=":material/contacts:")
        return []
    names = {batch.id: f"{batch.name} · {len(done)} finished" for batch, done in found}
    chosen = st.selectbox("Batch", list(names), format_func=names.get, key=f"{prefix}_batch")
    done = dict((batch.id, done) for batch, done in found)[chosen]
    if len(done) > MAX_VIDEOS:
        st.caption(f"The first {MAX_VIDEOS} of its {len(done)} finished videos.")
    return [by_id[job_id] for job_id in done[:MAX_VIDEOS]]


def _translation_group(prefix: str, jobs: list[Job], by_id: dict[str, Job]) -> list[Job]:
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        source = translate.details_of(job).get("source_job_id") if job.kind == translate.KIND else None
        if source in by_id:
            groups.setdefault(source, []).append(job)
    if not groups:
        st.info("No finished video has finished translations yet. Translate one from the Videos page.",
                icon=":material/translate:")
        return []
    names = {source: f"{by_id[source].title} · {len(found)} language{'s' if len(found) != 1 else ''}"
             for source, found in groups.items()}
    chosen = st.selectbox("Translated video", list(names), format_func=names.get, key=f"{prefix}_group")
    members = sorted(groups[chosen], key=lambda j: j.created_at)
    return [by_id[chosen], *members][:MAX_VIDEOS]


def default_title(job: Job) -> str:
    language = translate.details_of(job).get("language") if job.kind == translate.KIND else None
    return f"{language}" if language else job.title


def annotate(jobs: list[Job], prefix: str) -> list[Shown] | None:
    """Titles and notes as they will be shown, editable in a table; None when a title is left empty."""
    digest = hashlib.sha1("|".join(j.id for j in jobs).encode()).hexdigest()[:10]
    earlier = {item["job_id"]: item for item in st.session_state.get(f"{prefix}_notes_kept", [])}
    table = pd.DataFrame({"Video": [j.title for j in jobs],
                          "Title shown": [earlier.get(j.id, {}).get("title") or default_title(j) for j in jobs],
                          "Note": [earlier.get(j.id, {}).get("note", "") for j in jobs]})
    edited = st.data_editor(table, key=f"{prefix}_notes_{digest}_{len(earlier)}", hide_index=True, width="stretch",
                            disabled=["Video"], num_rows="fixed",
                            column_config={"Title shown": st.column_config.TextColumn(max_chars=200, required=True),
                                           "Note": st.column_config.TextColumn(max_chars=1000)})
    shown = []
    for job, (_, row) in zip(jobs, edited.iterrows()):
        title = str(row["Title shown"] or "").strip()
        if not title:
            st.error(f"Give “{md(job.title)}” a title to show.", icon=":material/error:")
            return None
        note = row["Note"]
        shown.append(Shown(job, title, "" if note is None or pd.isna(note) else str(note).strip()))
    return shown


def setup(conn: connection.Connection) -> None:
    """The Present page before the show: what to show, how, and the review link to share it."""
    st.title("Present")
    st.caption("Show finished videos to a client in a clean full-width view, or send them a link to watch "
               "and approve.")
    finished = finished_jobs(conn)
    jobs = choose(conn, "present", finished)
    if not jobs:
        if finished:
            st.info("Choose at least one finished video.", icon=":material/touch_app:")
        reviews_panel.links_section(conn)
        return
    shown = annotate(jobs, "present")
    layout = st.radio("Layout", list(LAYOUTS), format_func=LAYOUTS.get, horizontal=True, key="present_layout")
    checks.warn_open_findings([s.job for s in shown or []], [s.title for s in shown or []])
    missing = [s.title for s in (shown or []) if "video" not in kept_media.files(s.job)]
    if missing:
        st.caption(f"{len(missing)} of these video{'s are' if len(missing) != 1 else ' is'} not kept on this "
                   "computer yet and will play from HeyGen, which needs a connection.")
    left, right = st.columns(2)
    if left.button("Start presenting", type="primary", icon=":material/slideshow:", disabled=shown is None,
                   width="stretch"):
        items = [{"job_id": s.job.id, "title": s.title, "note": s.note} for s in shown]
        st.session_state[_SHOW] = {"items": items, "layout": layout}
        st.session_state[_INDEX] = 0
        st.session_state[_KEPT] = {key: st.session_state[key] for key in _SETUP_KEYS if key in st.session_state}
        st.session_state["present_notes_kept"] = items
        st.rerun()
    with right.popover("Share for review", icon=":material/share:", width="stretch", disabled=shown is None):
        reviews_panel.share_form(conn, shown or [])
    reviews_panel.links_section(conn)


def show(conn: connection.Connection) -> None:
    """The presentation itself: titles, notes and large players; nothing else of the studio."""
    plan = st.session_state.get(_SHOW) or {}
    store = connection.job_store()
    items = []
    for item in plan.get("items", []):
        job = store.get(item["job_id"])
        if job is not None and job.account == conn.account:
            items.append(Shown(job, item["title"], item.get("note", "")))
    st.markdown(_HIDE_CHROME, unsafe_allow_html=True)
    _, exit_column = st.columns([12, 1])
    if exit_column.button("Exit", key="present_exit", type="tertiary", icon=":material/close:"):
        stop()
        st.rerun()
    if not items:
        st.info("These videos are no longer in the history.")
        return
    if plan.get("layout") == "side":
        for start in range(0, len(items), PER_ROW):
            row = items[start:start + PER_ROW]
            for column, item in zip(st.columns(len(row) if len(items) > 1 else 1, gap="large"), row):
                with column:
                    _one(item)
        return
    index = min(max(int(st.session_state.get(_INDEX, 0)), 0), len(items) - 1)
    _, middle, _ = st.columns([1, 6, 1])
    with middle:
        _one(items[index])
        if len(items) > 1:
            back, where, forward = st.columns([1, 2, 1])
            if back.button("Previous", key="present_prev", icon=":material/arrow_back:", disabled=index == 0,
                           width="stretch"):
                st.session_state[_INDEX] = index - 1
                st.rerun()
            where.markdown(f"<div style='text-align:center;padding-top:.4rem'>{index + 1} of {len(items)}</div>",
                           unsafe_allow_html=True)
            if forward.button("Next", key="present_next", icon=":material/arrow_forward:",
                              disabled=index == len(items) - 1, width="stretch"):
                st.session_state[_INDEX] = index + 1
                st.rerun()


def stop() -> None:
    """End the show and bring back the choices it was made from."""
    st.session_state.pop(_SHOW, None)
    st.session_state.pop(_INDEX, None)
    for key, value in (st.session_state.pop(_KEPT, None) or {}).items():
        st.session_state[key] = value


def _one(item: Shown) -> None:
    st.subheader(md(item.title))
    local = kept_media.files(item.job)
    if "video" in local:
        st.video(kept_media.play_source(item.job, local["video"]))
    elif item.job.video_url:
        st.video(item.job.video_url)
    else:
        st.info("This video is not kept on this computer and has no link to play.", icon=":material/videocam_off:")
    if item.note:
        st.markdown(md(item.note))
