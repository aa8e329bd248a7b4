"""The account's stored batches: state and progress of each, with Open and Delete."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from heygen.studio.batch import Batch

from . import batch_common as common
from . import connection
from .text import md

SHOWN = 8
SHOW_ALL = "batch_list_all"
CONFIRM = "batch_confirm_delete"  # id of the batch whose deletion waits for a second click
STATE_ICONS = {
    "draft": ":gray[:material/edit_note:]", "sampling": ":violet[:material/movie:]",
    "approved": ":violet[:material/thumb_up:]", "running": ":blue[:material/autorenew:]",
    "paused": ":orange[:material/pause_circle:]", "stopped_credit": ":red[:material/credit_card_off:]",
    "finished": ":green[:material/task_alt:]",
}


def render_list(conn: connection.Connection) -> None:
    """Nothing when the account has no batch yet."""
    store = common.store()
    batches = store.list(conn.account)
    if not batches:
        return
    with st.container(border=True, key="batch_list"):
        head, side = st.columns([3, 1], vertical_alignment="bottom")
        head.markdown("#### Your batches")
        side.caption(f"{len(batches)} batch{'es' if len(batches) != 1 else ''} · newest first")
        shown = batches if st.session_state.get(SHOW_ALL) else batches[:SHOWN]
        for batch in shown:
            _line(batch)
        if len(batches) > SHOWN and not st.session_state.get(SHOW_ALL):
            st.button(f"Show all {len(batches)}", key="batch_list_more", type="tertiary",
                      on_click=lambda: st.session_state.update({SHOW_ALL: True}))


def _line(batch: Batch) -> None:
    counts = common.store().counts(batch.id)
    done = counts["completed"] + counts["failed"]
    ready = batch.ready_count
    name, state, progress, actions = st.columns([3, 2, 3, 2], vertical_alignment="center")
    created = datetime.fromtimestamp(batch.created_at)
    name.markdown(f"**{md(batch.name or 'Untitled batch')}**  \n"
                  f":gray[{created:%d %b %Y, %H:%M} · {batch.row_count:,} rows]")
    state.markdown(f"{STATE_ICONS.get(batch.state, '')} {common.STATE_WORDS.get(batch.state, batch.state)}")
    text = f"{counts['completed']:,} ready"
    if counts["failed"]:
        text += f" · {counts['failed']:,} failed"
    to_go = counts["queued"] + counts["rendering"]
    if to_go and batch.state not in ("draft", "sampling"):
        text += f" · {to_go:,} to go"
    progress.progress(done / ready if ready else 0.0, text=text)
    with actions.container(horizontal=True, gap="small", horizontal_alignment="right"):
        if st.session_state.get(CONFIRM) == batch.id:
            st.button("Delete", key=f"batch_delete_yes_{batch.id}", type="primary", on_click=_delete,
                      args=(batch.id,), help="Forgets the batch here; its videos stay on HeyGen and in Videos.")
            st.button("Keep", key=f"batch_delete_no_{batch.id}", on_click=st.session_state.pop, args=(CONFIRM, None))
        else:
            st.button("Open", key=f"batch_open_{batch.id}", type="primary", on_click=common.open_batch,
                      args=(batch.id,), icon=":material/open_in_new:")
            st.button("", key=f"batch_delete_{batch.id}", icon=":material/delete:", type="tertiary",
                      help="Delete this batch…", on_click=st.session_state.update, args=({CONFIRM: batch.id},))


def _delete(batch_id: str) -> None:
    common.store().delete(batch_id)
    st.session_state.pop(CONFIRM, None)
