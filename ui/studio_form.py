"""The Studio page's form: each run's start, the draft collected from the inputs, and the launch.

Every input lives in session state under a ``studio_*`` key (``studio_inputs``), so a rerun, a failed
launch or a trip to another page keeps it. Each run, ``collect`` turns that state into a ``Draft`` (the
VideoSpec, the files to upload on launch, display extras and the problems by field) before any widget
is drawn, so messages appear next to the fields in the same run. The sections are drawn by
``studio_files`` (photo, recording, background image), ``studio_script`` (voice and script) and
``studio_options`` (title, format, background, the look's options).

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
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, EXPRESSIVENESS, FITS, RESOLUTIONS, VideoSpec
from heygen.studio import launch
from heygen.studio.jobs import Job
from heygen.studio.media import MediaError, max_side_for
from heygen.studio.scripting import char_count, default_title, estimated_seconds, format_duration
from heygen.studio.validation import validate_spec

from . import connection, launch_form, pickers
from .catalogue import TYPE_LABELS, Catalogue
from .studio_files import offer_again, prepare, uploaded_name
from .studio_inputs import (
    ASPECT, ASPECT_MANUAL, AVATAR_V, BG_COLOUR, BG_MODE, CAPTIONS_KEY, DEFAULTS, EXPRESSIVENESS_KEY, FIT, FORM,
    MOTION, P, PITCH, PREPARED, REMOVE_BG, RESOLUTION, REUSE, ROLE_FIELD, SAVED, SCRIPT, SCRIPT_LIMIT, SOURCE_AVATAR,
    SOURCE_PHOTO, SOURCE_TAB, SPEECH_AUDIO, SPEECH_SCRIPT, SPEECH_TAB, SPEED, TITLE, TITLE_AUTO, TRANSPARENT, Draft,
    widget_keys,
)
from .studio_options import ASPECT_WORDS, RESOLUTION_LABELS, fallback_title, output_options
from .studio_script import learn_script_limit, script_limit

# The sections the page draws, from their own modules.
from .studio_files import audio_section, photo_section  # noqa: F401
from .studio_inputs import field_error  # noqa: F401
from .studio_options import options_section  # noqa: F401
from .studio_script import script_section  # noqa: F401


# -- start of every run ---------------------------------------------------------------------------


def start(conn: connection.Connection, catalogue: Catalogue) -> None:
    """Widget values kept over a visit to another page, defaults, and an Edit & retry prefill."""
    keys = widget_keys()
    pickers.restore_widget_state(keys, store_key=SAVED)
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(REUSE, {})
    st.session_state.setdefault(PREPARED, {})
    FORM.start(conn, lambda job: _fill(catalogue, job))


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
    spec = VideoSpec.from_dict((job.inputs or {}).get("spec") or {})
    state = st.session_state
    state.pop(SCRIPT_LIMIT, None)
    offer_again(job)  # its files already on HeyGen

    if spec.avatar_id:
        state[SOURCE_TAB] = SOURCE_AVATAR
        look = catalogue.look(spec.avatar_id)
        state[f"{P}_avatar_id"] = spec.avatar_id
        if look is not None:
            pickers.show_look_in_gallery(catalogue, P, look.id)
    elif spec.image_asset_id:
        state[SOURCE_TAB] = SOURCE_PHOTO
    if spec.audio_asset_id:
        state[SPEECH_TAB] = SPEECH_AUDIO
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
    else:
        state[BG_MODE] = "none"
    state[REMOVE_BG] = bool(spec.remove_background)
    state[EXPRESSIVENESS_KEY] = spec.expressiveness if spec.expressiveness in EXPRESSIVENESS else "default"
    state[MOTION] = spec.motion_prompt or ""
    state[TITLE] = spec.title or ""
    state[TITLE_AUTO] = ""
    return launch_form.settings_loaded(job)


# -- the draft ---------------------------------------------------------------------------------------


def collect(catalogue: Catalogue) -> Draft:
    """The form's current state as a Draft (nothing is sent)."""
    collecting = _begin()
    if collecting.draft.source == "avatar":
        _avatar(collecting, catalogue)
    else:
        _photo(collecting)
    if collecting.draft.speech == "script":
        _script(collecting, catalogue)
    else:
        _recording(collecting)
    _background(collecting)
    _options(collecting)
    _check(collecting)
    pickers.save_widget_state(widget_keys(), store_key=SAVED)
    return collecting.draft


@dataclass
class _Collecting:
    """A Draft being collected, with the form's own messages by field."""

    draft: Draft
    reuse: dict[str, Any]
    max_side: int
    own: dict[str, str] = field(default_factory=dict)

    def media(self, role: str) -> Any:
        """The checked file for ``role``, or None; a refused file's problem is kept by role and by field."""
        result = prepare(role, self.max_side)
        if isinstance(result, MediaError):
            self.draft.media_errors[role] = result
            self.own[ROLE_FIELD[role]] = str(result)
            return None
        return result

    def reused(self, role: str) -> dict[str, Any] | None:
        """The file for ``role`` already on HeyGen, unless a new file for it was refused."""
        if role in self.reuse and role not in self.draft.media_errors:
            return self.reuse[role]
        return None


def _begin() -> _Collecting:
    """An empty draft of the chosen source, speech, resolution and aspect ratio."""
    state = st.session_state
    source = "photo" if state.get(SOURCE_TAB) == SOURCE_PHOTO else "avatar"
    speech = "audio" if state.get(SPEECH_TAB) == SPEECH_AUDIO else "script"
    resolution = state.get(RESOLUTION) or DEFAULTS[RESOLUTION]
    max_side = max_side_for(resolution) if resolution in RESOLUTIONS else max_side_for("1080p")
    reuse = state.get(REUSE, {})
    spec = VideoSpec(resolution=resolution, aspect_ratio=state.get(ASPECT) or DEFAULTS[ASPECT])
    draft = Draft(source=source, speech=speech, spec=spec, extras={"studio": 1, "source": source, "speech": speech})
    return _Collecting(draft=draft, reuse=reuse, max_side=max_side)


def _avatar(collecting: _Collecting, catalogue: Catalogue) -> None:
    """Who speaks: the avatar chosen in the gallery."""
    draft, own = collecting.draft, collecting.own
    look_id = pickers.chosen_avatar_id(P)
    draft.look = catalogue.look(look_id)
    if draft.look is not None:
        draft.spec.avatar_id = draft.look.id
        draft.extras.update(avatar_name=draft.look.name, avatar_type=draft.look.avatar_type)
    elif look_id and not catalogue.looks_complete:
        own["speaker"] = "The chosen avatar has not been listed yet; wait a moment for the list to finish."
    elif look_id:
        own["speaker"] = "The avatar chosen earlier is no longer available; pick another one."
    else:
        own["speaker"] = "Pick an avatar from the gallery (or switch to “Your photo”)."


def _photo(collecting: _Collecting) -> None:
    """Who speaks: the user's photo, new or already uploaded."""
    draft, extras = collecting.draft, collecting.draft.extras
    photo = collecting.media("image")
    reused = collecting.reused("image") if photo is None else None
    if photo is not None:
        draft.photo = photo
        draft.uploads.append(launch.Upload("image", photo.data, photo.filename, photo.mime_type))
        extras.update(photo_name=uploaded_name("image") or photo.filename, photo_notes=list(photo.notes))
    elif reused is not None:
        draft.spec.image_asset_id = reused["asset_id"]
        extras["photo_name"] = reused["name"]
    elif "speaker" not in collecting.own:
        collecting.own["speaker"] = "Upload a photo to animate (or switch to “Avatar”)."


def _script(collecting: _Collecting, catalogue: Catalogue) -> None:
    """What it says: the script, its voice, speed and pitch, and its spoken length."""
    state = st.session_state
    draft, spec = collecting.draft, collecting.draft.spec
    spec.script = state.get(SCRIPT, "")
    draft.voice = catalogue.voice(pickers.chosen_voice_id(P))
    if draft.voice is not None:
        spec.voice_id = draft.voice.voice_id
        draft.extras.update(voice_name=draft.voice.name, voice_language=draft.voice.language)
    elif pickers.chosen_voice_id(P) and not catalogue.voices_complete:
        collecting.own["voice"] = "The chosen voice has not been listed yet; wait a moment for the list to finish."
    speed = float(state.get(SPEED, 1.0))
    pitch = float(state.get(PITCH, 0))
    spec.speed = None if abs(speed - 1.0) < 1e-9 else round(speed, 2)
    spec.pitch = None if pitch == 0 else pitch
    draft.estimated_seconds = estimated_seconds(spec.script, speed=speed)


def _recording(collecting: _Collecting) -> None:
    """What it says: the user's recording, new or already uploaded, and its length."""
    draft, extras = collecting.draft, collecting.draft.extras
    audio = collecting.media("audio")
    reused = collecting.reused("audio") if audio is None else None
    if audio is not None:
        info, data = audio
        draft.audio, draft.audio_data = info, data
        draft.uploads.append(launch.Upload("audio", data, info.filename, info.mime_type))
        extras.update(audio_name=uploaded_name("audio") or info.filename,
                      audio_seconds=round(info.duration_seconds, 2))
        draft.estimated_seconds = info.duration_seconds
    elif reused is not None:
        draft.spec.audio_asset_id = reused["asset_id"]
        extras.update(audio_name=reused["name"], audio_seconds=reused.get("seconds"))
        draft.estimated_seconds = reused.get("seconds")
    elif "audio" not in collecting.own:
        collecting.own["audio"] = "Upload an audio file (or switch to “Script”)."


def _background(collecting: _Collecting) -> None:
    """The background: none, a colour, or an image, new or already uploaded."""
    state = st.session_state
    draft = collecting.draft
    mode = state.get(BG_MODE, "none")
    if mode == "colour":
        draft.spec.background_color = state.get(BG_COLOUR)
    elif mode == "image":
        background = collecting.media("background")
        reused = collecting.reused("background") if background is None else None
        if background is not None:
            draft.background = background
            draft.uploads.append(
                launch.Upload("background", background.data, background.filename, background.mime_type)
            )
            draft.extras["background_name"] = uploaded_name("background") or background.filename
        elif reused is not None:
            draft.spec.background_asset_id = reused["asset_id"]
            draft.extras["background_name"] = reused["name"]
        elif "background" not in collecting.own:
            collecting.own["background"] = "Upload a background image, or choose “None” or “Colour”."


def _options(collecting: _Collecting) -> None:
    """The output options, a photo's expressiveness and motion, the title and the length estimate."""
    state = st.session_state
    draft, spec = collecting.draft, collecting.draft.spec
    spec.remove_background = True if state.get(REMOVE_BG) else None
    output_options(draft)
    if draft.is_photo:
        chosen = state.get(EXPRESSIVENESS_KEY)
        spec.expressiveness = chosen if chosen in EXPRESSIVENESS else None
        spec.motion_prompt = (state.get(MOTION) or "").strip() or None
    _sync_title(draft)
    title = (state.get(TITLE) or "").strip()
    spec.title = title or fallback_title(draft)
    if draft.estimated_seconds is not None:
        draft.extras["estimated_seconds"] = round(draft.estimated_seconds, 1)


def _check(collecting: _Collecting) -> None:
    """The draft's problems by field and its signature."""
    draft = collecting.draft
    checks = validate_spec(
        draft.spec, avatar=draft.look, voice=draft.voice, pending=[u.role for u in draft.uploads],
        max_script_chars=script_limit(),
    )
    # Our own, more specific messages win; "choose who speaks" style messages come from here.
    draft.errors = {**checks, **collecting.own}
    if draft.speech == "audio":
        draft.errors.pop("script", None)
    draft.signature = _signature(draft.spec, draft.uploads)


def _signature(spec: VideoSpec, uploads: list[launch.Upload]) -> str:
    payload = {
        "spec": spec.to_dict(),
        "uploads": [(u.role, u.filename, hashlib.sha256(u.data).hexdigest()) for u in uploads],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# -- showing problems -----------------------------------------------------------------------------------


def settle(draft: Draft) -> None:
    """A launch requested with problems in the form does not start: the messages show instead."""
    FORM.settle(draft.errors, draft.signature)


def show_notice() -> None:
    FORM.show_notice()


# -- launch ---------------------------------------------------------------------------------------------


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
        after=offer_again, on_failure=learn_script_limit,
    ))
