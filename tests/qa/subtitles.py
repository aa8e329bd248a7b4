"""SRT text for the QA tests: cues from plain strings, timed at 2.5 words a second."""

from __future__ import annotations

from heygen.studio import srt

WORDS_PER_SECOND = 2.5


def srt_of(*cue_texts: str, start: float = 0.0, gap: float = 0.2, pace: float = 1.0) -> str:
    """An SRT file with one cue per string, each lasting its words at 2.5 a second (times ``pace``)."""
    cues, clock = [], start
    for text in cue_texts:
        seconds = max(1, len(text.split())) / WORDS_PER_SECOND * pace
        cues.append(srt.Cue(round(clock, 3), round(clock + seconds, 3), text))
        clock += seconds + gap
    return srt.serialise(cues)


def cue_starts(srt_text: str) -> list[float]:
    """The start of every cue, in order."""
    return [cue.start for cue in srt.parse(srt_text)]
