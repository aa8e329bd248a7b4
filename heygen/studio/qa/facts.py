"""``check_facts``: a Video Agent video (no script) against its prompt. The names, numbers, prices,
percentages, dates, times, phone numbers and addresses the user wrote must be said; one said with
another value is reported with the value said in its place and its moment.

Numbers the prompt spells out in words ("make one video") and numbers about the video itself
("a 60-second video", "3 scenes", "16:9") are not required.
"""

from __future__ import annotations

from collections.abc import Iterable

from heygen.studio.srt import SrtError

from .compare import similarity
from .matching import closeness, match_facts
from .names import find_names, holds_name
from .report import Finding, Kind, Report, build
from .spoken import Spoken, read
from .tokens import NUMBER, Token
from .words import tokenize

__all__ = ["check_facts", "expected_facts", "spoken_placeholders"]

_ABOUT_VIDEO = {"scene", "scenes", "slide", "slides", "shot", "shots", "take", "takes", "version", "versions",
                "variant", "variants", "clip", "clips", "word", "words", "fps", "frames", "sentences", "bullet",
                "bullets", "points", "paragraphs", "avatars", "avatar", "voices", "languages"}
_TIME_UNITS = {"second", "seconds", "sec", "secs", "s", "minute", "minutes", "min", "mins"}
_VIDEO_WORDS = {"video", "videos", "clip", "long", "length", "duration", "reel", "ad", "short", "max", "maximum",
                "under", "around", "about", "runtime", "seconds", "minutes"}
_FORMATS = {"16:9", "9:16", "1:1", "4:5", "4:3", "21:9", "4k", "8k", "2k"}
_NEAR = 4  # words either side that make a fact's context


def expected_facts(tokens: list[Token]) -> list[int]:
    """Indices of the facts a prompt asks to be said: written with digits, or dates and addresses."""
    out = []
    for i, t in enumerate(tokens):
        if not t.is_fact or (t.key == NUMBER and not t.digits) or t.raw.lower() in _FORMATS:
            continue
        after = tokens[i + 1].key if i + 1 < len(tokens) else ""
        if t.key == NUMBER and after in _ABOUT_VIDEO:
            continue
        if t.key == NUMBER and after in _TIME_UNITS and any(
                u.key in _VIDEO_WORDS for u in tokens if u.sentence == t.sentence and u is not tokens[i + 1]):
            continue
        out.append(i)
    return out


def _context(tokens: list[Token], i: int) -> set[str]:
    return {t.key for t in tokens[max(0, i - _NEAR):i] + tokens[i + 1:i + 1 + _NEAR] if not t.is_fact}


def spoken_placeholders(spoken: Spoken) -> list[Finding]:
    """PLACEHOLDER findings for placeholders in the subtitles."""
    out = []
    for j, t in enumerate(spoken.tokens):
        if t.fact == "placeholder":
            c = spoken.cue_of[j]
            out.append(Finding(Kind.PLACEHOLDER, None, t.raw, round(spoken.cues[c].start, 3), (c + 1, c + 1)))
    return out


def check_facts(prompt: str | None, srt_text: str | None, *, accepted: Iterable | None = None) -> Report:
    """The report on a Video Agent video made from ``prompt``, from its subtitles ``srt_text``."""
    tokens = tokenize(prompt or "")
    if not (srt_text or "").strip():
        return build("no_subtitles", "facts", [], accepted=accepted)
    try:
        spoken = read(srt_text or "")
    except SrtError:
        return build("unreadable", "facts", [], accepted=accepted)
    b = spoken.tokens
    wanted = expected_facts(tokens)
    contexts = {id(tokens[i]): _context(tokens, i) for i in wanted}

    def score(fact: Token, j: int) -> float:
        return len(contexts[id(fact)] & _context(b, j)) + closeness(fact, b[j])

    findings: list[Finding] = []
    for fact, j, ok in match_facts([tokens[i] for i in wanted], b, score):
        if ok:
            continue
        if j is None:
            findings.append(Finding(Kind.NUMBER, fact.raw, None, fact=fact.fact))
        else:
            c1, c2 = spoken.cue_of[j], spoken.last_cue_of[j]
            findings.append(Finding(Kind.NUMBER, fact.raw, b[j].raw, round(spoken.cues[c1].start, 3), (c1 + 1, c2 + 1),
                                    fact.fact))
    keys = {t.key for t in b}
    prompt_keys = {t.key for t in tokens}
    for name in find_names(tokens):
        if holds_name(keys, name):
            continue
        expected = (prompt or "")[tokens[name.i1].start:tokens[name.i2 - 1].end]
        best, best_j = 0.5, -1
        for j, t in enumerate(b):
            if t.fact is None and t.key not in prompt_keys and len(t.key) >= 2:
                s = max(similarity(k, t.key) for k in name.keys)
                if s > best:
                    best, best_j = s, j
        if best_j >= 0:
            c = spoken.cue_of[best_j]
            findings.append(Finding(Kind.NAME, expected, b[best_j].raw, round(spoken.cues[c].start, 3), (c + 1, c + 1)))
        else:
            findings.append(Finding(Kind.NAME, expected, None))
    findings += spoken_placeholders(spoken)
    return build("findings", "facts", findings, (), spoken.seconds, None, accepted)
