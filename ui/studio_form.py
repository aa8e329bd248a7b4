"""The Studio page's inputs, checks and launch.

Every input lives in session state under a ``studio_*`` key, so a rerun, a failed launch or a
trip to another page keeps it. Each run, ``collect`` turns that state into a ``Draft`` (the
VideoSpec, the files to upload on launch, display extras and the problems by field) before any
widget is drawn, so messages appear next to the fields in the same run.

Launch and Edit & retry go through the shared ``launch_form.LaunchForm`` (``FORM``): the job
(``launch.create_job``) is recorded once and sent once with its idempotency key; a run interrupted
mid-launch is resumed with the same job; after a failure, Generate with unchanged inputs retries the
same job; changed inputs make a new job.

What a job's ``inputs`` hold besides ``spec`` (``VideoSpec.to_dict()``):
    studio: 1                 format version of these extras
    source: "avatar" | "photo"          speech: "script" | "audio"
    avatar_name, avatar_type  (avatar)  photo_name, photo_notes[] (photo; original file name)
    voice_name, voice_language (script) audio_name, audio_seconds (audio)
    background_name           (background image)
    estimated_seconds         spoken length estimate, or the audio's length
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

from heygen.studio import launch
from heygen.api.avatars import AvatarLook
from heygen.studio.jobs import Job
from heygen.studio.media import AudioInfo, MediaError, PreparedImage, inspect_audio, max_side_for, prepare_image
from heygen.studio.scripting import (
    MAX_SCRIPT_CHARS, char_count, default_title, estimated_seconds, format_duration, has_break_tags, insert_pause, remove_breaks, word_count,
)
from heygen.studio.validation import validate_spec
from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, EXPRESSIVENESS, FITS, RESOLUTIONS, VideoSpec
from heygen.studio.formats import suggested_aspect, supports_avatar_v, supports_transparent
from heygen.api.voices import Voice

from . import connection, launch_form, listen, nav, pickers
from .catalogue import TYPE_LABELS, Catalogue
from .feedback import show_error
from .text import md

P = "studio"  # key prefix of the pickers on this page

SOURCE_TAB, SOURCE_AVATAR, SOURCE_PHOTO = "studio_source_tab", "Avatar", "Your photo"
SPEECH_TAB, SPEECH_SCRIPT, SPEECH_AUDIO = "studio_speech_tab", "Script", "Your audio"
SCRIPT = "studio_script"
TITLE, TITLE_AUTO = "studio_title", "studio_title_auto"
ASPECT, RESOLUTION = "studio_aspect", "studio_resolution"
ASPECT_MANUAL = "studio_aspect_manual"  # the user chose the ratio: it no longer follows the speaker's picture
CAPTIONS_KEY, FIT = "studio_captions", "studio_fit"
TRANSPARENT, AVATAR_V = "studio_transparent", "studio_avatar_v"
BG_MODE, BG_COLOUR = "studio_bg_mode", "studio_bg_colour"
REMOVE_BG = "studio_remove_bg"
EXPRESSIVENESS_KEY, MOTION = "studio_expressiveness", "studio_motion_prompt"
SPEED, PITCH = "studio_speed", "studio_pitch"
UPLOAD_GEN = "studio_upload_gen"  # bumped to empty the file uploaders (Edit & retry)
REUSE = "studio_reuse"  # role -> {"asset_id", "name", ["seconds"]}: files already on HeyGen
PREPARED = "studio_prepared"  # role -> {"file_id", "max_side", "name", "value" | "error", ["detached"]}
SAVED = "studio_saved"  # widget values carried over a visit to another page
SCRIPT_LIMIT = "studio_script_limit"

ROLE_FIELD = {"image": "speaker", "audio": "audio", "background": "background"}
BG_MODES = {"none": "None", "colour": "Colour", "image": "Image"}
ASPECT_LABELS = {"16:9": ":material/crop_landscape: 16:9", "9:16": ":material/crop_portrait: 9:16",
                 "1:1": ":material/crop_square: 1:1", "4:5": "4:5", "5:4": "5:4", "auto": "Auto"}
ASPECT_WORDS = {"16:9": "16:9 landscape", "9:16": "9:16 portrait", "1:1": "1:1 square", "4:5": "4:5 portrait",
                "5:4": "5:4 landscape", "auto": "aspect of the picture"}
CAPTION_LABELS = {"off": "Off", "sidecar": "Subtitle file (SRT)", "burned": "Burned in"}
FIT_LABELS = {"auto": "Auto", "cover": "Cover: fill the frame", "contain": "Contain: show it whole"}
RESOLUTION_LABELS = {"720p": "720p", "1080p": "1080p", "4k": "4K"}
# HeyGen's "param" in a 400 answer -> the field on this page.
PARAM_FIELDS = {
    "script": "script", "voice_id": "voice", "avatar_id": "speaker", "image": "speaker", "image.asset_id": "speaker",
    "audio_asset_id": "audio", "audio_url": "audio", "voice_settings.speed": "speed", "speed": "speed",
    "voice_settings.pitch": "pitch", "pitch": "pitch", "title": "title", "resolution": "resolution",
    "aspect_ratio": "aspect_ratio", "background": "background", "background.value": "background",
    "background.asset_id": "background", "expressiveness": "expressiveness", "motion_prompt": "motion_prompt",
    "remove_background": "remove_background", "caption": "captions", "caption.style": "captions",
    "caption.file_format": "captions", "fit": "fit", "output_format": "output_format", "engine": "engine",
    "engine.type": "engine",
}
FORM = launch_form.LaunchForm(nav.STUDIO, param_fields=PARAM_FIELDS)
PHOTO_TIPS = (
    "**What makes a good photo:** one person, face clearly visible and looking at the camera, even light, "
    "nothing covering the mouth or eyes, head and shoulders in the frame. HeyGen cannot animate a photo "
    "without a clear, frontal face."
)

DEFAULTS: dict[str, Any] = {
    SOURCE_TAB: SOURCE_AVATAR, SPEECH_TAB: SPEECH_SCRIPT, SCRIPT: "", TITLE: "", TITLE_AUTO: "",
    ASPECT: "16:9", RESOLUTION: "1080p", BG_MODE: "none", BG_COLOUR: "#f4f3fb", REMOVE_BG: False,
    EXPRESSIVENESS_KEY: "default", MOTION: "", SPEED: 1.0, PITCH: 0, UPLOAD_GEN: 0, ASPECT_MANUAL: False, CAPTIONS_KEY: "off", FIT: "auto", TRANSPARENT: False, AVATAR_V: False,
}


@dataclass
class Draft:
    """What the form currently describes, ready to validate and launch."""

    source: str
    speech: str
    spec: VideoSpec
    look: AvatarLook | None = None
    voice: Voice | None = None
    uploads: list[launch.Upload] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    media_errors: dict[str, MediaError] = field(default_factory=dict)
    photo: PreparedImage | None = None
    audio: AudioInfo | None = None
    audio_data: bytes | None = None
    background: PreparedImage | None = None
    estimated_seconds: float | None = None
    suggested_aspect: str | None = None
    signature: str = ""

    @property
    def is_photo(self) -> bool:
        return self.source == "photo" or (self.look is not None and self.look.is_photo)


def uploader_key(role: str) -> str:
    return f"studio_{role}_file_{st.session_state.get(UPLOAD_GEN, 0)}"


# -- start of every run ---------------------------------------------------------------------------


def start(conn: connection.Connection, catalogue: Catalogue) -> None:
    """Widget values kept over a visit to another page, defaults, and an Edit & retry prefill."""
    keys = _widget_keys()
    pickers.restore_widget_state(keys, store_key=SAVED)
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(REUSE, {})
    st.session_state.setdefault(PREPARED, {})
    FORM.start(conn, lambda job: _fill(catalogue, job))


def _widget_keys() -> list[str]:
    own = [SOURCE_TAB, SPEECH_TAB, SCRIPT, TITLE, ASPECT, RESOLUTION, BG_MODE, BG_COLOUR, REMOVE_BG,
           EXPRESSIVENESS_KEY, MOTION, SPEED, PITCH, CAPTIONS_KEY, FIT, TRANSPARENT, AVATAR_V]
    return own + pickers.widget_keys(P)


def _sync_title(draft: Draft) -> None:
    """Keep the title following the script (or the recording's name) until the user edits it."""
    state = st.session_state
    if draft.speech == "audio":
        name = draft.extras.get("audio_name") or ""
        auto = name.rsplit(".", 1)[0] if "." in name else name
    else:
        auto = default_title(state.get(SCRIPT, ""))
    if (state.get(TITLE) or "").strip() in ("", state.get(TITLE_AUTO, "")):
        state[TITLE] = auto
    state[TITLE_AUTO] = auto


def _fill(catalogue: Catalogue, job: Job) -> str:
    """Fill the form from a stored job's inputs (Edit & retry); the notice to show."""
    inputs = job.inputs or {}
    spec = VideoSpec.from_dict(inputs.get("spec") or {})
    state = st.session_state
    reuse: dict[str, dict] = {}
    state.pop(SCRIPT_LIMIT, None)
    state[PREPARED] = {}
    state[UPLOAD_GEN] = int(state.get(UPLOAD_GEN, 0)) + 1

    if spec.avatar_id:
        state[SOURCE_TAB] = SOURCE_AVATAR
        look = catalogue.look(spec.avatar_id)
        state[f"{P}_avatar_id"] = spec.avatar_id
        if look is not None:
            pickers.show_look_in_gallery(catalogue, P, look.id)
    elif spec.image_asset_id:
        state[SOURCE_TAB] = SOURCE_PHOTO
        reuse["image"] = {"asset_id": spec.image_asset_id, "name": inputs.get("photo_name") or "photo"}
    if spec.audio_asset_id:
        state[SPEECH_TAB] = SPEECH_AUDIO
        reuse["audio"] = {"asset_id": spec.audio_asset_id, "name": inputs.get("audio_name") or "audio",
                          "seconds": inputs.get("audio_seconds")}
    else:
        state[SPEECH_TAB] = SPEECH_SCRIPT
        state[SCRIPT] = spec.script or ""
        if spec.voice_id:
            pickers.select_voice(P, spec.voice_id, manual=True)
    state[SPEED] = float(spec.speed) if spec.speed is not None else 1.0
    state[PITCH] = int(round(spec.pitch)) if spec.pitch is not None else 0
    state[ASPECT] = spec.aspect_ratio if spec.aspect_ratio in ASPECT_RATIOS else DEFAULTS[ASPECT]
    state[ASPECT_MANUAL] = True
    state[CAPTIONS_KEY] = spec.captions if spec.captions in CAPTIONS else "off"
    state[FIT] = spec.fit if spec.fit in FITS else "auto"
    state[TRANSPARENT] = spec.output_format == "webm"
    state[AVATAR_V] = spec.engine == "avatar_v"
    state[RESOLUTION] = spec.resolution if spec.resolution in RESOLUTIONS else DEFAULTS[RESOLUTION]
    if spec.background_color:
        state[BG_MODE], state[BG_COLOUR] = "colour", spec.background_color
    elif spec.background_asset_id:
        state[BG_MODE] = "image"
        reuse["background"] = {"asset_id": spec.background_asset_id, "name": inputs.get("background_name") or "image"}
    else:
        state[BG_MODE] = "none"
    state[REMOVE_BG] = bool(spec.remove_background)
    state[EXPRESSIVENESS_KEY] = spec.expressiveness if spec.expressiveness in EXPRESSIVENESS else "default"
    state[MOTION] = spec.motion_prompt or ""
    state[REUSE] = reuse
    state[TITLE] = spec.title or ""
    state[TITLE_AUTO] = ""
    return launch_form.settings_loaded(job)


# -- files ------------------------------------------------------------------------------------------


def _prepare(role: str, max_side: int) -> Any:
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


# -- the draft ---------------------------------------------------------------------------------------


def collect(catalogue: Catalogue) -> Draft:
    """The form's current state as a Draft (nothing is sent)."""
    state = st.session_state
    source = "photo" if state.get(SOURCE_TAB) == SOURCE_PHOTO else "avatar"
    speech = "audio" if state.get(SPEECH_TAB) == SPEECH_AUDIO else "script"
    resolution = state.get(RESOLUTION) or DEFAULTS[RESOLUTION]
    max_side = max_side_for(resolution) if resolution in RESOLUTIONS else max_side_for("1080p")
    reuse = state.get(REUSE, {})
    spec = VideoSpec(resolution=resolution, aspect_ratio=state.get(ASPECT) or DEFAULTS[ASPECT])
    draft = Draft(source=source, speech=speech, spec=spec, extras={"studio": 1, "source": source, "speech": speech})
    extras = draft.extras
    own: dict[str, str] = {}

    def media(role: str) -> Any:
        result = _prepare(role, max_side)
        if isinstance(result, MediaError):
            draft.media_errors[role] = result
            own[ROLE_FIELD[role]] = str(result)
            return None
        return result

    # Who speaks.
    if source == "avatar":
        look_id = pickers.chosen_avatar_id(P)
        draft.look = catalogue.look(look_id)
        if draft.look is not None:
            spec.avatar_id = draft.look.id
            extras.update(avatar_name=draft.look.name, avatar_type=draft.look.avatar_type)
        elif look_id and not catalogue.looks_complete:
            own["speaker"] = "The chosen avatar has not been listed yet; wait a moment for the list to finish."
        elif look_id:
            own["speaker"] = "The avatar chosen earlier is no longer available; pick another one."
        else:
            own["speaker"] = "Pick an avatar from the gallery (or switch to “Your photo”)."
    else:
        photo = media("image")
        if photo is not None:
            draft.photo = photo
            draft.uploads.append(launch.Upload("image", photo.data, photo.filename, photo.mime_type))
            extras.update(photo_name=uploaded_name("image") or photo.filename, photo_notes=list(photo.notes))
        elif "image" in reuse and "image" not in draft.media_errors:
            spec.image_asset_id = reuse["image"]["asset_id"]
            extras["photo_name"] = reuse["image"]["name"]
        elif "speaker" not in own:
            own["speaker"] = "Upload a photo to animate (or switch to “Avatar”)."

    # What it says.
    if speech == "script":
        spec.script = state.get(SCRIPT, "")
        draft.voice = catalogue.voice(pickers.chosen_voice_id(P))
        if draft.voice is not None:
            spec.voice_id = draft.voice.voice_id
            extras.update(voice_name=draft.voice.name, voice_language=draft.voice.language)
        elif pickers.chosen_voice_id(P) and not catalogue.voices_complete:
            own["voice"] = "The chosen voice has not been listed yet; wait a moment for the list to finish."
        speed = float(state.get(SPEED, 1.0))
        pitch = float(state.get(PITCH, 0))
        spec.speed = None if abs(speed - 1.0) < 1e-9 else round(speed, 2)
        spec.pitch = None if pitch == 0 else pitch
        draft.estimated_seconds = estimated_seconds(spec.script, speed=speed)
    else:
        audio = media("audio")
        if audio is not None:
            info, data = audio
            draft.audio, draft.audio_data = info, data
            draft.uploads.append(launch.Upload("audio", data, info.filename, info.mime_type))
            extras.update(audio_name=uploaded_name("audio") or info.filename,
                          audio_seconds=round(info.duration_seconds, 2))
            draft.estimated_seconds = info.duration_seconds
        elif "audio" in reuse and "audio" not in draft.media_errors:
            spec.audio_asset_id = reuse["audio"]["asset_id"]
            extras.update(audio_name=reuse["audio"]["name"], audio_seconds=reuse["audio"].get("seconds"))
            draft.estimated_seconds = reuse["audio"].get("seconds")
        elif "audio" not in own:
            own["audio"] = "Upload an audio file (or switch to “Script”)."

    # Options.
    mode = state.get(BG_MODE, "none")
    if mode == "colour":
        spec.background_color = state.get(BG_COLOUR)
    elif mode == "image":
        background = media("background")
        if background is not None:
            draft.background = background
            draft.uploads.append(
                launch.Upload("background", background.data, background.filename, background.mime_type)
            )
            extras["background_name"] = uploaded_name("background") or background.filename
        elif "background" in reuse and "background" not in draft.media_errors:
            spec.background_asset_id = reuse["background"]["asset_id"]
            extras["background_name"] = reuse["background"]["name"]
        elif "background" not in own:
            own["background"] = "Upload a background image, or choose “None” or “Colour”."
    spec.remove_background = True if state.get(REMOVE_BG) else None
    _output_options(draft)
    if draft.is_photo:
        chosen = state.get(EXPRESSIVENESS_KEY)
        spec.expressiveness = chosen if chosen in EXPRESSIVENESS else None
        spec.motion_prompt = (state.get(MOTION) or "").strip() or None
    _sync_title(draft)
    title = (state.get(TITLE) or "").strip()
    spec.title = title or _fallback_title(draft)
    if draft.estimated_seconds is not None:
        extras["estimated_seconds"] = round(draft.estimated_seconds, 1)

    checks = validate_spec(
        spec, avatar=draft.look, voice=draft.voice, pending=[u.role for u in draft.uploads],
        max_script_chars=script_limit(),
    )
    # Our own, more specific messages win; "choose who speaks" style messages come from here.
    draft.errors = {**checks, **own}
    if speech == "audio":
        draft.errors.pop("script", None)
    draft.signature = _signature(spec, draft.uploads)
    pickers.save_widget_state(_widget_keys(), store_key=SAVED)
    return draft


def _now(key: str) -> Any:
    """A widget's current value, or its default: passed to the widget as well as kept in the session,
    because a widget drawn while its value is missing from the session (seen in browsers while the
    lists load) would otherwise fall to its first option or minimum (a 0.5× speed, 720p)."""
    return st.session_state.get(key, DEFAULTS[key])


def _output_options(draft: Draft) -> None:
    """Captions, fit, transparent webm and Avatar V; the ratio follows the speaker's picture until chosen."""
    state, spec = st.session_state, draft.spec
    captions = state.get(CAPTIONS_KEY)
    spec.captions = captions if captions in CAPTIONS else None
    fit = state.get(FIT)
    spec.fit = fit if fit in FITS else None
    avatar = draft.source == "avatar"
    spec.output_format = "webm" if avatar and state.get(TRANSPARENT) else None
    spec.engine = "avatar_v" if avatar and state.get(AVATAR_V) else None
    if avatar:
        draft.suggested_aspect = suggested_aspect(draft.look)
    elif draft.photo is not None:
        draft.suggested_aspect = suggested_aspect(size=(draft.photo.width, draft.photo.height))
    if draft.suggested_aspect and not state.get(ASPECT_MANUAL) and state.get(ASPECT) != draft.suggested_aspect:
        state[ASPECT] = spec.aspect_ratio = draft.suggested_aspect


def _aspect_chosen() -> None:
    st.session_state[ASPECT_MANUAL] = True


def _use_aspect(ratio: str) -> None:
    st.session_state[ASPECT] = ratio
    st.session_state[ASPECT_MANUAL] = False


def _fallback_title(draft: Draft) -> str:
    if draft.source == "photo":
        return "Photo video"
    return f"{draft.look.name} video" if draft.look else "Untitled video"


def _signature(spec: VideoSpec, uploads: list[launch.Upload]) -> str:
    payload = {
        "spec": spec.to_dict(),
        "uploads": [(u.role, u.filename, hashlib.sha256(u.data).hexdigest()) for u in uploads],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def script_limit() -> int:
    """5,000, or the lower limit HeyGen reported for this account."""
    return int(st.session_state.get(SCRIPT_LIMIT) or MAX_SCRIPT_CHARS)


# -- showing problems -----------------------------------------------------------------------------------


def settle(draft: Draft) -> None:
    """A launch requested with problems in the form does not start: the messages show instead."""
    FORM.settle(draft.errors, draft.signature)


def field_error(draft: Draft, name: str) -> None:
    """The message for one field, under it (after a launch attempt, or from HeyGen's answer)."""
    role = next((r for r, f in ROLE_FIELD.items() if f == name), None)
    FORM.field_error(name, draft.errors, shown_elsewhere=role in draft.media_errors)  # shown at the upload


def show_notice() -> None:
    FORM.show_notice()


# -- sections -------------------------------------------------------------------------------------------


def _forget_reuse(role: str) -> None:
    st.session_state.get(REUSE, {}).pop(role, None)


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


def _insert_pause() -> None:
    st.session_state[SCRIPT] = insert_pause(st.session_state.get(SCRIPT, ""))


def _remove_pauses() -> None:
    st.session_state[SCRIPT] = remove_breaks(st.session_state.get(SCRIPT, ""))


def script_section(draft: Draft, catalogue: Catalogue, conn: connection.Connection | None = None) -> None:
    """Voice, speed and pitch, the script editor with its counters and the pause helper, and Listen."""
    conn = conn or connection.current()
    st.markdown("**Voice**")
    pickers.voice_picker(catalogue, key_prefix=P, avatar=draft.look if draft.source == "avatar" else None,
                         speech_ids=listen.speech_voice_ids(conn))
    field_error(draft, "voice")
    c1, c2 = st.columns(2)
    c1.slider("Speed", 0.5, 1.5, value=_now(SPEED), step=0.05, key=SPEED, format="%.2f×")
    c2.slider("Pitch", -50, 50, value=_now(PITCH), step=1, key=PITCH)
    field_error(draft, "speed")
    field_error(draft, "pitch")

    limit = script_limit()
    st.text_area(
        "Script", key=SCRIPT, height=220,
        placeholder="Type what the avatar should say. Press Ctrl+Enter (⌘+Enter) to update the counters.",
    )
    script = st.session_state.get(SCRIPT, "")
    chars = char_count(script)
    words = word_count(script)
    seconds = estimated_seconds(script, speed=float(st.session_state.get(SPEED, 1.0)))
    count = f"{chars:,} / {limit:,} characters"
    count = f":red[**{count}**]" if chars > limit else count
    info, action = st.columns([2.1, 1.3], vertical_alignment="center")
    info.caption(f"{count} · {words:,} word{'s' if words != 1 else ''} · about {format_duration(seconds)} spoken")
    voice = draft.voice
    if voice is not None and voice.support_pause:
        action.button("Insert pause", key="studio_insert_pause", on_click=_insert_pause, width="stretch",
                      icon=":material/pause:",
                      help='Adds <break time="1s"/> at the end of the script: a one-second pause.')
    elif voice is not None:
        action.caption("This voice does not support pauses.")
    if voice is not None and not voice.support_pause and has_break_tags(script):
        st.warning(f"The script has pause tags, but “{md(voice.name)}” does not support pauses.",
                   icon=":material/pause_circle:")
        st.button("Remove the pause tags", key="studio_remove_pauses", on_click=_remove_pauses)
    field_error(draft, "script")
    with st.container(border=True, key="studio_listen_box"):
        listen.button(conn, key="studio_listen", voice=draft.voice, text=script,
                      speed=float(st.session_state.get(SPEED, 1.0)))


def options_section(draft: Draft) -> None:
    """Title, format, background and the photo-only options."""
    state = st.session_state
    st.text_input("Title", key=TITLE, placeholder=_fallback_title(draft),
                  help="Filled in from the first words of the script; change it freely.")
    field_error(draft, "title")
    c1, c2 = st.columns(2)
    st.segmented_control("Aspect ratio", list(ASPECT_RATIOS), key=ASPECT, required=True, default=_now(ASPECT),
                         format_func=ASPECT_LABELS.get, on_change=_aspect_chosen,
                         help="Auto keeps the shape of the avatar's video or of your photo.")
    suggestion = draft.suggested_aspect
    if suggestion and state.get(ASPECT) != suggestion:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(f"{ASPECT_WORDS[suggestion].capitalize()} fits the chosen "
                     f"{'photo' if draft.source == 'photo' else 'look'}.")
        right.button(f"Use {suggestion}", key="studio_use_suggested_aspect", on_click=_use_aspect, args=(suggestion,),
                     width="stretch")
    elif suggestion:
        st.caption(f"{ASPECT_WORDS[suggestion].capitalize()}: it fits the chosen "
                   f"{'photo' if draft.source == 'photo' else 'look'}.")
    field_error(draft, "aspect_ratio")
    st.segmented_control("Resolution", list(RESOLUTIONS), key=RESOLUTION, required=True, default=_now(RESOLUTION),
                         format_func=RESOLUTION_LABELS.get)
    st.segmented_control("Fit", ["auto", *FITS], key=FIT, required=True, default=_now(FIT), format_func=FIT_LABELS.get,
                         help="Cover fills the frame and may crop the edges; Contain shows the whole picture and may "
                              "leave background around it; Auto lets HeyGen choose.")
    st.caption("1080p and 4K depend on your HeyGen plan (free plans render 720p).")
    field_error(draft, "resolution")
    field_error(draft, "fit")
    st.segmented_control("Captions", list(CAPTION_LABELS), key=CAPTIONS_KEY, required=True, default=_now(CAPTIONS_KEY),
                         format_func=CAPTION_LABELS.get,
                         help="A subtitle file (SRT) comes with the video; Burned in also writes the captions "
                              "into the picture.")
    field_error(draft, "captions")

    st.segmented_control("Background", list(BG_MODES), key=BG_MODE, required=True, default=_now(BG_MODE),
                         format_func=BG_MODES.get)
    mode = state.get(BG_MODE)
    if mode == "colour":
        st.color_picker("Background colour", key=BG_COLOUR, value=_now(BG_COLOUR))
    elif mode == "image":
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
    field_error(draft, "background")
    st.toggle("Remove the avatar's own background", key=REMOVE_BG,
              help="Video avatars must have been trained with background removal for this to work.")
    _look_options(draft)

    if draft.is_photo:
        c1, c2 = st.columns([1, 2])
        c1.selectbox("Expressiveness", ["default", *EXPRESSIVENESS], key=EXPRESSIVENESS_KEY,
                     format_func=lambda v: "Default (low)" if v == "default" else v.capitalize())
        c2.text_input("Motion prompt", key=MOTION, placeholder="e.g. nods gently and smiles while talking")
        field_error(draft, "expressiveness")
        field_error(draft, "motion_prompt")
    else:
        st.caption("Expressiveness and a motion prompt are available for photo avatars and your own photos.")


def _look_options(draft: Draft) -> None:
    """Transparent webm and Avatar V, offered only where the chosen look supports them."""
    state, look = st.session_state, draft.look
    if draft.source != "avatar" or look is None:
        if draft.source == "photo":
            st.caption("A transparent background and Avatar V are available with avatars, not with your own photo.")
        return
    if supports_transparent(look) or state.get(TRANSPARENT):
        st.toggle("Transparent background (WebM)", key=TRANSPARENT,
                  help="A WebM video with no background, to lay over your own footage. No background is sent.")
        field_error(draft, "output_format")
    else:
        st.caption(f"A transparent background is not available for “{md(look.name)}”.")
    if supports_avatar_v(look) or state.get(AVATAR_V):
        st.toggle("Use Avatar V", key=AVATAR_V, help="HeyGen's newer engine, for looks that list it. "
                                                     "Avatar IV is used otherwise.")
        field_error(draft, "engine")
    else:
        st.caption(f"Avatar V is not available for “{md(look.name)}”; it renders with Avatar IV.")


def summary_lines(draft: Draft) -> list[tuple[str, str]]:
    """(label, text) pairs describing what will be sent."""
    spec, extras = draft.spec, draft.extras
    lines = []
    if draft.source == "avatar":
        look = draft.look
        who = f"{look.name} ({TYPE_LABELS.get(look.avatar_type, 'avatar')})" if look else "— no avatar chosen"
    elif draft.photo is not None:
        who = f"your photo {extras.get('photo_name')} ({draft.photo.width}×{draft.photo.height})"
    elif spec.image_asset_id:
        who = f"previously uploaded photo {extras.get('photo_name')}"
    else:
        who = "— no photo yet"
    lines.append(("Who speaks", who))
    if draft.speech == "script":
        voice = f"voice {draft.voice.name}" if draft.voice else "no voice chosen"
        tuning = []
        if spec.speed is not None:
            tuning.append(f"speed {spec.speed:g}×")
        if spec.pitch is not None:
            tuning.append(f"pitch {spec.pitch:+g}")
        extra = f" ({', '.join(tuning)})" if tuning else ""
        lines.append(("What it says", f"script of {char_count(spec.script):,} characters, {voice}{extra}"))
    elif draft.audio is not None or spec.audio_asset_id:
        lines.append(("What it says", f"your recording {extras.get('audio_name')}"))
    else:
        lines.append(("What it says", "— no recording yet"))
    fmt = [ASPECT_WORDS.get(spec.aspect_ratio, spec.aspect_ratio),
           RESOLUTION_LABELS.get(spec.resolution, spec.resolution)]
    if spec.background_color:
        fmt.append(f"background {spec.background_color}")
    elif draft.background is not None or spec.background_asset_id:
        fmt.append(f"background image {extras.get('background_name')}")
    if spec.remove_background:
        fmt.append("own background removed")
    if spec.expressiveness:
        fmt.append(f"{spec.expressiveness} expressiveness")
    if spec.fit:
        fmt.append(f"fit {spec.fit}")
    if spec.captions:
        fmt.append("captions burned in" if spec.captions == "burned" else "subtitle file")
    if spec.output_format == "webm":
        fmt.append("transparent WebM")
    if spec.engine == "avatar_v":
        fmt.append("Avatar V")
    lines.append(("Format", " · ".join(fmt)))
    lines.append(("Title", spec.title or ""))
    lines.append(("Length", f"about {format_duration(draft.estimated_seconds)}" if draft.estimated_seconds else "—"))
    return lines


def request_body(draft: Draft) -> dict[str, Any]:
    """The POST /v3/videos body as it will be sent, with placeholders for files not uploaded yet."""
    placeholder = "(uploaded when you press Generate)"
    spec = replace(draft.spec)
    for upload in draft.uploads:
        setattr(spec, launch.UPLOAD_FIELDS[upload.role], placeholder)
    return spec.to_body()


def launch_section(conn: connection.Connection, draft: Draft) -> None:
    """The summary, the Generate button and, while launching, the progress."""
    FORM.panel(
        summary=summary_lines(draft), body=request_body(draft), problems=draft.errors,
        button="Generate video", icon=":material/movie:", kept="Your inputs are all still here.",
        run=lambda: _run_launch(conn, draft),
    )


def _run_launch(conn: connection.Connection, draft: Draft) -> None:
    FORM.run(conn, launch_form.Launch(
        signature=draft.signature, payload=list(draft.uploads),
        create=lambda store: launch.create_job(store, account=conn.account, spec=draft.spec, extra=draft.extras),
        after=_reuse_uploads_of, on_failure=_learn_script_limit,
    ))


def _reuse_uploads_of(job: Any) -> None:
    """After a launch, the files it uploaded are offered again by asset id (not uploaded twice)."""
    state = st.session_state
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
    state[REUSE] = reuse
    state[PREPARED] = {}
    state[UPLOAD_GEN] = int(state.get(UPLOAD_GEN, 0)) + 1


_LIMIT_IN_MESSAGE = re.compile(r"(\d[\d,]*)\s*(?:characters|chars)", re.IGNORECASE)


def _learn_script_limit(error: dict[str, Any]) -> None:
    """A launch refused for its script length teaches the form this account's lower limit."""
    state = st.session_state
    about_script = error.get("param") == "script" or (
        not error.get("param") and "script" in str(error.get("heygen_message") or "").lower()
    )
    if about_script:
        numbers = [int(n.replace(",", "")) for n in _LIMIT_IN_MESSAGE.findall(str(error.get("heygen_message") or ""))]
        limits = [n for n in numbers if 0 < n < MAX_SCRIPT_CHARS]
        if limits:
            state[SCRIPT_LIMIT] = min(limits)
