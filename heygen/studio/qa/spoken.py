"""What a video says, from its SRT subtitles: the tokens of all cues read as one text (so a number
or name split across two cues is still one, and styling tags are left out), each with its cue and
an estimated start time (its place in the cue's text spread over the cue's time)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from heygen.studio import srt

from .tokens import Token
from .words import tokenize

__all__ = ["Spoken", "read", "respelled", "said_as_pairs"]

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


def said_as_pairs(said_as: Mapping[str, str] | Iterable | None) -> list[tuple[str, str]]:
    """(written, sent) pairs from a mapping, pairs, or objects with ``written`` and ``spoken``."""
    if not said_as:
        return []
    items = said_as.items() if isinstance(said_as, Mapping) else said_as
    out = []
    for item in items:
        written, sent = (item.written, item.spoken) if hasattr(item, "written") else tuple(item)[:2]
        if str(written).strip() and str(sent).strip():
            out.append((str(written), str(sent)))
    return out


def respelled(spoken: Spoken, said_as: Mapping[str, str] | Iterable | None) -> Spoken:
    """``spoken`` with the words a script was respelled with for pronunciation read as the written
    words ("shi-VAWN" sent for "Siobhan" counts as "Siobhan"); the text shown stays as it was."""
    pairs = sorted(((tokenize(sent), tokenize(written)) for written, sent in said_as_pairs(said_as)),
                   key=lambda pair: -len(pair[0]))
    pairs = [(sent, written) for sent, written in pairs if sent and written]
    if not pairs:
        return spoken
    b = spoken.tokens
    keys = [t.key for t in b]
    tokens, cue_of, last_cue_of, time_of = [], [], [], []
    j = 0
    while j < len(b):
        for sent, written in pairs:
            k = len(sent)
            if keys[j:j + k] == [t.key for t in sent]:
                start, end = b[j].start, b[j + k - 1].end
                for n, w in enumerate(written):
                    tokens.append(replace(w, raw=spoken.text[start:end] if n == 0 else "", start=start, end=end,
                                          sentence=b[j].sentence, initial=b[j].initial and n == 0,
                                          capital=w.capital, pause=b[j].pause and n == 0))
                    cue_of.append(spoken.cue_of[j])
                    last_cue_of.append(spoken.last_cue_of[j + k - 1])
                    time_of.append(spoken.time_of[j])
                j += k
                break
        else:
            tokens.append(b[j])
            cue_of.append(spoken.cue_of[j])
            last_cue_of.append(spoken.last_cue_of[j])
            time_of.append(spoken.time_of[j])
            j += 1
    return Spoken(spoken.cues, spoken.text, tokens, cue_of, last_cue_of, time_of, spoken.seconds)
