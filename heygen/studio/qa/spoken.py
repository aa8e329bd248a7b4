"""What a video says, from its SRT subtitles: the tokens of all cues read as one text (so a number
or name split across two cues is still one, and styling tags are left out), each with its cue and
an estimated start time (its place in the cue's text spread over the cue's time)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from heygen.studio import srt

from .tokens import Token
from .words import tokenize

__all__ = ["Spoken", "read"]

# Styling inside cues, not words: <i>…</i>, <font color="…">, {\an8}.
_STYLING = re.compile(r"</?(?:i|b|u|em|strong|font|span|c)(?:\s[^<>]*)?>|\{\\[^{}]*\}", re.I)


@dataclass(frozen=True)
class Spoken:
    """The cues, their joined ``text``, its ``tokens`` and, per token, the cue it starts in and the
    cue it ends in (indices from 0) and its estimated start in seconds; ``seconds`` is the end of
    the last cue."""

    cues: list[srt.Cue]
    text: str
    tokens: list[Token]
    cue_of: list[int]
    last_cue_of: list[int]
    time_of: list[float]
    seconds: float

    def cue_start(self, j: int) -> float:
        """The start of the cue token ``j`` is in."""
        return self.cues[self.cue_of[j]].start


def read(srt_text: str) -> Spoken:
    """The spoken tokens of an SRT file; ``srt.SrtError`` when it cannot be read."""
    cues = srt.parse(srt_text)
    pieces: list[str] = []
    offsets: list[int] = []
    at = 0
    for cue in cues:
        line = " ".join(_STYLING.sub(" ", cue.text).split())
        offsets.append(at)
        pieces.append(line)
        at += len(line) + 1
    text = " ".join(pieces)
    tokens = tokenize(text, newline_ends_sentence=False)
    cue_of: list[int] = []
    last_cue_of: list[int] = []
    time_of: list[float] = []
    c = 0
    last = len(cues) - 1
    for tok in tokens:
        while c < last and offsets[c + 1] <= tok.start:
            c += 1
        cue = cues[c]
        share = (tok.start - offsets[c]) / (len(pieces[c]) or 1)
        cue_of.append(c)
        last_cue_of.append(c if c == last or tok.end <= offsets[c + 1] else bisect_right(offsets, tok.end - 1) - 1)
        time_of.append(cue.start + (cue.end - cue.start) * min(1.0, max(0.0, share)))
    seconds = max((cue.end for cue in cues), default=0.0)
    return Spoken(cues, text, tokens, cue_of, last_cue_of, time_of, seconds)
