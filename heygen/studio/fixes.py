"""Fixing a finished video a check found fault with: render it again (a new job linked to the old one),
or give one sentence new audio (a lip-sync over that sentence's time in the video, spoken with the
same voice). Either result is checked again when it finishes, against the whole script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from heygen.api.videos import VideoSpec

from . import kinds, lipsync, srt
from .jobs import Job, JobStore

_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"'”’)\]]*|$)")
_ENDS = re.compile(r"[.!?][\"'”’)\]]*\s*$")


class FixError(ValueError):
    """The fix cannot be made; ``reason``: "not_a_video", "no_script", "no_voice", "no_sentence"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sentences(script: str) -> list[str]:
    """A script's sentences, as written."""
    return [s.strip() for s in _SENTENCE.findall(script or "") if s.strip()]


@dataclass(frozen=True)
class SentenceFix:
    """What re-voicing one sentence sends: the words (as the voice should say them), the time range of the
    sentence in the video, and the sentence as written (what the check expects)."""

    text: str
    written: str
    start: float
    end: float


def sentence_fix(job: Job, srt_text: str, moment: float, expected: str | None) -> SentenceFix:
    """The sentence of ``job``'s script around ``moment`` (holding ``expected``), and its time in the video."""
    spec = job.inputs.spec or {}
    written_script = (job.inputs or {}).get("written_script") or spec.get("script")
    sent_script = spec.get("script") or written_script
    if not isinstance(written_script, str) or not written_script.strip():
        raise FixError("no_script")
    written, said = sentences(written_script), sentences(sent_script)
    index = next((i for i, s in enumerate(written) if expected and expected in s), None)
    try:
        cues = srt.parse(srt_text)
    except srt.SrtError:
        cues = []
    first = next((i for i, c in enumerate(cues) if c.end > moment), None)
    if index is None or first is None:
        raise FixError("no_sentence")
    last = first
    while first > 0 and not _ENDS.search(cues[first - 1].text):
        first -= 1
    while last < len(cues) - 1 and not _ENDS.search(cues[last].text):
        last += 1
    text = said[index] if len(said) == len(written) else written[index]
    return SentenceFix(text, written[index], cues[first].start, cues[last].end)


def revoice_sentence(store: JobStore, job: Job, fix: SentenceFix, *, account: str) -> Job:
    """Record the lip-sync that gives one sentence of ``job`` new audio in the same voice (not sent yet)."""
    spec = job.inputs.spec or {}
    voice = spec.get("voice_id")
    if not voice:
        raise FixError("no_voice")
    written = (job.inputs or {}).get("written_script") or spec.get("script")
    meant = {"written_script": written, "values": (job.inputs or {}).get("values") or {}, "fixes": "sentence"}
    return lipsync.create_job(store, account=account, source=job,
                              speech=lipsync.Speech(fix.text, voice, (job.inputs or {}).get("voice_name")),
                              whole=False, start=fix.start, end=fix.end, meant=meant)


def rerender(store: JobStore, job: Job, *, account: str) -> Job:
    """Record a new render of ``job``'s video, the same spec and details, linked to it (not sent yet)."""
    inputs: dict[str, Any] = dict(job.inputs or {})
    if not kinds.of(job).fixable or not isinstance(inputs.get("spec"), dict):
        raise FixError("not_a_video")
    spec = VideoSpec.from_dict(inputs["spec"])
    extra = {k: v for k, v in inputs.items() if k not in ("spec", "uploaded")}
    return store.create(account=account, kind=job.kind, title=job.title, inputs={"spec": spec.to_dict(), **extra},
                        redo_of=job.id)
