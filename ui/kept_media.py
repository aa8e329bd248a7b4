"""Finished videos kept on this computer, as the pages show them: playing and downloading the local copy,
and the Settings section for disk use and how long copies are kept."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from heygen.studio import agent_chat, archive, preferences
from heygen.studio.jobs import Job, JobStore

from . import connection, identity, process, server
from .feedback import show_error
from .text import md

LOCAL_CAPTION = "Kept on this computer"
REMOTE_CAPTION = "Played from HeyGen (link renews automatically)"
CHOICES = {"everything": "Every video", "days": "Videos of the last days", "nothing": "No video"}
_FIELD_KINDS = {"video_url": archive.VIDEO, "thumbnail_url": archive.THUMBNAIL, "subtitle_url": archive.SUBTITLES}
_CONFIRM = "retention_confirm"
_NOTICE = "retention_notice"


def media_root() -> Path:
    """Where kept videos live ($HEYGEN_STUDIO_MEDIA_DIR, else the data folder's media/)."""
    return archive.default_media_root()


def files(job: Job) -> dict[str, Path]:
    """The job's kept files by kind; empty when none (or the folder cannot be read)."""
    try:
        return archive.local_files(job, media_root())
    except (OSError, ValueError):
        return {}


def play_source(job: Job, path: Path, *, review_token: str | None = None) -> str:
    """What a player is given for the kept file ``path`` of ``job``: the server's address of the file
    (streamed from disk with ranges, never loaded into memory) when the page came over the network,
    else the path (an app run in process)."""
    page = st.context.url
    if not process.served() or not page:
        return str(path)
    parts = urlsplit(page)
    return server.kept_url(f"{parts.scheme}://{parts.netloc}", job.id, path_kind(path), review_token,
                           grant=review_token is None and not identity.remembered().visitor)


def chat_video_source(job: Job, video_id: str, path: Path) -> str:
    """``play_source`` for the kept copy ``path`` of one of a chat job's videos: the job's own video, or another
    one the session made (served from its own address)."""
    if files(job).get(archive.VIDEO) == path:
        return play_source(job, path)
    page = st.context.url
    if not process.served() or not page:
        return str(path)
    parts = urlsplit(page)
    return server.kept_url(f"{parts.scheme}://{parts.netloc}", job.id, archive.VIDEO,
                           grant=not identity.remembered().visitor, video=agent_chat.video_key(video_id))


def path_kind(path: Path) -> str:
    """The kind (``video``, ``thumbnail``, ``subtitles``) of a kept file, from its name."""
    return path.stem if path.stem in (archive.VIDEO, archive.THUMBNAIL, archive.SUBTITLES) else archive.VIDEO


def read(job_id: str, field: str) -> bytes | None:
    """The bytes of the kept copy of the job's file ``field`` (``video_url``...), or None when there is none."""
    kind = _FIELD_KINDS.get(field)
    try:
        path = archive.local_files(job_id, media_root()).get(kind) if kind else None
        return path.read_bytes() if path is not None else None
    except (OSError, ValueError):
        return None


def remove(job_id: str) -> int:
    """Delete the job's kept files (raises OSError when they cannot be deleted); returns the bytes freed."""
    return archive.remove(job_id, media_root())


def reader(path: Path) -> Callable[[], bytes]:
    """A callable for a download button that reads ``path`` when pressed."""
    return lambda: path.read_bytes()


def _retention_label(policy: preferences.Retention) -> str:
    if isinstance(policy, tuple):
        return f"videos of the last {policy[1]} days"
    return {"everything": "every video", "nothing": "no video"}[policy]


def settings_section() -> None:
    """Disk use of kept videos, the retention choice (saved with the preferences) and applying it now."""
    st.subheader("Videos kept on this computer")
    root = media_root()
    data_dir = connection.settings().data_dir
    st.caption("Finished videos are copied here so they still play after HeyGen's links expire (about 7 days), "
               "offline too.")
    if not _disk_use(root):
        return
    current = preferences.get_retention(data_dir)
    _retention_form(current, data_dir)
    _apply_now(root, current)


def _disk_use(root: Path) -> bool:
    """The space kept videos use and how many open reviews hold; False when the folder cannot be read."""
    try:
        usage = archive.disk_usage(root)
    except OSError as exc:
        show_error({"message": f"The folder of kept videos cannot be read: {exc.strerror or exc}."})
        return False
    count = "1 video" if usage.videos == 1 else f"{usage.videos} videos"
    st.markdown(f"**{archive.human_size(usage.bytes)}** used by {count}  \nFolder: {md(os.fspath(root))}")
    held = len(archive.held_for_review(connection.job_store(), root))
    if held:
        st.caption(f"{'1 kept video is' if held == 1 else f'{held} kept videos are'} held for open review links: "
                   "whatever the choice below, they stay until their link expires or is revoked.")
    return True


def _retention_form(current: preferences.Retention, data_dir: Path) -> None:
    """The retention choice and its Save, then the notice of what was last saved or removed."""
    mode = current[0] if isinstance(current, tuple) else current
    with st.form("retention_form", border=False):
        choice = st.radio("Keep on this computer", list(CHOICES), index=list(CHOICES).index(mode),
                          format_func=CHOICES.get, horizontal=True)
        days = st.number_input("Days kept", min_value=1, max_value=preferences.MAX_DAYS, step=1,
                               value=current[1] if isinstance(current, tuple) else 30,
                               help="Used with “Videos of the last days”: a video is removed this many days "
                                    "after it was finished.")
        save = st.form_submit_button("Save")
    if save:
        policy = ("days", int(days)) if choice == "days" else choice
        try:
            preferences.set_retention(policy, data_dir)
        except OSError as exc:
            show_error({"message": f"The choice could not be saved: {exc.strerror or exc}."})
        else:
            st.session_state.pop(_CONFIRM, None)
            st.session_state[_NOTICE] = f"Saved: keep {_retention_label(policy)}."
            st.rerun()
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")


def _apply_now(root: Path, current: preferences.Retention) -> None:
    """Apply now…: asks first, then lists what the choice removes (or says nothing is to be removed)."""
    if not st.session_state.get(_CONFIRM):
        if st.button("Apply now…", key="retention_apply", help="Removes the kept videos the choice no longer keeps."):
            st.session_state[_CONFIRM] = True
            st.rerun()
        return
    store = connection.job_store()
    plan = archive.retention_plan(store, root, current)
    if not plan:
        st.info(f"Nothing to remove: the choice keeps {_retention_label(current)}, and every kept video fits it.")
        if st.button("OK", key="retention_ok"):
            st.session_state.pop(_CONFIRM, None)
            st.rerun()
        return
    _confirm_removal(store, root, current, plan)


def _confirm_removal(store: JobStore, root: Path, current: preferences.Retention, plan: list[archive.Expired]) -> None:
    """The kept videos the choice removes, with Remove and Cancel."""
    total = archive.human_size(sum(item.bytes for item in plan))
    with st.container(border=True):
        st.markdown(f"**Remove {len(plan)} kept video{'s' if len(plan) != 1 else ''} ({total}) from this computer?**")
        lines = [f"- {md(item.title) if item.title is not None else 'A video no longer in the history'} · "
                 f"{archive.human_size(item.bytes)}" for item in plan[:50]]
        if len(plan) > 50:
            lines.append(f"- and {len(plan) - 50} more")
        st.markdown("\n".join(lines))
        st.caption("They stay in the history and play from HeyGen while its links work.")
        left, right = st.columns(2)
        if left.button("Remove", key="retention_remove", type="primary"):
            try:
                removed = archive.apply_retention(store, root, current, only=[item.job_id for item in plan])
            except OSError as exc:
                show_error({"message": f"Some kept videos could not be removed: {exc.strerror or exc}."})
                return
            st.session_state.pop(_CONFIRM, None)
            freed = archive.human_size(sum(item.bytes for item in removed))
            st.session_state[_NOTICE] = f"Removed {len(removed)} kept video{'s' if len(removed) != 1 else ''} ({freed})."
            st.rerun()
        if right.button("Cancel", key="retention_cancel"):
            st.session_state.pop(_CONFIRM, None)
            st.rerun()
