"""``check_translation``: a translated video's subtitles against its source's. Not word for word:
the numbers, prices, percentages, dates, times, phone numbers and web addresses written with
digits in the source, and its names (capitalised words that are not common English words), must be
in the translation; a fact said with another value is reported next to the source's, matched by
time."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from heygen.studio.srt import SrtError

from .compare import similarity
from .facts import expected_facts, spoken_placeholders
from .matching import closeness, match_facts
from .names import Name, find_names, holds_name
from .report import Finding, Kind, Report, build
from .spoken import Spoken, read
from .tokens import Token
from .words import tokenize

__all__ = ["check_translation"]


def _cue_at(spoken: Spoken, seconds: float) -> tuple[float, tuple[int, int]]:
    """The start and number of the cue of ``spoken`` showing at ``seconds`` (or the last before)."""
    starts = [c.start for c in spoken.cues]
    c = max(0, bisect_right(starts, seconds) - 1)
    return round(spoken.cues[c].start, 3), (c + 1, c + 1)


def _names(tokens: list[Token], given: Iterable[str] | None) -> list[Name]:
    """The names to look for: where the given ones stand in the source, or the source's own."""
    if given is None:
        return find_names(tokens)
    keys = [t.key for t in tokens]
    out = []
    for text in given:
        wanted = [t.key for t in tokenize(str(text)) if not t.is_fact]
        for i in range(len(keys) - len(wanted) + 1):
            if wanted and keys[i:i + len(wanted)] == wanted:
                out.append(Name(i, i + len(wanted), tuple(wanted)))
                break
    return out


def check_translation(source_srt: str | None, translated_srt: str | None, *, names: Iterable[str] | None = None,
                      accepted: Iterable | None = None) -> Report:
    """The report on a translation: ``translated_srt`` against ``source_srt``. ``names``: the names
    that must survive (a batch row's values, say); by default the source's capitalised words that
    are not common English words."""
    if not (source_srt or "").strip() or not (translated_srt or "").strip():
        return build("no_subtitles", "translation", [], accepted=accepted)
    try:
        source, target = read(source_srt or ""), read(translated_srt or "")
    except SrtError:
        return build("unreadable", "translation", [], accepted=accepted)
    a, b = source.tokens, target.tokens
    wanted = expected_facts(a)
    when = {id(a[i]): source.time_of[i] for i in wanted}

    def score(fact: Token, j: int) -> float:
        return 1.0 / (1.0 + abs(when[id(fact)] - target.time_of[j])) + 0.1 * closeness(fact, b[j])

    findings: list[Finding] = []
    for fact, j, ok in match_facts([a[i] for i in wanted], b, score):
        if ok:
            continue
        if j is None:
            moment, cues = _cue_at(target, when[id(fact)])
            findings.append(Finding(Kind.NUMBER, fact.raw, None, moment, cues, fact.fact))
        else:
            c1, c2 = target.cue_of[j], target.last_cue_of[j]
            findings.append(Finding(Kind.NUMBER, fact.raw, b[j].raw, round(target.cues[c1].start, 3), (c1 + 1, c2 + 1),
                                    fact.fact))
    keys = {t.key for t in b}
    for name in _names(a, names):
        if holds_name(keys, name, inflected=True):
            continue
        expected = source.text[a[name.i1].start:a[name.i2 - 1].end]
        at = source.time_of[name.i1]
        best, best_j = 0.0, -1
        for j, t in enumerate(b):
            if t.fact is None and t.capital and len(t.key) >= 2:
                s = max(similarity(k, t.key) for k in name.keys)
                s = s - 0.01 * min(30.0, abs(target.time_of[j] - at))
                if s > best and s >= 0.5:
                    best, best_j = s, j
        if best_j >= 0:
            c = target.cue_of[best_j]
            findings.append(Finding(Kind.NAME, expected, b[best_j].raw, round(target.cues[c].start, 3), (c + 1, c + 1)))
        else:
            moment, cues = _cue_at(target, at)
            findings.append(Finding(Kind.NAME, expected, None, moment, cues))
    findings += spoken_placeholders(target)
    return build("findings", "translation", findings, (), target.seconds, None, accepted)
