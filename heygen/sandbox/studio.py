"""Multi-scene videos in the sandbox (``POST /v3/videos`` with ``type: studio``): strict checks of
every scene, the video's length as the sum of its scenes' lengths, and what each scene says (its
script, in scene order, timed from where the scene starts).

Every message about a scene starts with "Scene N" (counted from 1) and its ``param`` is
``scenes[i]...`` (counted from 0), as HeyGen names the scene it refuses.
"""

from __future__ import annotations

import struct

from . import media
from .subtitles import Segment
from .errors import ApiError, invalid
from .validate import (
    IMAGE_TYPES, SCRIPT_MAX, _http_url, _is_number, _missing_asset, _voice_settings, asset_ref,
    require_object,
)

SCENES_MAX = 50
STILL_MAX_SECONDS = 300
ASPECT_RATIOS = ("16:9", "9:16", "4:5", "5:4", "1:1", "auto")
RESOLUTIONS = ("4k", "1080p", "720p")
TOP_FIELDS = {"type", "scenes", "title", "resolution", "aspect_ratio", "caption", "callback_url", "callback_id",
              "watermark"}
SPEECH_FIELDS = {"script", "voice_id", "audio_url", "audio_asset_id", "voice_settings"}
AVATAR_INPUT_FIELDS = {"type", "avatar_id", "background", "engine", "expressiveness", "motion_prompt"} | SPEECH_FIELDS
IMAGE_INPUT_FIELDS = {"type", "image", "expressiveness", "motion_prompt"} | SPEECH_FIELDS
SCENE_FIELDS = {
    "avatar_video": {"type", "input"},
    "image": {"type", "source", "duration"} | SPEECH_FIELDS,
    "video": {"type", "source", "playback"},
}
DEFAULT_AUDIO_SECONDS = 8.0
DEFAULT_CLIP_SECONDS = 5.0


class _Scene:
    """Names a scene's params and messages: ``scenes[1].input.voice_id`` / "Scene 2: ..."."""

    def __init__(self, index: int) -> None:
        self.index = index

    def param(self, name: str) -> str:
        return f"scenes[{self.index}].{name}" if name else f"scenes[{self.index}]"

    def fail(self, name: str, message: str):
        return invalid(self.param(name), f"Scene {self.index + 1}: {message}")


def _unknown(where: dict, allowed: set, scene: _Scene, prefix: str) -> None:
    for key in where:
        if key not in allowed:
            raise scene.fail(f"{prefix}{key}", f"unexpected field '{prefix}{key}'.")


def _ref(ref, scene: _Scene, name: str, lookup, kinds: tuple):
    try:
        return asset_ref(ref, scene.param(name), lookup, kinds=kinds)
    except ApiError as exc:  # the shared checker's message, prefixed with the scene
        if not exc.message.startswith("Scene "):
            exc.message = f"Scene {scene.index + 1}: {exc.message}"
        raise


def _speech(where: dict, scene: _Scene, prefix: str, lookup, *, voice_required: bool) -> float | None:
    """Check the one audio source of a speaking part; its length in seconds (None: it has none)."""
    script, voice_id = where.get("script"), where.get("voice_id")
    audio_asset_id, audio_url = where.get("audio_asset_id"), where.get("audio_url")
    sources = [n for n, v in (("script", script), ("audio_asset_id", audio_asset_id), ("audio_url", audio_url))
               if v is not None]
    if len(sources) > 1:
        raise scene.fail(prefix + sources[1], f"{' and '.join(sources)} are mutually exclusive; send one of them.")
    try:
        _voice_settings(where.get("voice_settings"))
    except ApiError as exc:
        exc.message = f"Scene {scene.index + 1}: {exc.message}"
        raise
    if not sources:
        return None
    if script is not None:
        if not isinstance(script, str) or not script.strip():
            raise scene.fail(prefix + "script", f"script must contain between 1 and {SCRIPT_MAX} characters "
                                                "(it is empty).")
        if len(script) > SCRIPT_MAX:
            raise scene.fail(prefix + "script", f"script must contain between 1 and {SCRIPT_MAX} characters "
                                                f"(it has {len(script)}).")
        if voice_id in (None, ""):
            if voice_required:
                raise scene.fail(prefix + "voice_id", "voice_id is required when script is provided.")
        elif not isinstance(voice_id, str) or lookup.voice(voice_id) is None:
            raise scene.fail(prefix + "voice_id", f"Voice '{voice_id}' not found.")
        return media.script_duration(script)
    if voice_id is not None:
        raise scene.fail(prefix + "voice_id", "voice_id goes with a script, not with an audio file.")
    if audio_asset_id is not None:
        asset = lookup.asset(audio_asset_id) if isinstance(audio_asset_id, str) else None
        if asset is None:
            raise scene.fail(prefix + "audio_asset_id", _missing_asset(audio_asset_id))
        if not asset.mime_type.startswith(("audio/", "video/")):
            raise scene.fail(prefix + "audio_asset_id", f"Asset '{audio_asset_id}' is {asset.mime_type}, not audio.")
        return media.wav_duration(asset.data) or DEFAULT_AUDIO_SECONDS
    try:
        _http_url(audio_url, scene.param(prefix + "audio_url"))
    except ApiError as exc:
        exc.message = f"Scene {scene.index + 1}: {exc.message}"
        raise
    return DEFAULT_AUDIO_SECONDS


def _avatar_video(raw: dict, scene: _Scene, lookup) -> tuple[float, str | None, bool]:
    inner = raw.get("input")
    if not isinstance(inner, dict):
        raise scene.fail("input", "input is required: an object of type 'avatar' or 'image'.")
    kind = inner.get("type")
    if kind == "avatar":
        _unknown(inner, AVATAR_INPUT_FIELDS, scene, "input.")
        avatar_id = inner.get("avatar_id")
        if not isinstance(avatar_id, str) or not avatar_id:
            raise scene.fail("input.avatar_id", "input.avatar_id is required when input.type is 'avatar'.")
        look = lookup.look(avatar_id)
        if look is None:
            raise scene.fail("input.avatar_id", f"Avatar look '{avatar_id}' not found.")
        if not look.ready:
            raise scene.fail("input.avatar_id", f"Avatar look '{avatar_id}' is not ready (status: {look.status}).")
        background = inner.get("background")
        if background is not None and (not isinstance(background, dict) or background.get("type") != "color"
                                       or not isinstance(background.get("color"), str)):
            raise scene.fail("input.background", "input.background must be {\"type\": \"color\", \"color\": \"#RRGGBB\"}.")
    elif kind == "image":
        _unknown(inner, IMAGE_INPUT_FIELDS, scene, "input.")
        if inner.get("image") is None:
            raise scene.fail("input.image", "input.image is required when input.type is 'image'.")
        _ref(inner["image"], scene, "input.image", lookup, IMAGE_TYPES)
    else:
        raise scene.fail("input.type", "input.type must be 'avatar' or 'image'.")
    seconds = _speech(inner, scene, "input.", lookup, voice_required=kind == "image")
    if seconds is None:
        raise scene.fail("input.script", "a speaking scene needs speech: a script with voice_id, "
                                         "audio_asset_id or audio_url.")
    return seconds, inner.get("script"), True


def _image(raw: dict, scene: _Scene, lookup) -> tuple[float, str | None, bool]:
    if raw.get("source") is None:
        raise scene.fail("source", "source is required for an image scene.")
    _ref(raw["source"], scene, "source", lookup, IMAGE_TYPES)
    duration = raw.get("duration")
    seconds = _speech(raw, scene, "", lookup, voice_required=True)
    if duration is not None:
        if seconds is not None:
            raise scene.fail("duration", "duration is for a silent image; a narrated image follows its audio. "
                                         "Send one of them.")
        if not _is_number(duration) or not 0 < duration <= STILL_MAX_SECONDS:
            raise scene.fail("duration", f"duration must be more than 0 and at most {STILL_MAX_SECONDS} seconds.")
        return float(duration), None, False
    if seconds is None:
        raise scene.fail("duration", "an image scene needs either duration (silent) or narration "
                                     "(script with voice_id, audio_asset_id or audio_url).")
    return seconds, raw.get("script"), True


def _video(raw: dict, scene: _Scene, lookup) -> tuple[float, str | None, bool]:
    if raw.get("source") is None:
        raise scene.fail("source", "source is required for a video scene.")
    ref = _ref(raw["source"], scene, "source", lookup, ("video/",))
    playback = raw.get("playback")
    if playback is not None:
        if not isinstance(playback, dict):
            raise scene.fail("playback", "playback must be an object with volume and mute.")
        _unknown(playback, {"volume", "mute"}, scene, "playback.")
        volume = playback.get("volume", 1)
        if not _is_number(volume) or not 0 <= volume <= 1:
            raise scene.fail("playback.volume", "playback.volume must be a number from 0 to 1.")
        if not isinstance(playback.get("mute", False), bool):
            raise scene.fail("playback.mute", "playback.mute must be a boolean.")
    seconds = None
    if ref.get("type") == "asset_id":
        seconds = movie_seconds(lookup.asset(ref["asset_id"]).data)
    return seconds or DEFAULT_CLIP_SECONDS, None, False


_SCENES = {"avatar_video": _avatar_video, "image": _image, "video": _video}


def create_studio_video(body, lookup) -> dict:
    """Check a ``type: studio`` body; returns title, aspect ratio, the scene lengths, their scripts joined and
    the video's speech (a ``Segment`` per scene)."""
    body = require_object(body)
    for key in body:
        if key not in TOP_FIELDS:
            raise invalid(key, f"Unknown field '{key}'.")
    scenes = body.get("scenes")
    if not isinstance(scenes, list) or not scenes:
        raise invalid("scenes", f"scenes is required: a list of 1 to {SCENES_MAX} scenes.")
    if len(scenes) > SCENES_MAX:
        raise invalid("scenes", f"scenes accepts at most {SCENES_MAX} scenes (got {len(scenes)}).")
    for name in ("title", "callback_url", "callback_id"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise invalid(name, f"{name} must be a string.")
    if body.get("aspect_ratio") is not None and body["aspect_ratio"] not in ASPECT_RATIOS:
        raise invalid("aspect_ratio", f"aspect_ratio must be one of: {', '.join(ASPECT_RATIOS)}.")
    if body.get("resolution") is not None and body["resolution"] not in RESOLUTIONS:
        raise invalid("resolution", f"resolution must be one of: {', '.join(RESOLUTIONS)}.")
    caption = body.get("caption")
    if caption is not None:
        if not isinstance(caption, dict) or set(caption) - {"file_format", "style"}:
            raise invalid("caption", "caption must be an object with file_format and style.")
        if caption.get("file_format", "srt") != "srt":
            raise invalid("caption.file_format", "caption.file_format must be 'srt'.")
        if caption.get("style") not in (None, "default"):
            raise invalid("caption.style", "caption.style must be 'default' or null.")
    lengths, scripts, speech = [], [], []
    for index, raw in enumerate(scenes):
        scene = _Scene(index)
        if not isinstance(raw, dict):
            raise scene.fail("", "each scene must be an object.")
        kind = raw.get("type")
        if kind not in _SCENES:
            raise scene.fail("type", "type must be one of: avatar_video, image, video.")
        _unknown(raw, SCENE_FIELDS[kind], scene, "")
        seconds, script, narrated = _SCENES[kind](raw, scene, lookup)
        lengths.append(round(float(seconds), 2))
        speech.append(Segment(lengths[-1], script or None, narrated))
        if script:
            scripts.append(script)
    return {"title": body.get("title"), "aspect_ratio": body.get("aspect_ratio") or "16:9",
            "scene_seconds": lengths, "script": " ".join(scripts) or None, "speech": speech}


def movie_seconds(data: bytes) -> float | None:
    """The length in an MP4/MOV file's ``moov/mvhd`` box, or None."""
    pos, end, moov = 0, len(data), None
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return None
        if kind == b"moov":
            moov = (pos + header, min(pos + size, end))
            break
        pos += size
    if moov is None:
        return None
    pos, end = moov
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if size < 8:
            return None
        if kind == b"mvhd":
            box = data[pos + 8:pos + size]
            if box[:1] == b"\x01" and len(box) >= 32:
                timescale, duration = struct.unpack(">IQ", box[20:32])
            elif len(box) >= 20:
                timescale, duration = struct.unpack(">II", box[12:20])
            else:
                return None
            return round(duration / timescale, 2) if timescale else None
        pos += size
    return None

