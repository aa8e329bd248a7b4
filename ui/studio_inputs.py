"""The Studio form's inputs: their session keys and defaults, the ``Draft`` a run collects from them, and
the form's launch bookkeeping (``FORM``, a ``launch_form.LaunchForm``) with the message under each field.

Every input lives in session state under a ``studio_*`` key, so a rerun, a failed launch or a trip to
another page keeps it. The sections (``studio_files``, ``studio_script``, ``studio_options``) and the
form (``studio_form``) share them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from heygen.api.avatars import AvatarLook
from heygen.api.videos import VideoSpec
from heygen.api.voices import Voice
from heygen.studio import launch
from heygen.studio.media import AudioInfo, MediaError, PreparedImage

from . import launch_form, nav, pickers

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

DEFAULTS: dict[str, Any] = {
    SOURCE_TAB: SOURCE_AVATAR, SPEECH_TAB: SPEECH_SCRIPT, SCRIPT: "", TITLE: "", TITLE_AUTO: "",
    ASPECT: "16:9", RESOLUTION: "1080p", BG_MODE: "none", BG_COLOUR: "#f4f3fb", REMOVE_BG: False,
    EXPRESSIVENESS_KEY: "default", MOTION: "", SPEED: 1.0, PITCH: 0, UPLOAD_GEN: 0, ASPECT_MANUAL: False,
    CAPTIONS_KEY: "off", FIT: "auto", TRANSPARENT: False, AVATAR_V: False,
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


def widget_keys() -> list[str]:
    """The keys of the widgets whose values are carried over a visit to another page."""
    own = [SOURCE_TAB, SPEECH_TAB, SCRIPT, TITLE, ASPECT, RESOLUTION, BG_MODE, BG_COLOUR, REMOVE_BG,
           EXPRESSIVENESS_KEY, MOTION, SPEED, PITCH, CAPTIONS_KEY, FIT, TRANSPARENT, AVATAR_V]
    return own + pickers.widget_keys(P)


def now(key: str) -> Any:
    """A widget's current value, or its default: passed to the widget as well as kept in the session,
    because a widget drawn while its value is missing from the session (seen in browsers while the
    lists load) would otherwise fall to its first option or minimum (a 0.5× speed, 720p)."""
    return st.session_state.get(key, DEFAULTS[key])


def uploader_key(role: str) -> str:
    return f"studio_{role}_file_{st.session_state.get(UPLOAD_GEN, 0)}"


def field_error(draft: Draft, name: str) -> None:
    """The message for one field, under it (after a launch attempt, or from HeyGen's answer)."""
    role = next((r for r, f in ROLE_FIELD.items() if f == name), None)
    FORM.field_error(name, draft.errors, shown_elsewhere=role in draft.media_errors)  # shown at the upload
