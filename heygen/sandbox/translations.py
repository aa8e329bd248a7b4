"""Video translations in the sandbox: target languages, translations (one per language), proofreads whose
subtitles can be downloaded, replaced and rendered, brand glossaries, and the media they link to.

A translation's subtitles never follow a misspeak rule unless the rule names kind "translation".

Rehearsal controls (``POST /_sandbox/translations``): ``fail_languages`` (language -> failure message)
fails every translation into those languages, ``malformed_srt_languages`` makes their proofread
subtitles unreadable, ``proofread_seconds`` sets how long a proofread takes (default: half a render).
"""

from __future__ import annotations

import copy
import re
import time
import uuid
import weakref
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from . import answers, files, media, misspeak, subtitles, validate
from .errors import ApiError, invalid
from .studio import movie_seconds  # the length an uploaded MP4 says it has

LANGUAGES = (
    "Arabic", "Chinese (Mandarin, Simplified)", "Dutch", "English", "French (France)", "German (Germany)",
    "Hindi", "Italian", "Japanese", "Korean", "Polish", "Portuguese (Brazil)", "Spanish (Mexico)",
    "Spanish (Spain)", "Swedish", "Turkish",
)
SOURCE_LANGUAGE = "English"
GLOSSARIES = (
    {"brand_glossary_id": "bg_product_names", "name": "Product names",
     "created_at": "2026-05-04T09:00:00Z", "updated_at": "2026-06-18T14:30:00Z"},
    {"brand_glossary_id": "bg_legal_terms", "name": "Legal terms",
     "created_at": "2026-05-20T11:15:00Z", "updated_at": "2026-05-20T11:15:00Z"},
)
# The lines the sandbox "hears" in every source video (its subtitles are cut from them).
HEARD = (
    "Hello, and welcome to our quarterly update.",
    "Our new product ships to every region this month.",
    "Thank you to our customers for their feedback.",
    "See you at the next update.",
)
CREATE_FIELDS = {"video", "output_languages", "audio", "brand_glossary_id", "brand_voice_id", "callback_id",
                 "callback_url", "disable_music_track", "enable_caption", "enable_dynamic_duration",
                 "enable_speech_enhancement", "enable_watermark", "end_time", "folder_id", "fps_mode",
                 "input_language", "keep_the_same_format", "mode", "speaker_num", "srt", "srt_role", "start_time",
                 "stock_voice_config", "title", "translate_audio_only"}
PROOFREAD_FIELDS = {"video", "output_languages", "title", "brand_glossary_id", "brand_voice_id",
                    "disable_music_track", "enable_speech_enhancement", "enable_video_stretching", "folder_id",
                    "keep_the_same_format", "mode", "speaker_num", "srt"}
GENERATE_FIELDS = {"callback_id", "callback_url", "captions", "translate_audio_only"}
DEFAULT_DURATION = 10.0
TIME = r"(\d{2}):(\d{2}):(\d{2}),(\d{3})"


@dataclass
class Translation:
    id: str
    seq: int
    created_at: float
    render_seconds: float
    language: str
    title: str | None
    duration: float
    aspect_ratio: str
    captions: bool
    srt: str
    failure_message: str | None = None
    mistakes: list = field(default_factory=list)  # what misspeak rules (kind "translation") changed


@dataclass
class Proofread:
    id: str
    seq: int
    created_at: float
    ready_seconds: float
    language: str
    title: str
    duration: float
    aspect_ratio: str
    srt: str
    original: str
    submitted: bool = False


@dataclass
class Book:
    """The translation state of one sandbox (forgotten when the sandbox resets)."""

    videos: object
    translations: dict = field(default_factory=dict)
    proofreads: dict = field(default_factory=dict)
    fail_languages: dict = field(default_factory=dict)
    malformed_srt_languages: set = field(default_factory=set)
    proofread_seconds: float | None = None


_BOOKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def book(state) -> Book:
    """This sandbox's translation state; a reset (new video table) starts a new one."""
    with state.lock:
        found = _BOOKS.get(state)
        if found is None or found.videos is not state.videos:
            found = Book(videos=state.videos)
            _BOOKS[state] = found
        return found


# ---------------------------------------------------------------- subtitles


def _stamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def make_srt(duration: float, language: str | None, speech: list | None = None) -> str:
    """Subtitles of a translation into ``language`` (None: the original words): what the sandbox's own source
    video says (``speech``), each line marked with the language, or lines cut from ``HEARD`` over ``duration``
    seconds for any other source."""
    spoken = [c for c in subtitles.cues(speech) if c.text != subtitles.NARRATION] if speech else []
    if spoken:
        return subtitles.write_srt([replace(c, text=c.text if language is None else f"[{language}] {c.text}")
                                    for c in spoken])
    count = len(HEARD)
    step = duration / count
    blocks = []
    for i, line in enumerate(HEARD):
        text = line if language is None else f"[{language}] {line}"
        blocks.append(f"{i + 1}\n{_stamp(i * step)} --> {_stamp((i + 1) * step - min(0.2, step / 4))}\n{text}\n")
    return "\n".join(blocks)


MALFORMED_SRT = "1\n00:00:00,000 --> 00:00:02,000\nHello\n\n2\n00:00:02,500 -> soon\nBroken timing line\n"


def _seconds(match, offset: int) -> float:
    h, m, s, ms = (int(match.group(offset + i)) for i in range(4))
    return h * 3600 + m * 60 + s + ms / 1000


def srt_problem(text: str, duration: float) -> str | None:
    """Why an uploaded SRT cannot be used (unreadable, overlapping or past the video's end), or None."""
    cues = re.findall(TIME + r" --> " + TIME, text)
    arrows = text.count("-->")
    if not cues or arrows != len(cues):
        return "The SRT file could not be read: a timing line is malformed."
    last_end = 0.0
    for found in re.finditer(TIME + r" --> " + TIME, text):
        start, end = _seconds(found, 1), _seconds(found, 5)
        if end <= start or start < last_end - 1e-6:
            return "The SRT file has cues that overlap or end before they start."
        if end > duration + 0.05:
            return f"The SRT file has a cue past the end of the video ({duration:g} s)."
        last_end = end
    return None


# ---------------------------------------------------------------- validation


def _source(state, ref) -> tuple[float, str, list | None]:
    """The (duration, aspect ratio, speech when known) of a source video the sandbox can read; 400 otherwise."""
    if not isinstance(ref, dict) or ref.get("type") not in ("url", "asset_id"):
        raise invalid("video", "video must be an object with type 'url' or 'asset_id'.")
    validate.asset_ref(ref, "video", answers.Lookup(state), kinds=("video/",))
    if ref["type"] == "asset_id":
        asset = state.get_asset(ref["asset_id"])
        return float(movie_seconds(asset.data) or DEFAULT_DURATION), "16:9", None
    path = urlsplit(ref["url"]).path
    found = None
    match = re.fullmatch(r"/media/translations/([^/]+)\.mp4", path)
    if match:
        item = book(state).translations.get(match.group(1))
        if item is not None and phase(item) == "completed":
            found = item
    else:
        found = answers.Lookup(state).source(ref)
    if found is None or not ref["url"].startswith(state.base_url):
        raise invalid("video.url", "HeyGen could not download the source video from this URL: it is not reachable "
                                   "or not a video.")
    duration = float(getattr(found, "duration", None) or DEFAULT_DURATION)
    speech = getattr(found, "speech", None)
    if speech is None and getattr(found, "script", None):
        speech = subtitles.speech_of(found.script, duration)
    return duration, getattr(found, "aspect_ratio", "16:9"), speech


def _languages(body) -> list[str]:
    languages = body.get("output_languages")
    if not isinstance(languages, list) or not languages:
        raise invalid("output_languages", "output_languages must list at least one language.")
    for name in languages:
        if name not in LANGUAGES:
            raise invalid("output_languages", f"Unsupported output language '{name}'. "
                                              "See GET /v3/video-translations/languages.")
    if len(set(languages)) != len(languages):
        raise invalid("output_languages", "output_languages lists a language twice.")
    return languages


def _common(body, allowed: set) -> None:
    for key in body:
        if key not in allowed:
            raise invalid(key, f"Unknown field '{key}'.")
    if body.get("mode", "speed") not in ("speed", "precision"):
        raise invalid("mode", "mode must be one of: speed, precision.")
    for name in ("title", "folder_id", "callback_url", "callback_id", "input_language"):
        validate._optional_string(body, name)
    for name in ("disable_music_track", "enable_caption", "enable_dynamic_duration", "enable_speech_enhancement",
                 "enable_watermark", "keep_the_same_format", "translate_audio_only", "enable_video_stretching"):
        if body.get(name) is not None and not isinstance(body[name], bool):
            raise invalid(name, f"{name} must be a boolean.")
    glossary = body.get("brand_glossary_id") or body.get("brand_voice_id")
    if glossary is not None and glossary not in {g["brand_glossary_id"] for g in GLOSSARIES}:
        raise invalid("brand_glossary_id", f"Brand glossary '{glossary}' not found.")


# ---------------------------------------------------------------- phases and JSON


def phase(item: Translation, now: float | None = None) -> str:
    elapsed = (time.time() if now is None else now) - item.created_at
    if elapsed < item.render_seconds:
        return "pending" if elapsed < 0.25 * item.render_seconds else "running"
    return "failed" if item.failure_message else "completed"


def proofread_phase(item: Proofread, now: float | None = None) -> str:
    elapsed = (time.time() if now is None else now) - item.created_at
    return "processing" if elapsed < item.ready_seconds else "completed"


def translation_json(state, item: Translation) -> dict:
    status = phase(item)
    done = status == "completed"
    return {
        "id": item.id, "title": item.title, "status": status, "output_language": item.language,
        "input_language": SOURCE_LANGUAGE, "created_at": int(item.created_at),
        "duration": item.duration if done else None,
        "video_url": state.sign(f"/media/translations/{item.id}.mp4") if done else None,
        "srt_caption_url": state.sign(f"/media/translations/{item.id}.srt") if done and item.captions else None,
        "vtt_caption_url": None, "audio_url": None, "callback_id": None, "translate_audio_only": False,
        "failure_message": item.failure_message if status == "failed" else None,
    }


def proofread_json(item: Proofread) -> dict:
    return {"id": item.id, "title": item.title, "status": proofread_phase(item), "output_language": item.language,
            "input_language": SOURCE_LANGUAGE, "created_at": int(item.created_at),
            "submitted_for_review": item.submitted, "failure_message": None}


def _add_translation(state, *, language, title, duration, aspect_ratio, captions, srt) -> Translation:
    shelf = book(state)
    with state.lock:
        state.seq += 1
        item = Translation(id="vt_" + uuid.uuid4().hex[:24], seq=state.seq, created_at=time.time(),
                           render_seconds=float(state.config["render_seconds"]), language=language, title=title,
                           duration=duration, aspect_ratio=aspect_ratio, captions=captions, srt=srt,
                           failure_message=shelf.fail_languages.get(language))
        misspeak.on_create(state, item, "translation")
        shelf.translations[item.id] = item
        return item


# ---------------------------------------------------------------- routes


def list_languages(state, req):
    """GET /v3/video-translations/languages."""
    return 200, {"data": {"languages": list(LANGUAGES)}}


def create(state, req):
    """POST /v3/video-translations: one translation per output language."""
    def make():
        body = validate.require_object(req.json())
        _common(body, CREATE_FIELDS)
        languages = _languages(body)
        if body.get("video") is None:
            raise invalid("video", "video is required.")
        duration, aspect_ratio, speech = _source(state, body["video"])
        stock = body.get("stock_voice_config")
        if stock is not None and not isinstance(stock, dict):
            raise invalid("stock_voice_config", "stock_voice_config must be an object.")
        ids = [_add_translation(state, language=name, title=body.get("title"), duration=duration,
                                aspect_ratio=aspect_ratio, captions=bool(body.get("enable_caption")),
                                srt=make_srt(duration, name, speech)).id for name in languages]
        return 200, {"data": {"video_translation_ids": ids}}
    return answers.idempotent(state, req, "video-translations", make)


def get(state, req, translation_id):
    """GET /v3/video-translations/{id}."""
    item = book(state).translations.get(translation_id)
    if item is None:
        raise ApiError(404, "not_found", "Video translation not found.")
    return 200, {"data": translation_json(state, item)}


def rename(state, req, translation_id):
    """PATCH /v3/video-translations/{id}: a new title."""
    body = validate.require_object(req.json())
    extra = sorted(set(body) - {"title"})
    if extra:
        raise invalid(extra[0], f"Unknown field {extra[0]!r}; only title can be changed.")
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid("title", "title is required and must be a non-empty string.")
    with state.lock:
        item = book(state).translations.get(translation_id)
        if item is not None:
            item.title = title
    if item is None:
        raise ApiError(404, "not_found", "Video translation not found.")
    return 200, {"data": translation_json(state, item)}


def delete(state, req, translation_id):
    """DELETE /v3/video-translations/{id}."""
    with state.lock:
        item = book(state).translations.pop(translation_id, None)
    if item is None:
        raise ApiError(404, "not_found", "Video translation not found.")
    return 200, {"data": {"id": translation_id}}


STATUSES_MAX = 100
BULK_STATUS = {"pending": "queued", "running": "processing"}


def _status_item(state, translation_id: str) -> dict:
    """One entry of GET /v3/video-translations/statuses; the id is sent as ``video_id`` (a read model shared
    with the videos' bulk statuses) and the entry carries no links."""
    item = book(state).translations.get(translation_id)
    if item is None:
        return {"video_id": translation_id, "status": "not_found"}
    status = phase(item)
    entry = {"video_id": translation_id, "status": BULK_STATUS.get(status, status)}
    if status == "failed":
        entry["error"] = {"code": "translation_failed", "message": item.failure_message}
    return entry


def statuses(state, req):
    """GET /v3/video-translations/statuses (up to STATUSES_MAX video_translation_ids; the sandbox makes no batches)."""
    ids = answers.id_list(req.query, "video_translation_ids")
    batch_ids = answers.id_list(req.query, "batch_ids")
    if not ids and not batch_ids:
        raise invalid("video_translation_ids", "Give video_translation_ids (comma-separated translation ids) "
                                               "or batch_ids.")
    if len(ids) > STATUSES_MAX:
        raise invalid("video_translation_ids",
                      f"video_translation_ids takes at most {STATUSES_MAX} ids (got {len(ids)}).")
    return 200, {"data": [_status_item(state, i) for i in ids], "has_more": False, "next_token": None}


def list_translations(state, req):
    """GET /v3/video-translations (newest first)."""
    limit = validate.query_limit(req.query, 10, 100)
    before = answers.read_token(state, "video-translations", req.query)
    with state.lock:
        items = sorted(book(state).translations.values(), key=lambda x: -x.seq)
    items = [x for x in items if before is None or x.seq < before]
    chunk, more = items[:limit], len(items) > limit
    return 200, {"data": [translation_json(state, x) for x in chunk], "has_more": more,
                 "next_token": answers.make_token(state, "video-translations", chunk[-1].seq) if more else None}


def create_proofread(state, req):
    """POST /v3/video-translations/proofreads: one proofread per output language."""
    def make():
        body = validate.require_object(req.json())
        _common(body, PROOFREAD_FIELDS)
        languages = _languages(body)
        if body.get("video") is None:
            raise invalid("video", "video is required.")
        if not isinstance(body.get("title"), str):
            raise invalid("title", "title is required.")
        duration, aspect_ratio, speech = _source(state, body["video"])
        shelf = book(state)
        ids = []
        with state.lock:
            ready = shelf.proofread_seconds
            if ready is None:
                ready = float(state.config["render_seconds"]) / 2
            for name in languages:
                state.seq += 1
                item = Proofread(id="pr_" + uuid.uuid4().hex[:24], seq=state.seq, created_at=time.time(),
                                 ready_seconds=ready, language=name, title=body["title"], duration=duration,
                                 aspect_ratio=aspect_ratio, original=make_srt(duration, None, speech),
                                 srt=MALFORMED_SRT if name in shelf.malformed_srt_languages
                                 else make_srt(duration, name, speech))
                shelf.proofreads[item.id] = item
                ids.append(item.id)
        return 200, {"data": {"proofread_ids": ids, "status": "processing"}}
    return answers.idempotent(state, req, "proofreads", make)


def _proofread(state, proofread_id, *, ready: bool = False) -> Proofread:
    item = book(state).proofreads.get(proofread_id)
    if item is None:
        raise ApiError(404, "not_found", "Proofread not found.")
    if ready and proofread_phase(item) != "completed":
        raise ApiError(400, "invalid_parameter", "The proofread is still processing; its subtitles are not ready.")
    return item


def get_proofread(state, req, proofread_id):
    """GET /v3/video-translations/proofreads/{id}."""
    return 200, {"data": proofread_json(_proofread(state, proofread_id))}


def get_srt(state, req, proofread_id):
    """GET /v3/video-translations/proofreads/{id}/srt: presigned links to the subtitles."""
    item = _proofread(state, proofread_id, ready=True)
    return 200, {"data": {"srt_url": state.sign(f"/media/proofreads/{item.id}.srt"),
                          "original_srt_url": state.sign(f"/media/proofreads/{item.id}.original.srt")}}


def put_srt(state, req, proofread_id):
    """PUT /v3/video-translations/proofreads/{id}/srt: replace the subtitles with an uploaded SRT."""
    item = _proofread(state, proofread_id, ready=True)
    body = validate.require_object(req.json())
    for key in body:
        if key != "srt":
            raise invalid(key, f"Unknown field '{key}'.")
    ref = body.get("srt")
    if not isinstance(ref, dict) or ref.get("type") != "asset_id":
        raise invalid("srt", "srt must be {type: 'asset_id', asset_id: ...} (the sandbox reads uploaded assets only).")
    validate.asset_ref(ref, "srt", answers.Lookup(state))
    asset = state.get_asset(ref["asset_id"])
    text = asset.data.decode("utf-8-sig", errors="replace")
    problem = srt_problem(text, item.duration)
    if problem:
        raise invalid("srt", problem)
    with state.lock:
        item.srt = text
        item.submitted = True
    return 200, {"data": proofread_json(item)}


def generate(state, req, proofread_id):
    """POST /v3/video-translations/proofreads/{id}/generate: render the translation from the subtitles."""
    def make():
        item = _proofread(state, proofread_id, ready=True)
        body = validate.require_object(req.json() if (req.content_length or req.chunked) else {})
        for key in body:
            if key not in GENERATE_FIELDS:
                raise invalid(key, f"Unknown field '{key}'.")
        problem = srt_problem(item.srt, item.duration)
        if problem:
            raise invalid("srt", problem + " Upload corrected subtitles first.")
        made = _add_translation(state, language=item.language, title=item.title, duration=item.duration,
                                aspect_ratio=item.aspect_ratio, captions=bool(body.get("captions")), srt=item.srt)
        return 200, {"data": {"video_translation_id": made.id, "status": "processing"}}
    return answers.idempotent(state, req, f"proofread-generate:{proofread_id}", make)


def list_glossaries(state, req):
    """GET /v3/brand-glossaries."""
    limit = validate.query_limit(req.query, 10, 100)
    return 200, {"data": [dict(g) for g in GLOSSARIES[:limit]], "has_more": False, "next_token": None}


ROUTES = (
    ("/v3/video-translations/languages", {"GET": list_languages}),
    ("/v3/video-translations/proofreads", {"POST": create_proofread}),
    ("/v3/video-translations/proofreads/([^/]+)/srt", {"GET": get_srt, "PUT": put_srt}),
    ("/v3/video-translations/proofreads/([^/]+)/generate", {"POST": generate}),
    ("/v3/video-translations/proofreads/([^/]+)", {"GET": get_proofread}),
    ("/v3/video-translations", {"GET": list_translations, "POST": create}),
    ("/v3/video-translations/statuses", {"GET": statuses}),  # before the {id} route, which would match it
    ("/v3/video-translations/([^/]+)", {"GET": get, "PATCH": rename, "DELETE": delete}),
    ("/v3/brand-glossaries", {"GET": list_glossaries}),
)
SELF_DELAYED = (create, create_proofread, generate)


# ---------------------------------------------------------------- media and controls


def media_answer(state, path: str, query: dict):
    """The bytes behind a presigned translation or proofread link, or None when ``path`` is not one."""
    match = re.fullmatch(r"/media/(translations|proofreads)/([^/.]+)(\.original)?\.(mp4|srt)", path)
    if match is None:
        return None
    problem = state.check_signature(path, query)
    if problem:
        return files.MediaAnswer.error(403, "AccessDenied", "Request has expired" if problem == "expired" else
                                       "Query-string authentication is missing or invalid")
    shelf = book(state)
    kind, item_id, original, ext = match.groups()
    if kind == "translations":
        item = shelf.translations.get(item_id)
        if item is None or phase(item) != "completed" or original:
            return files.not_found()
        if ext == "mp4":
            return files.MediaAnswer(200, media.clip(media.clip_for(item.aspect_ratio)), "video/mp4",
                                     files.PRIVATE_CACHE)
        return files.MediaAnswer(200, item.srt.encode("utf-8"), "application/x-subrip", files.PRIVATE_CACHE)
    item = shelf.proofreads.get(item_id)
    if item is None or ext != "srt" or proofread_phase(item) != "completed":
        return files.not_found()
    text = item.original if original else item.srt
    return files.MediaAnswer(200, text.encode("utf-8"), "application/x-subrip", files.PRIVATE_CACHE)


def control(state, method: str, read_json):
    """``/_sandbox/translations``: GET the rehearsal settings, POST to change them."""
    shelf = book(state)
    if method == "POST":
        body = read_json()
        if not isinstance(body, dict) or set(body) - {"fail_languages", "malformed_srt_languages",
                                                      "proofread_seconds"}:
            return 400, {"error": {"code": "invalid_parameter", "message": "Send a JSON object with fail_languages "
                                   "(language -> message), malformed_srt_languages, proofread_seconds."}}
        fails = body.get("fail_languages")
        if fails is not None:
            if isinstance(fails, list):
                fails = {name: f"The speech could not be translated into {name}." for name in fails}
            if not isinstance(fails, dict):
                return 400, {"error": {"code": "invalid_parameter", "message": "fail_languages: a list or an object."}}
            shelf.fail_languages = {str(k): str(v) for k, v in fails.items()}
        if body.get("malformed_srt_languages") is not None:
            shelf.malformed_srt_languages = set(map(str, body["malformed_srt_languages"]))
        if "proofread_seconds" in body:
            value = body["proofread_seconds"]
            shelf.proofread_seconds = None if value is None else float(value)
    return 200, {"data": {"fail_languages": copy.copy(shelf.fail_languages),
                          "malformed_srt_languages": sorted(shelf.malformed_srt_languages),
                          "proofread_seconds": shelf.proofread_seconds}}
