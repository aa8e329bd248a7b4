"""Checking a video before launch with the rules HeyGen applies, so mistakes are caught locally.

``validate_spec`` returns ``{field: message}`` (empty when the video can be sent). The fields are
the names in ``FIELDS``; a page shows each message next to the control for that field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from heygen.api.avatars import AvatarLook
from .scripting import MAX_SCRIPT_CHARS, bad_break_tags, has_break_tags, is_colour
from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, ENGINES, EXPRESSIVENESS, FITS, OUTPUT_FORMATS, RESOLUTIONS, VideoSpec
from .formats import supports_avatar_v, supports_transparent
from heygen.api.voices import Voice

__all__ = ["FIELDS", "SPEED_RANGE", "PITCH_RANGE", "validate_spec"]

FIELDS = (
    "speaker", "script", "voice", "audio", "speed", "pitch", "title", "resolution", "aspect_ratio",
    "background", "remove_background", "expressiveness", "motion_prompt", "captions", "fit", "output_format",
    "engine",
)
SPEED_RANGE = (0.5, 1.5)
PITCH_RANGE = (-50.0, 50.0)
UPLOAD_ROLES = ("image", "audio", "background")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def validate_spec(
    spec: VideoSpec,
    *,
    avatar: AvatarLook | None = None,
    voice: Voice | None = None,
    pending: Iterable[str] = (),
    max_script_chars: int = MAX_SCRIPT_CHARS,
) -> dict[str, str]:
    """Problems with ``spec``, by field; an empty dict means it can be launched.

    ``avatar`` and ``voice`` are the catalogue entries for ``spec.avatar_id`` / ``spec.voice_id``
    when known (the avatar's readiness and type, the voice's pause support are checked then).
    ``pending`` names the files that will be uploaded on launch ("image", "audio",
    "background"): they count as present although their asset ids are not known yet.
    """
    pending = set(pending)
    unknown_roles = pending - set(UPLOAD_ROLES)
    if unknown_roles:
        raise ValueError(f"unknown upload role(s): {', '.join(sorted(unknown_roles))}")
    errors: dict[str, str] = {}
    has_image = bool(spec.image_asset_id or spec.image_url or "image" in pending)
    _speaker_checks(spec, avatar, has_image, errors)
    is_photo = has_image or (avatar is not None and avatar.is_photo)
    has_audio = bool(spec.audio_asset_id or spec.audio_url or "audio" in pending)
    _speech_checks(spec, voice, has_audio, max_script_chars, errors)
    _voice_setting_checks(spec, errors)
    has_bg_image = bool(spec.background_asset_id or spec.background_url or "background" in pending)
    _option_checks(spec, avatar, is_photo, has_bg_image, errors)
    _output_checks(spec, avatar, has_image, has_bg_image, errors)
    return errors


def _speaker_checks(spec: VideoSpec, avatar: AvatarLook | None, has_image: bool, errors: dict[str, str]) -> None:
    """Who speaks: exactly one of an avatar look (ready) or an image."""
    if spec.avatar_id and has_image:
        errors["speaker"] = "Choose either an avatar or your own photo, not both."
    elif not spec.avatar_id and not has_image:
        errors["speaker"] = "Choose an avatar, or upload a photo to animate."
    elif spec.avatar_id and avatar is not None:
        if not avatar.ready:
            problem = f" ({avatar.error.message})" if avatar.error and avatar.error.message else ""
            name = avatar.name or "This avatar"
            errors["speaker"] = f"“{name}” is still being prepared and cannot be used yet{problem}."


def _speech_checks(spec: VideoSpec, voice: Voice | None, has_audio: bool, max_script_chars: int,
                   errors: dict[str, str]) -> None:
    """What it says: a script with a voice, or an audio file; never both."""
    script = spec.script
    if script is not None and has_audio:
        errors["audio"] = "Use either a script or an audio file, not both."
    elif script is None and not has_audio:
        errors["script"] = "Write a script, or upload an audio file for the avatar to lip-sync."
    if script is not None:
        problem = _script_problem(script, voice, max_script_chars)
        if problem is not None:
            errors["script"] = problem
        if not spec.voice_id:
            errors["voice"] = "Choose a voice to read the script."


def _script_problem(script: object, voice: Voice | None, max_script_chars: int) -> str | None:
    """What is wrong with a script itself (empty, too long, a malformed pause, pauses the voice lacks)."""
    if not isinstance(script, str) or not script.strip():
        return "The script is empty; write what the avatar should say."
    if len(script) > max_script_chars:
        return (
            f"The script is {len(script):,} characters long; HeyGen accepts at most "
            f"{max_script_chars:,}. Shorten it by {len(script) - max_script_chars:,} characters."
        )
    malformed = bad_break_tags(script)
    if malformed:
        return (
            f"This pause tag is not written correctly: {malformed[0]} — write pauses as "
            '<break time="1s"/>.'
        )
    if voice is not None and not voice.support_pause and has_break_tags(script):
        return (
            f"The voice “{voice.name or voice.voice_id}” does not support pauses; remove the "
            "<break …/> tags or choose a voice that supports them."
        )
    return None


def _voice_setting_checks(spec: VideoSpec, errors: dict[str, str]) -> None:
    """Speed and pitch within their ranges (voice settings apply to a script only)."""
    speed = spec.speed
    if speed is not None:
        value = _number(speed)
        if value is None or not SPEED_RANGE[0] <= value <= SPEED_RANGE[1]:
            errors["speed"] = f"Speed must be between {SPEED_RANGE[0]:g} and {SPEED_RANGE[1]:g}."
    pitch = spec.pitch
    if pitch is not None:
        value = _number(pitch)
        if value is None or not PITCH_RANGE[0] <= value <= PITCH_RANGE[1]:
            errors["pitch"] = f"Pitch must be between {PITCH_RANGE[0]:g} and {PITCH_RANGE[1]:g}."


def _option_checks(spec: VideoSpec, avatar: AvatarLook | None, is_photo: bool, has_bg_image: bool,
                   errors: dict[str, str]) -> None:
    """Title, resolution, aspect ratio, background, and a photo's expressiveness and motion prompt."""
    if spec.title is not None and not isinstance(spec.title, str):
        errors["title"] = "The title must be text."
    if spec.resolution is not None and spec.resolution not in RESOLUTIONS:
        errors["resolution"] = f"Resolution must be one of {', '.join(RESOLUTIONS)}."
    if spec.aspect_ratio is not None and spec.aspect_ratio not in ASPECT_RATIOS:
        errors["aspect_ratio"] = f"Aspect ratio must be one of {', '.join(ASPECT_RATIOS)}."
    if spec.background_color is not None:
        if has_bg_image:
            errors["background"] = "Choose either a background colour or a background image, not both."
        elif not is_colour(spec.background_color):
            errors["background"] = f"“{spec.background_color}” is not a colour; use the form #rrggbb, e.g. #1a2b3c."
    if spec.remove_background is not None and not isinstance(spec.remove_background, bool):
        errors["remove_background"] = "Remove background must be on or off."
    if spec.expressiveness is not None:
        if spec.expressiveness not in EXPRESSIVENESS:
            errors["expressiveness"] = f"Expressiveness must be one of {', '.join(EXPRESSIVENESS)}."
        elif not is_photo and avatar is not None:
            errors["expressiveness"] = "Expressiveness is only for photo avatars and your own photos."
    if spec.motion_prompt is not None:
        if not isinstance(spec.motion_prompt, str):
            errors["motion_prompt"] = "The motion prompt must be text."
        elif not is_photo and avatar is not None and spec.motion_prompt.strip() and spec.engine != "avatar_v":
            errors["motion_prompt"] = "A motion prompt is only for photo avatars and your own photos (or with Avatar V)."


def _output_checks(spec: VideoSpec, avatar: AvatarLook | None, has_image: bool, has_bg_image: bool,
                   errors: dict[str, str]) -> None:
    """Captions, fit, transparent webm and the engine."""
    if spec.captions is not None and spec.captions not in CAPTIONS:
        errors["captions"] = "Captions must be off, a subtitle file, or burned into the video."
    if spec.fit is not None and spec.fit not in FITS:
        errors["fit"] = f"Fit must be one of {', '.join(FITS)}."
    if spec.output_format is not None:
        if spec.output_format not in OUTPUT_FORMATS:
            errors["output_format"] = f"The file format must be one of {', '.join(OUTPUT_FORMATS)}."
        elif spec.output_format == "webm":
            if has_image:
                errors["output_format"] = "A transparent video needs an avatar that supports it, not your own photo."
            elif avatar is not None and not supports_transparent(avatar):
                errors["output_format"] = (f"“{avatar.name or avatar.id}” does not support a transparent background; "
                                           "choose MP4 or a studio avatar.")
            elif spec.background_color is not None or has_bg_image:
                errors["background"] = "A transparent video has no background; set the background to None."
    if spec.engine is not None:
        if spec.engine not in ENGINES:
            errors["engine"] = f"The engine must be one of {', '.join(ENGINES)}."
        elif spec.engine == "avatar_v":
            if has_image:
                errors["engine"] = "Avatar V works with avatars only, not with your own photo."
            elif avatar is not None and not supports_avatar_v(avatar):
                errors["engine"] = f"“{avatar.name or avatar.id}” cannot use Avatar V; choose Avatar IV."
            elif spec.expressiveness is not None:
                errors["expressiveness"] = "Expressiveness is not available with Avatar V; leave it at Default."
