"""Checks and preparation of the files a marketer uploads (photos and voice recordings), done
before anything is sent to HeyGen. Every refusal is a `MediaError` with a plain-sentence message
and a machine ``code``."""

from .audio import MAX_AUDIO_SECONDS, AudioInfo, inspect_audio
from .errors import MAX_UPLOAD_BYTES, MediaError
from .images import PreparedImage, max_side_for, prepare_image

__all__ = [
    "MediaError",
    "MAX_UPLOAD_BYTES",
    "PreparedImage",
    "prepare_image",
    "max_side_for",
    "AudioInfo",
    "inspect_audio",
    "MAX_AUDIO_SECONDS",
]
