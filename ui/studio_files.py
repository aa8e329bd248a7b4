"""The Studio's files: the photo to animate, the voice recording and the background image.

A chosen file is checked and prepared once (``prepare``) and kept in the session per uploaded file;
files a launch already put on HeyGen are offered again by asset id (``REUSE``), never uploaded twice.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from heygen.api.videos import VideoSpec
from heygen.studio.jobs import Job
from heygen.studio.media import MediaError, inspect_audio, prepare_image
from heygen.studio.scripting import format_duration

from .feedback import show_error
from .studio_inputs import PREPARED, REUSE, UPLOAD_GEN, Draft, field_error, uploader_key
from .text import md

PHOTO_TIPS = (
    "**What makes a good photo:** one person, face clearly visible and looking at the camera, even light, "
    "nothing covering the mouth or eyes, head and shoulders in the frame. HeyGen cannot animate a photo "
    "without a clear, frontal face."
)


def prepare(role: str, max_side: int) -> Any:
    """The checked file for ``role`` (PreparedImage, or (AudioInfo, bytes)), a MediaError, or None.

    The result is kept in session state per uploaded file, so a rerun does not check it again.
    When Streamlit has dropped the uploader's file (the user visited another page), the prepared
    file is kept ("detached") until the user uploads another one or removes it.
    """
    key = uploader_key(role)
    cache = st.session_state.setdefault(PREPARED, {})
    entry = cache.get(role)
    if key not in st.session_state or st.session_state[key] is None:
        if entry and key not in st.session_state and "value" in entry:
            entry["detached"] = True
        if entry and entry.get("detached"):
            return entry["value"]
        cache.pop(role, None)
        return None
    uploaded = st.session_state[key]
    file_id = getattr(uploaded, "file_id", None) or f"{uploaded.name}:{uploaded.size}"
    wanted_side = None if role == "audio" else max_side
    if entry and entry["file_id"] == file_id and entry["max_side"] == wanted_side:
        return entry.get("error") or entry.get("value")
    data = uploaded.getvalue()
    try:
        if role == "audio":
            value: Any = (inspect_audio(data, uploaded.name), data)
        else:
            value = prepare_image(data, uploaded.name, max_side=max_side)
        entry = {"file_id": file_id, "max_side": wanted_side, "value": value, "name": uploaded.name}
    except MediaError as exc:
        entry = {"file_id": file_id, "max_side": wanted_side, "error": exc, "name": uploaded.name}
    cache[role] = entry
    return entry.get("error") or entry.get("value")


def uploaded_name(role: str) -> str | None:
    entry = st.session_state.get(PREPARED, {}).get(role)
    return entry.get("name") if entry else None


def _detached(role: str) -> bool:
    return bool((st.session_state.get(PREPARED, {}).get(role) or {}).get("detached"))


def _forget_file(role: str) -> None:
    st.session_state.get(PREPARED, {}).pop(role, None)


def _kept_file_note(role: str, what: str) -> None:
    """A file kept from before the user visited another page, with a way to drop it."""
    if _detached(role):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(f"Using **{md(uploaded_name(role))}**, uploaded earlier. Upload another {what} above to replace it.")
        right.button("Remove", key=f"studio_forget_{role}_file", on_click=_forget_file, args=(role,), width="stretch")


def _forget_reuse(role: str) -> None:
    st.session_state.get(REUSE, {}).pop(role, None)


def reuse_of(job: Job) -> dict[str, dict]:
    """The files of ``job`` already on HeyGen, by role, as ``REUSE`` holds them."""
    inputs = job.inputs or {}
    spec = VideoSpec.from_dict(inputs.get("spec") or {})
    reuse: dict[str, dict] = {}
    if spec.image_asset_id:
        reuse["image"] = {"asset_id": spec.image_asset_id, "name": inputs.get("photo_name") or "photo"}
    if spec.audio_asset_id:
        reuse["audio"] = {"asset_id": spec.audio_asset_id, "name": inputs.get("audio_name") or "audio",
                          "seconds": inputs.get("audio_seconds")}
    if spec.background_asset_id:
        reuse["background"] = {"asset_id": spec.background_asset_id,
                               "name": inputs.get("background_name") or "image"}
    return reuse


def offer_again(job: Job) -> None:
    """Offer ``job``'s files on HeyGen again by asset id, and empty the uploaders."""
    state = st.session_state
    state[REUSE] = reuse_of(job)
    state[PREPARED] = {}
    state[UPLOAD_GEN] = int(state.get(UPLOAD_GEN, 0)) + 1


def photo_section(draft: Draft) -> None:
    """Upload a photo to animate; show the prepared picture, what was done and what makes a good photo."""
    st.file_uploader(
        "Photo to animate", key=uploader_key("image"),
        help="A JPEG, PNG or WebP photo of one person. It is checked and prepared here before anything is sent.",
    )
    error = draft.media_errors.get("image")
    reuse = st.session_state.get(REUSE, {}).get("image")
    if error is not None:
        show_error(error)
    elif draft.photo is not None:
        photo = draft.photo
        with st.container(border=True, key="studio_photo_ready"):
            left, right = st.columns([1, 1.2], gap="medium")
            left.image(photo.data, width="stretch")
            left.caption(f"Ready to send · {photo.width}×{photo.height}")
            with right:
                st.markdown("**What we did**")
                st.markdown("\n".join(f"- {note}" for note in photo.notes) or "- Nothing needed changing")
                ow, oh = photo.original_size
                st.caption(f"Original: {photo.original_format}, {ow}×{oh}")
        _kept_file_note("image", "photo")
    elif reuse:
        st.info(f"Previously uploaded photo **{md(reuse['name'])}** will be used again (it is already on HeyGen).",
                icon=":material/image:")
        st.button("Use a different photo", key="studio_forget_photo", on_click=_forget_reuse, args=("image",))
    field_error(draft, "speaker")
    st.caption(PHOTO_TIPS)


def audio_section(draft: Draft) -> None:
    """Upload a voice recording instead of a script; show a player and its length."""
    st.file_uploader(
        "Voice recording", key=uploader_key("audio"),
        help="MP3, WAV or M4A, at most 200 MB and 10 minutes. It is uploaded to HeyGen when you press Generate "
             "(files over 32 MB go straight to HeyGen's storage, with a progress bar).",
    )
    error = draft.media_errors.get("audio")
    reuse = st.session_state.get(REUSE, {}).get("audio")
    if error is not None:
        show_error(error)
    elif draft.audio is not None:
        info = draft.audio
        with st.container(border=True, key="studio_audio_ready"):
            st.audio(draft.audio_data, format=info.mime_type)
            st.caption(f"{info.format.upper()} · {format_duration(info.duration_seconds)} · "
                       f"{info.size_bytes / 1024 / 1024:.1f} MB — the video will be as long as this recording.")
        _kept_file_note("audio", "recording")
    elif reuse:
        length = f" ({format_duration(reuse.get('seconds'))})" if reuse.get("seconds") else ""
        st.info(f"Previously uploaded audio **{md(reuse['name'])}**{length} will be used again.",
                icon=":material/headphones:")
        st.button("Use a different recording", key="studio_forget_audio", on_click=_forget_reuse, args=("audio",))
    else:
        st.caption("The avatar lip-syncs to your recording. No voice or script is needed.")
    field_error(draft, "audio")


def background_section(draft: Draft) -> None:
    """Upload a background image; show it ready, or the one already on HeyGen."""
    state = st.session_state
    st.file_uploader("Background image", key=uploader_key("background"),
                     help="A JPEG, PNG or WebP picture, checked like a photo.")
    error = draft.media_errors.get("background")
    reuse = state.get(REUSE, {}).get("background")
    if error is not None:
        show_error(error)
    elif draft.background is not None:
        bg = draft.background
        st.image(bg.data, width=220)
        st.caption(f"Ready to send · {bg.width}×{bg.height}")
        _kept_file_note("background", "image")
    elif reuse:
        st.info(f"Previously uploaded background **{md(reuse['name'])}** will be used again.", icon=":material/image:")
        st.button("Use a different image", key="studio_forget_bg", on_click=_forget_reuse, args=("background",))
