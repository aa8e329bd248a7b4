"""Import from HeyGen: the account's videos page by page, already-imported ones marked, the chosen ones
added to the history."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from heygen.api import errors
from heygen.studio import imports

from . import connection, nav, status_panel
from .feedback import show_error
from .text import html_text, md

P = "import"  # session keys of this section
_ROWS, _TOKEN, _ERROR, _RESULT, _LOADED = f"{P}_rows", f"{P}_token", f"{P}_error", f"{P}_result", f"{P}_loaded"
STATUS_WORDS = {"completed": "Ready", "failed": "Failed", "pending": "Queued at HeyGen", "processing": "Rendering",
                "waiting": "Waiting in HeyGen's queue"}


def section(conn: connection.Connection) -> None:
    """The "Import from HeyGen" section of the Videos page (it asks HeyGen only when a button is pressed)."""
    with st.expander("Import from HeyGen", icon=":material/cloud_download:",
                     expanded=bool(st.session_state.get(_LOADED))):
        st.caption("Bring videos made in HeyGen's web app (or anywhere else on this account) into this history, "
                   "so they can be watched, kept on this computer and presented like the studio's own.")
        if st.session_state.get(_LOADED) is None:
            st.button("Load videos from HeyGen", key=f"{P}_load", icon=":material/refresh:",
                      on_click=_load, args=(conn, None))
        error = st.session_state.pop(_ERROR, None)
        if error:
            show_error(error, title="The videos on HeyGen could not be listed")
        _result()
        if st.session_state.get(_LOADED) is None:
            return
        _rows(conn)


def _load(conn: connection.Connection, token: str | None) -> None:
    """Fetch one page (the first, or the one ``token`` names) and add it to the list."""
    try:
        listed, next_token = imports.list_page(conn.client, connection.job_store(), conn.account, token=token)
    except errors.HeyGenError as exc:
        st.session_state[_ERROR] = exc.to_dict()
        return
    rows = (st.session_state.get(_ROWS) or {}) if token else {}
    for item in listed:
        rows.setdefault(item.video.id, item.video)
    st.session_state[_ROWS] = rows
    st.session_state[_TOKEN] = next_token
    st.session_state[_LOADED] = True


def _rows(conn: connection.Connection) -> None:
    store = connection.job_store()
    rows = st.session_state.get(_ROWS) or {}
    if not rows:
        st.info("There are no videos on this HeyGen account yet.")
        return
    for video in rows.values():
        owner = store.find_by_video_id(conn.account, video.id)
        with st.container(border=True, key=f"{P}_row_{video.id}"):
            pick, thumb, about = st.columns([0.06, 0.18, 0.76], vertical_alignment="center")
            pick.checkbox("Choose", key=f"{P}_pick_{video.id}", disabled=owner is not None, label_visibility="collapsed")
            if video.thumbnail_url:  # a fixed height, whatever the video's shape
                thumb.markdown(f'<img src="{html_text(video.thumbnail_url)}" alt="" style="height:68px;'
                               'max-width:100%;object-fit:cover;border-radius:6px">', unsafe_allow_html=True)
            else:
                thumb.caption("No thumbnail")
            about.markdown(f"**{md(imports.title_of(video))}**")
            facts = [f"Created {datetime.fromtimestamp(video.created_at):%d %b %Y, %H:%M}" if video.created_at
                     else "Creation date unknown",
                     status_panel.fmt_duration(video.duration) if video.duration else "length unknown",
                     STATUS_WORDS.get(video.status, video.status)]
            if owner is not None:
                facts.append("Already imported" if owner.kind == imports.KIND else "Made in this studio")
            about.caption(md(" · ".join(facts)))
    st.caption(f"{len(rows)} video{'s' if len(rows) != 1 else ''} listed. Videos already in your history "
               "cannot be chosen again.")
    left, right = st.columns(2)
    chosen = [v for v in rows.values() if st.session_state.get(f"{P}_pick_{v.id}")]
    left.button(f"Import {len(chosen)} chosen" if chosen else "Import chosen", key=f"{P}_go", type="primary",
                icon=":material/library_add:", disabled=not chosen, on_click=_import, args=(conn,))
    if st.session_state.get(_TOKEN):
        right.button("Load more", key=f"{P}_more", icon=":material/expand_more:",
                     on_click=_load, args=(conn, st.session_state.get(_TOKEN)))


def _import(conn: connection.Connection) -> None:
    rows = st.session_state.get(_ROWS) or {}
    chosen = [v for v in rows.values() if st.session_state.get(f"{P}_pick_{v.id}")]
    result = imports.import_videos(connection.job_store(), conn.account, chosen)
    for video in chosen:
        st.session_state[f"{P}_pick_{video.id}"] = False
    st.session_state[_RESULT] = {"added": [(j.id, j.title) for j in result.added],
                                 "refused": [reason for _title, reason in result.refused]}


def _result() -> None:
    result = st.session_state.get(_RESULT)
    if not result:
        return
    added, refused = result["added"], result["refused"]
    if added:
        st.success(f"Imported {len(added)} video{'s' if len(added) != 1 else ''} into your history. "
                   "The studio keeps them on this computer like its own.", icon=":material/check_circle:")
        for job_id, title in added:
            if st.button(f"Open “{md(title)}”", key=f"{P}_open_{job_id}", type="tertiary", icon=":material/open_in_new:"):
                st.session_state.pop(_RESULT, None)
                nav.select_job(job_id)
                st.rerun()
    for reason in refused:
        st.warning(md(reason), icon=":material/content_copy:")
