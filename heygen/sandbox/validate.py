"""Request validation for the sandbox's v3 endpoints (its own rules, independent of any client)."""

from __future__ import annotations

import base64
import binascii
import re

from .errors import invalid
from .media import has_break_tag

SCRIPT_MAX = 5000
AGENT_PROMPT_MAX = 10_000
AGENT_FILES_MAX = 20
SPEECH_TEXT_MAX = 5000
RESOLUTIONS = ("4k", "1080p", "720p")
ASPECT_RATIOS = ("16:9", "9:16", "4:5", "5:4", "1:1", "auto")
FITS = ("contain", "cover")
OUTPUT_FORMATS = ("mp4", "webm")
CAPTION_FORMATS = ("srt",)
CAPTION_STYLES = ("default",)
ENGINE_TYPES = ("avatar_v", "avatar_iv", "avatar_iii")
EXPRESSIVENESS = ("high", "medium", "low")
ORIENTATIONS = ("landscape", "portrait")
IMAGE_TYPES = ("image/png", "image/jpeg")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
ASSET_REF_KEYS = {"url": {"url"}, "asset_id": {"asset_id"}, "base64": {"media_type", "data"}}


# ---------------------------------------------------------------- query strings


def query_value(query: dict, name: str) -> str | None:
    """The last value of a query parameter, or None."""
    values = query.get(name)
    return values[-1] if values else None


def query_limit(query: dict, default: int, maximum: int) -> int:
    """The `limit` parameter, checked against 1..maximum."""
    raw = query_value(query, "limit")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid("limit", f"limit must be an integer between 1 and {maximum}.") from None
    if not 1 <= value <= maximum:
        raise invalid("limit", f"limit must be between 1 and {maximum} (got {value}).")
    return value


def query_enum(query: dict, name: str, allowed: tuple, default=None):
    """An enumerated query parameter."""
    raw = query_value(query, name)
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise invalid(name, f"{name} must be one of: {', '.join(allowed)} (got '{raw}').")
    return raw


# ---------------------------------------------------------------- JSON helpers


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _optional_string(body: dict, name: str, param: str | None = None):
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid(param or name, f"{param or name} must be a string.")
    return value


def _optional_enum(body: dict, name: str, allowed: tuple):
    value = body.get(name)
    if value is not None and value not in allowed:
        raise invalid(name, f"{name} must be one of: {', '.join(allowed)}.")
    return value


def _http_url(value, param: str) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^\s/]+", value):
        raise invalid(param, f"{param} must be an http(s) URL.")
    return value


def _missing_asset(asset_id) -> str:
    return f"Asset '{asset_id}' not found. Upload it with POST /v3/assets first."


def require_object(body) -> dict:
    """The parsed body as a JSON object."""
    if not isinstance(body, dict):
        raise invalid(None, "The request body must be a JSON object.")
    return body


def asset_ref(ref, param: str, lookup, kinds: tuple = ()) -> dict:
    """An {type: url|asset_id|base64, ...} reference with no extra keys."""
    if not isinstance(ref, dict):
        raise invalid(param, f"{param} must be an object with type 'url', 'asset_id' or 'base64'.")
    ref_type = ref.get("type")
    if ref_type not in ASSET_REF_KEYS:
        raise invalid(f"{param}.type", f"{param}.type must be one of: url, asset_id, base64.")
    allowed = ASSET_REF_KEYS[ref_type] | {"type"}
    for key in ref:
        if key not in allowed:
            raise invalid(f"{param}.{key}", f"Unexpected field '{key}' in {param} of type '{ref_type}'.")
    for key in sorted(ASSET_REF_KEYS[ref_type]):
        if key not in ref:
            raise invalid(f"{param}.{key}", f"{param}.{key} is required when type is '{ref_type}'.")
    if ref_type == "url":
        _http_url(ref["url"], f"{param}.url")
    elif ref_type == "asset_id":
        asset = lookup.asset(ref["asset_id"])
        if asset is None:
            raise invalid(f"{param}.asset_id", _missing_asset(ref["asset_id"]))
        if kinds and not asset.mime_type.startswith(kinds):
            raise invalid(f"{param}.asset_id",
                          f"Asset '{asset.asset_id}' is {asset.mime_type}, expected {' or '.join(kinds)}.")
    else:
        media_type = ref["media_type"]
        if not isinstance(media_type, str) or (kinds and not media_type.startswith(kinds)):
            raise invalid(f"{param}.media_type", f"{param}.media_type must be a MIME type such as image/png.")
        data = ref["data"]
        try:
            decoded = base64.b64decode(data, validate=True) if isinstance(data, str) else b""
        except (binascii.Error, ValueError):
            decoded = b""
        if not decoded:
            raise invalid(f"{param}.data", f"{param}.data must be non-empty base64.")
    return ref


# ---------------------------------------------------------------- POST /v3/videos


VIDEO_TYPES = ("avatar", "image", "studio", "cinematic_avatar")
VIDEO_AVATAR_TYPES = ("studio_avatar", "digital_twin")  # looks that are video avatars (not photo avatars)
CINEMATIC_ASPECT_RATIOS = ("16:9", "9:16", "1:1")
CINEMATIC_RESOLUTIONS = ("720p", "1080p")
CINEMATIC_SECONDS = (4, 15)
CINEMATIC_DEFAULT_SECONDS = 10


def _type_message(video_type) -> str:
    names = ", ".join(repr(t) for t in VIDEO_TYPES)
    if video_type is None:
        return f"type is required: one of {names}."
    return f"type must be one of {names} (got {video_type!r})."


def create_video(body, lookup) -> dict:
    """Check a CreateVideo body; returns the normalised fields the sandbox needs."""
    body = require_object(body)
    video_type = body.get("type")
    if video_type not in VIDEO_TYPES or video_type == "studio":  # studio bodies go to heygen.sandbox.studio
        raise invalid("type", _type_message(video_type))
    if video_type == "cinematic_avatar":
        return create_cinematic_video(body, lookup)

    look = None
    if video_type == "avatar":
        avatar_id = body.get("avatar_id")
        if avatar_id is None or avatar_id == "":
            raise invalid("avatar_id", "avatar_id is required when type is 'avatar'.")
        if not isinstance(avatar_id, str):
            raise invalid("avatar_id", "avatar_id must be a string.")
        look = lookup.look(avatar_id)
        if look is None:
            hint = ""
            if lookup.group(avatar_id) is not None:
                hint = (" This is an avatar group id; pass one of its look ids "
                        f"(GET /v3/avatars/looks?group_id={avatar_id}).")
            raise invalid("avatar_id", f"Avatar look '{avatar_id}' not found.{hint}")
        if not look.ready:
            raise invalid("avatar_id", f"Avatar look '{avatar_id}' is not ready (status: {look.status}); "
                                       "wait until it has finished training.")
    else:
        if body.get("image") is None:
            raise invalid("image", "image is required when type is 'image'.")
        asset_ref(body["image"], "image", lookup, kinds=IMAGE_TYPES)

    for name in ("title", "motion_prompt", "callback_url", "callback_id"):
        _optional_string(body, name)
    _optional_enum(body, "resolution", RESOLUTIONS)
    aspect_ratio = _optional_enum(body, "aspect_ratio", ASPECT_RATIOS)
    _optional_enum(body, "expressiveness", EXPRESSIVENESS)
    if body.get("remove_background") is not None and not isinstance(body["remove_background"], bool):
        raise invalid("remove_background", "remove_background must be a boolean.")
    _background(body.get("background"), lookup)
    _voice_settings(body.get("voice_settings"))
    output = output_options(body, video_type, look)

    script = body.get("script")
    voice_id = body.get("voice_id")
    audio_asset_id = body.get("audio_asset_id")
    audio_url = body.get("audio_url")
    has_audio = audio_asset_id is not None or audio_url is not None
    if script is not None:
        if not isinstance(script, str):
            raise invalid("script", "script must be a string.")
        if has_audio:
            param = "audio_asset_id" if audio_asset_id is not None else "audio_url"
            raise invalid(param, f"script and {param} are mutually exclusive; send one of them.")
        if not script.strip():
            raise invalid("script", f"script must contain between 1 and {SCRIPT_MAX} characters (it is empty).")
        if len(script) > SCRIPT_MAX:
            raise invalid("script", f"script must contain between 1 and {SCRIPT_MAX} characters "
                                    f"(it has {len(script)}).")
        if (voice_id is None or voice_id == "") and look is None:
            raise invalid("voice_id", "voice_id is required when script is provided with an image "
                                      "(an avatar's script uses its default voice when voice_id is omitted).")
        if voice_id == "":
            voice_id = None
    elif not has_audio:
        raise invalid("script", "Provide speech: either script with voice_id, or audio_asset_id / audio_url.")
    if audio_asset_id is not None and audio_url is not None:
        raise invalid("audio_url", "audio_asset_id and audio_url are mutually exclusive; send one of them.")

    voice = None
    if voice_id is None and script is not None and look is not None:
        voice = lookup.voice(look.default_voice_id)  # the schema: the avatar's default voice is the fallback
        if voice is None:
            raise invalid("voice_id", f"Avatar look '{look.id}' has no default voice; pass voice_id.")
    elif voice_id is not None:
        if not isinstance(voice_id, str):
            raise invalid("voice_id", "voice_id must be a string.")
        voice = lookup.voice(voice_id)
        if voice is None:
            raise invalid("voice_id", f"Voice '{voice_id}' not found.")
        if script is not None and has_break_tag(script) and not voice.support_pause:
            raise invalid("script", f"Voice '{voice_id}' does not support pause tags "
                                    "(<break time=\"...\"/>); remove them or pick a voice with support_pause.")

    audio_asset = None
    if audio_asset_id is not None:
        audio_asset = lookup.asset(audio_asset_id)
        if audio_asset is None:
            raise invalid("audio_asset_id", _missing_asset(audio_asset_id))
        if not audio_asset.mime_type.startswith(("audio/", "video/")):
            raise invalid("audio_asset_id", f"Asset '{audio_asset_id}' is {audio_asset.mime_type}, not audio.")
    if audio_url is not None:
        _http_url(audio_url, "audio_url")

    return {
        "type": video_type,
        "look": look,
        "voice": voice,
        "script": script,
        "audio_asset": audio_asset,
        "audio_url": audio_url,
        "title": body.get("title"),
        "aspect_ratio": aspect_ratio or ("9:16" if look is not None and look.orientation == "portrait" else "16:9"),
        "image": body.get("image"),
        **output,
    }


def create_cinematic_video(body: dict, lookup) -> dict:
    """Check a cinematic_avatar body: a prompt, 1-3 avatar looks as references, no script or voice."""
    prompt = body.get("prompt")
    if prompt is None or (isinstance(prompt, str) and not prompt.strip()):
        raise invalid("prompt", "prompt is required when type is 'cinematic_avatar'.")
    if not isinstance(prompt, str):
        raise invalid("prompt", "prompt must be a string.")
    avatar_ids = body.get("avatar_id")
    if avatar_ids is None:
        raise invalid("avatar_id", "avatar_id is required when type is 'cinematic_avatar': a list of 1 to 3 look ids.")
    if not isinstance(avatar_ids, list) or not 1 <= len(avatar_ids) <= 3:
        raise invalid("avatar_id", "avatar_id must be a list of 1 to 3 look ids when type is 'cinematic_avatar'.")
    looks = []
    for i, avatar_id in enumerate(avatar_ids):
        if not isinstance(avatar_id, str) or not avatar_id:
            raise invalid(f"avatar_id[{i}]", "Each avatar_id must be a look id (a string).")
        look = lookup.look(avatar_id)
        if look is None:
            raise invalid(f"avatar_id[{i}]", f"Avatar look '{avatar_id}' not found.")
        if not look.ready:
            raise invalid(f"avatar_id[{i}]", f"Avatar look '{avatar_id}' is not ready (status: {look.status}).")
        looks.append(look)
    for name in ("script", "voice_id", "audio_url", "audio_asset_id"):
        if body.get(name) is not None:
            raise invalid(name, f"{name} is not accepted when type is 'cinematic_avatar'; "
                                "speech and motion come from the prompt.")
    for name in ("auto_duration", "enhance_prompt"):
        if body.get(name) is not None and not isinstance(body[name], bool):
            raise invalid(name, f"{name} must be a boolean.")
    duration = body.get("duration")
    if duration is not None:
        if body.get("auto_duration"):
            raise invalid("duration", "Omit duration when auto_duration is true.")
        low, high = CINEMATIC_SECONDS
        if isinstance(duration, bool) or not isinstance(duration, int) or not low <= duration <= high:
            raise invalid("duration", f"duration must be a whole number of seconds from {low} to {high}.")
    _optional_string(body, "title")
    aspect_ratio = _optional_enum(body, "aspect_ratio", CINEMATIC_ASPECT_RATIOS)
    _optional_enum(body, "resolution", CINEMATIC_RESOLUTIONS)
    references = body.get("references")
    if references is not None:
        if not isinstance(references, list):
            raise invalid("references", "references must be a list of assets.")
        for i, ref in enumerate(references):
            asset_ref(ref, f"references[{i}]", lookup)
    return {
        "type": "cinematic_avatar",
        "look": looks[0],
        "voice": None,
        "script": None,
        "audio_asset": None,
        "audio_url": None,
        "title": body.get("title"),
        "aspect_ratio": aspect_ratio or "16:9",
        "image": None,
        "duration": float(duration if duration is not None else CINEMATIC_DEFAULT_SECONDS),
        "captions": None,
        "output_format": "mp4",
    }


def caption_option(body: dict):
    """The caption object: None (no captions), "sidecar" (SRT only) or "burned" (style set)."""
    caption = body.get("caption")
    if caption is None:
        return None
    if not isinstance(caption, dict):
        raise invalid("caption", "caption must be an object.")
    for key in caption:
        if key not in ("file_format", "style"):
            raise invalid(f"caption.{key}", f"Unexpected field '{key}' in caption.")
    if caption.get("file_format", "srt") not in CAPTION_FORMATS:
        raise invalid("caption.file_format", f"caption.file_format must be one of: {', '.join(CAPTION_FORMATS)}.")
    style = caption.get("style")
    if style is not None and style not in CAPTION_STYLES:
        raise invalid("caption.style", f"caption.style must be one of: {', '.join(CAPTION_STYLES)}.")
    return "burned" if style is not None else "sidecar"


def output_options(body: dict, video_type: str, look) -> dict:
    """caption, fit, output_format and engine of an avatar or image video."""
    captions = caption_option(body)
    _optional_enum(body, "fit", FITS)
    output_format = body.get("output_format", "mp4")
    if output_format not in OUTPUT_FORMATS:
        raise invalid("output_format", f"output_format must be one of: {', '.join(OUTPUT_FORMATS)}.")
    if output_format == "webm":
        if look is None or not look.supports_matting:
            what = f"Avatar look '{look.id}'" if look is not None else "An image video"
            raise invalid("output_format", f"{what} does not support matting; output_format 'webm' "
                                           "(a transparent background) needs an avatar that does.")
        if body.get("background") is not None:
            raise invalid("background", "background cannot be set when output_format is 'webm' "
                                        "(the background is transparent).")
    engine = body.get("engine")
    if engine is not None:
        if video_type != "avatar":
            raise invalid("engine", "engine is only accepted when type is 'avatar'.")
        if not isinstance(engine, dict):
            raise invalid("engine", "engine must be an object such as {\"type\": \"avatar_v\"}.")
        kind = engine.get("type")
        if kind not in ENGINE_TYPES:
            raise invalid("engine.type", f"engine.type must be one of: {', '.join(ENGINE_TYPES)}.")
        allowed = {"type", "reference_look_id"} if kind == "avatar_v" else {"type"}
        for key in engine:
            if key not in allowed:
                raise invalid(f"engine.{key}", f"Unexpected field '{key}' in engine of type '{kind}'.")
        _optional_string(engine, "reference_look_id", "engine.reference_look_id")
        if kind not in look.engines:
            raise invalid("engine.type", f"Avatar look '{look.id}' does not support engine '{kind}'; "
                                         f"its supported_api_engines are: {', '.join(look.engines)}.")
        if kind == "avatar_v" and body.get("expressiveness") is not None:
            raise invalid("expressiveness", "expressiveness is not supported when engine.type is 'avatar_v'.")
        if kind == "avatar_iii" and (body.get("expressiveness") is not None or body.get("motion_prompt") is not None):
            raise invalid("engine.type", "motion_prompt and expressiveness are not supported with 'avatar_iii'.")
    kind = engine.get("type") if isinstance(engine, dict) else None
    if (body.get("motion_prompt") is not None and look is not None and look.avatar_type in VIDEO_AVATAR_TYPES
            and kind != "avatar_v"):
        raise invalid("motion_prompt", f"motion_prompt is not supported for video avatar '{look.id}' on the default "
                                       "Avatar IV engine; use engine {\"type\": \"avatar_v\"} (if the look supports it) "
                                       "or a photo avatar, or remove motion_prompt.")
    return {"captions": captions, "output_format": output_format}


def _background(background, lookup) -> None:
    if background is None:
        return
    if not isinstance(background, dict):
        raise invalid("background", "background must be an object.")
    kind = background.get("type")
    if kind not in ("color", "image"):
        raise invalid("background.type", "background.type must be 'color' or 'image'.")
    if kind == "color":
        value = background.get("value")
        if not isinstance(value, str) or not HEX_COLOUR.fullmatch(value):
            raise invalid("background.value", "background.value must be a hex colour like '#1a2b3c'.")
        return
    url, asset_id = background.get("url"), background.get("asset_id")
    if url is None and asset_id is None:
        raise invalid("background.url", "background of type 'image' needs url or asset_id.")
    if url is not None and asset_id is not None:
        raise invalid("background.asset_id", "background.url and background.asset_id are mutually exclusive.")
    if url is not None:
        _http_url(url, "background.url")
    else:
        asset = lookup.asset(asset_id)
        if asset is None:
            raise invalid("background.asset_id", f"Asset '{asset_id}' not found.")
        if not asset.mime_type.startswith("image/"):
            raise invalid("background.asset_id", f"Asset '{asset_id}' is {asset.mime_type}, not an image.")


def _voice_settings(settings) -> None:
    if settings is None:
        return
    if not isinstance(settings, dict):
        raise invalid("voice_settings", "voice_settings must be an object.")
    for name, low, high in (("speed", 0.5, 1.5), ("pitch", -50.0, 50.0)):
        if name in settings:
            value = settings[name]
            if not _is_number(value) or not low <= value <= high:
                raise invalid(f"voice_settings.{name}",
                              f"voice_settings.{name} must be a number from {low:g} to {high:g}.")
    _optional_string(settings, "locale", "voice_settings.locale")


# ---------------------------------------------------------------- POST /v3/video-agents

AGENT_FIELDS = {"prompt", "avatar_id", "voice_id", "style_id", "orientation", "files",
                "callback_url", "callback_id", "incognito_mode", "mode", "brand_kit_id"}


def create_video_agent(body, lookup) -> dict:
    """Check a CreateVideoAgentRequest body (unknown fields are rejected)."""
    body = require_object(body)
    for key in body:
        if key not in AGENT_FIELDS:
            raise invalid(key, f"Unknown field '{key}'.")
    prompt = body.get("prompt")
    if prompt is None:
        raise invalid("prompt", "prompt is required.")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > AGENT_PROMPT_MAX:
        raise invalid("prompt", f"prompt must contain between 1 and {AGENT_PROMPT_MAX} characters.")
    avatar_id = _optional_string(body, "avatar_id")
    if avatar_id is not None:
        look = lookup.look(avatar_id)
        if look is None:
            raise invalid("avatar_id", f"Avatar look '{avatar_id}' not found.")
        if not look.ready:
            raise invalid("avatar_id", f"Avatar look '{avatar_id}' is not ready (status: {look.status}).")
    voice_id = _optional_string(body, "voice_id")
    if voice_id is not None and lookup.voice(voice_id) is None:
        raise invalid("voice_id", f"Voice '{voice_id}' not found.")
    style_id = _optional_string(body, "style_id")
    if style_id is not None and lookup.style(style_id) is None:
        raise invalid("style_id", f"Style '{style_id}' not found.")
    orientation = _optional_enum(body, "orientation", ORIENTATIONS)
    files = body.get("files")
    if files is not None:
        if not isinstance(files, list):
            raise invalid("files", "files must be a list.")
        if len(files) > AGENT_FILES_MAX:
            raise invalid("files", f"files accepts at most {AGENT_FILES_MAX} items (got {len(files)}).")
        for index, ref in enumerate(files):
            asset_ref(ref, f"files[{index}]", lookup)
    _optional_string(body, "callback_url")
    _optional_string(body, "callback_id")
    if "incognito_mode" in body and not isinstance(body["incognito_mode"], bool):
        raise invalid("incognito_mode", "incognito_mode must be a boolean.")
    mode = _optional_enum(body, "mode", ("generate", "chat")) or "generate"
    brand_kit_id = _optional_string(body, "brand_kit_id")
    return {"prompt": prompt, "avatar_id": avatar_id, "orientation": orientation, "style_id": style_id,
            "mode": mode, "brand_kit_id": brand_kit_id}


# ---------------------------------------------------------------- POST /v3/voices/speech

SPEECH_FIELDS = {"text", "voice_id", "input_type", "speed", "language", "locale"}


def text_to_speech(body, lookup) -> dict:
    """Check a TextToSpeechRequest body."""
    body = require_object(body)
    for key in body:
        if key not in SPEECH_FIELDS:
            raise invalid(key, f"Unknown field '{key}'.")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > SPEECH_TEXT_MAX:
        raise invalid("text", f"text must contain between 1 and {SPEECH_TEXT_MAX} characters.")
    voice_id = body.get("voice_id")
    if not isinstance(voice_id, str) or not voice_id:
        raise invalid("voice_id", "voice_id is required.")
    voice = lookup.voice(voice_id)
    if voice is None:
        raise invalid("voice_id", f"Voice '{voice_id}' not found.")
    if "starfish" not in voice.engines:
        raise invalid("voice_id", f"Voice '{voice_id}' does not support text-to-speech; "
                                  "list voices with engine=starfish.")
    input_type = body.get("input_type", "text")
    if input_type not in ("text", "ssml"):
        raise invalid("input_type", "input_type must be 'text' or 'ssml'.")
    speed = body.get("speed", 1.0)
    if not _is_number(speed) or not 0.5 <= speed <= 2.0:
        raise invalid("speed", "speed must be a number from 0.5 to 2.")
    _optional_string(body, "language")
    _optional_string(body, "locale")
    return {"text": text, "voice": voice, "speed": float(speed)}


# ---------------------------------------------------------------- POST /v3/lipsyncs

LIPSYNC_FIELDS = {"video", "audio", "title", "mode", "start_time", "end_time", "callback_url", "callback_id",
                  "folder_id", "fps_mode", "keep_the_same_format", "disable_music_track", "enable_caption",
                  "enable_dynamic_duration", "enable_speech_enhancement", "enable_watermark"}
LIPSYNC_MODES = ("speed", "precision")
FPS_MODES = ("vfr", "cfr", "passthrough")
LIPSYNC_REF_KEYS = {"url": {"url"}, "asset_id": {"asset_id"}}


def _lipsync_ref(ref, param: str, lookup, kinds: tuple) -> dict:
    """A {type: url|asset_id, ...} reference (no base64 here) with no extra keys."""
    if not isinstance(ref, dict):
        raise invalid(param, f"{param} must be an object with type 'url' or 'asset_id'.")
    if ref.get("type") not in LIPSYNC_REF_KEYS:
        raise invalid(f"{param}.type", f"{param}.type must be one of: url, asset_id.")
    return asset_ref(ref, param, lookup, kinds=kinds)


def create_lipsync(body, lookup) -> dict:
    """Check a CreateLipsyncRequest body (unknown fields are rejected); returns the fields the sandbox needs.

    ``lookup.source_duration(ref)`` gives the length of a source video the sandbox itself serves
    (None for other URLs), against which ``end_time`` is checked.
    """
    body = require_object(body)
    for key in body:
        if key not in LIPSYNC_FIELDS:
            raise invalid(key, f"Unknown field '{key}'.")
    for name in ("video", "audio"):
        if body.get(name) is None:
            raise invalid(name, f"{name} is required.")
    video = _lipsync_ref(body["video"], "video", lookup, ("video/",))
    _lipsync_ref(body["audio"], "audio", lookup, ("audio/",))
    for name in ("title", "callback_url", "callback_id", "folder_id"):
        _optional_string(body, name)
    mode = body.get("mode", "speed")
    if mode not in LIPSYNC_MODES:
        raise invalid("mode", "mode must be one of: speed, precision.")
    if body.get("fps_mode") is not None and body["fps_mode"] not in FPS_MODES:
        raise invalid("fps_mode", "fps_mode must be one of: vfr, cfr, passthrough.")
    for name in ("keep_the_same_format", "disable_music_track", "enable_caption", "enable_dynamic_duration",
                 "enable_speech_enhancement", "enable_watermark"):
        if body.get(name) is not None and not isinstance(body[name], bool):
            raise invalid(name, f"{name} must be a boolean.")
    start, end = body.get("start_time"), body.get("end_time")
    for name, value in (("start_time", start), ("end_time", end)):
        if value is not None and (not _is_number(value) or value < 0):
            raise invalid(name, f"{name} must be a number of seconds, 0 or more.")
    if start is not None and end is not None and end <= start:
        raise invalid("end_time", f"end_time ({end:g}) must be after start_time ({start:g}).")
    duration = lookup.source_duration(video)
    if duration is not None:
        for name, value in (("start_time", start), ("end_time", end)):
            if value is not None and value > duration + 0.05:
                raise invalid(name, f"{name} ({value:g} s) is past the end of the video ({duration:g} s).")
    return {"title": body.get("title"), "mode": mode, "start_time": start, "end_time": end,
            "source_duration": duration}
