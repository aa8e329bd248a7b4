"""Media URLs: which bytes each /media path serves, presigned-link checks, S3-style errors."""

from __future__ import annotations

import hashlib
import html
import re

from . import media, subtitles
from .catalogue import HAIR_COLOURS, SKIN_TONES, Palette

XML_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Error><Code>{code}</Code><Message>{message}</Message></Error>\n"
)
PUBLIC_CACHE = "public, max-age=86400"
PRIVATE_CACHE = "private, max-age=3600"


class MediaAnswer:
    """Bytes to send for a media path (or an S3-style error)."""

    def __init__(self, status, data, content_type, cache=None):
        self.status = status
        self.data = data
        self.content_type = content_type
        self.cache = cache

    @classmethod
    def error(cls, status, code, message):
        body = XML_ERROR.format(code=code, message=html.escape(message)).encode()
        return cls(status, body, "application/xml")


def not_found():
    return MediaAnswer.error(404, "NoSuchKey", "The specified key does not exist.")


def hashed_palette(key: str) -> Palette:
    """A stable palette derived from any string."""
    digest = hashlib.sha256(key.encode()).digest()
    return Palette(
        background=(40 + digest[0] % 120, 40 + digest[1] % 120, 60 + digest[2] % 140),
        clothing=(digest[3], digest[4], digest[5]),
        skin=SKIN_TONES[digest[6] % len(SKIN_TONES)],
        hair=HAIR_COLOURS[digest[7] % len(HAIR_COLOURS)],
        long_hair=digest[8] % 2 == 0,
    )


def public(state, path: str):
    """Catalogue media (no signature needed)."""
    catalogue = state.catalogue
    match = re.fullmatch(r"/media/public/(looks|groups|styles|voices|clips)/([^/]+)\.(png|wav|mp4)", path)
    if not match:
        return not_found()
    kind, item_id, ext = match.groups()
    if kind == "looks" and ext == "png" and item_id in catalogue.look_by_id:
        return MediaAnswer(200, media.look_preview(catalogue.look_by_id[item_id]), "image/png", PUBLIC_CACHE)
    if kind == "groups" and ext == "png" and item_id in catalogue.group_by_id:
        look = catalogue.group_by_id[item_id].looks[0]
        return MediaAnswer(200, media.look_preview(look), "image/png", PUBLIC_CACHE)
    if kind == "styles" and ext == "png" and item_id in catalogue.style_by_id:
        style = catalogue.style_by_id[item_id]
        data = media.thumbnail(style.style_id, style.palette, "16:9", scene=True)
        return MediaAnswer(200, data, "image/png", PUBLIC_CACHE)
    if kind == "voices" and ext == "wav" and item_id in catalogue.voice_by_id:
        voice = catalogue.voice_by_id[item_id]
        if voice.has_preview:
            return MediaAnswer(200, media.voice_preview(voice.pitch_hz), "audio/wav", PUBLIC_CACHE)
    if kind == "clips" and ext == "mp4" and item_id in media.CLIPS:
        return MediaAnswer(200, media.clip(item_id), "video/mp4", PUBLIC_CACHE)
    return not_found()


def asset(state, path: str):
    """An uploaded asset at its public URL."""
    match = re.fullmatch(r"/media/assets/([0-9a-f]+)(\.[a-z0-9]+)?", path)
    found = state.get_asset(match.group(1)) if match else None
    if found is None:
        return not_found()
    return MediaAnswer(200, found.data, found.mime_type, PRIVATE_CACHE)


def _srt(item) -> MediaAnswer:
    """The subtitles of a finished video or lip-sync: what it says (see misspeak), cue by cue."""
    speech = item.speech or subtitles.speech_of(getattr(item, "script", None), item.duration)
    srt = subtitles.build_srt(speech, item.duration)
    return MediaAnswer(200, srt.encode("utf-8"), "application/x-subrip; charset=utf-8", PRIVATE_CACHE)


def signed(state, path: str, query: dict):
    """A presigned output: finished video files and text-to-speech audio."""
    problem = state.check_signature(path, query)
    if problem == "expired":
        return MediaAnswer.error(403, "AccessDenied", "Request has expired")
    if problem:
        return MediaAnswer.error(403, "AccessDenied", "Query-string authentication is missing or invalid")
    match = re.fullmatch(r"/media/speech/([0-9a-f]+)\.wav", path)
    if match:
        with state.lock:
            kept = state.speech.get(match.group(1))
        return MediaAnswer(200, kept[0], "audio/wav", PRIVATE_CACHE) if kept else not_found()
    match = re.fullmatch(r"/media/lipsyncs/([^/.]+)\.(mp4|srt)", path)
    if match:
        lipsync = state.visible_lipsync(match.group(1))
        if lipsync is None or state.lipsync_phase(lipsync) != "completed":
            return not_found()
        if match.group(2) == "srt":
            return _srt(lipsync) if lipsync.captions else not_found()
        return MediaAnswer(200, media.clip(media.clip_for(lipsync.aspect_ratio)), "video/mp4", PRIVATE_CACHE)
    match = re.fullmatch(r"/media/videos/([^/.]+)\.(captioned\.mp4|mp4|png|srt)", path)
    video = state.visible_video(match.group(1)) if match else None
    if video is None or state.phase(video) != "completed":
        return not_found()
    ext = match.group(2)
    if ext == "captioned.mp4" and getattr(video, "captions", None) != "burned":
        return not_found()
    if ext in ("mp4", "captioned.mp4"):
        return MediaAnswer(200, media.clip(media.clip_for(video.aspect_ratio)), "video/mp4", PRIVATE_CACHE)
    if ext == "srt":
        return _srt(video)
    look = state.catalogue.look_by_id.get(video.look_id or "")
    if look is not None:
        data = media.thumbnail(look.id, look.palette, video.aspect_ratio)
    else:
        key = video.image_key or video.id
        data = media.thumbnail(key, hashed_palette(key), video.aspect_ratio,
                               scene=key.startswith("agent:"))
    return MediaAnswer(200, data, "image/png", PRIVATE_CACHE)


def video_page(state, path: str):
    """A minimal page standing in for the dashboard's video page."""
    video = state.visible_video(path.rsplit("/", 1)[-1])
    if video is None:
        return MediaAnswer(404, b"<!doctype html><title>Not found</title><p>Video not found.</p>",
                           "text/html; charset=utf-8")
    title = html.escape(video.title or video.id)
    if state.phase(video) == "completed":
        src = html.escape(state.sign(f"/media/videos/{video.id}.mp4"))
        content = f'<video controls playsinline src="{src}" style="max-width:100%"></video>'
    else:
        content = f"<p>Status: {html.escape(state.phase(video) or 'gone')}</p>"
    page = f"<!doctype html><meta charset=utf-8><title>{title}</title><h1>{title}</h1>{content}"
    return MediaAnswer(200, page.encode("utf-8"), "text/html; charset=utf-8")


def answer(state, path: str, query: dict, shelves: tuple = ()) -> MediaAnswer:
    """The media answer for any /media or /videos path; ``shelves`` answer the paths of other endpoints (each gives
    None for a path not its own)."""
    if path.startswith("/media/public/"):
        return public(state, path)
    if path.startswith("/media/assets/"):
        return asset(state, path)
    if path.startswith(("/media/videos/", "/media/speech/", "/media/lipsyncs/")):
        return signed(state, path, query)
    if path.startswith("/videos/"):
        return video_page(state, path)
    for more in shelves:  # other endpoints' media (translations, proofreads), given by the server
        found = more(state, path, query)
        if found is not None:
            return found
    return not_found()
