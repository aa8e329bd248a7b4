"""``check_script``: what a finished video says (its SRT) against the script it was sent.

Findings: a substituted value (name or other) not spoken or spoken as another word; a number, price,
percentage, date, time, phone number or address said with another value; a placeholder left in the
script or the subtitles; a script sentence most of whose words were not spoken; spoken words that
are not in the script; a video more than 25 % longer or shorter than expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from heygen.studio.srt import SrtError

from .align import Alignment, align
from .compare import LIKE, facts_match, like, runs_match, same_name, similarity
from .report import Finding, Kind, Pair, Report, build
from .spoken import Spoken, read, respelled
from .tokens import Token, fold
from .words import tokenize

__all__ = ["LENGTH_TOLERANCE", "check_script", "length_finding"]

LENGTH_TOLERANCE = 0.25  # a video this much longer or shorter than expected is a finding
LENGTH_FLOOR = 2.0  # seconds: a smaller difference is the voice's pace and pauses, never a finding
EXTRA_RUN = 6  # this many spoken words in a row that are not in the script make an extra sentence
NEARBY = 12  # spoken tokens either side searched for a fact the alignment left unpaired
_NAME_COLUMN = re.compile(
    r"name|company|organi[sz]ation|brand|city|town|country|person|contact|customer|client|recipient|host|speaker"
    r"|school|business|employer|manager|agent|rep\b|owner|founder|author|guest", re.I)


def check_script(script: str | None, srt_text: str | None, *, values: Mapping[str, object] | None = None,
                 expected_seconds: float | None = None, accepted: Iterable | None = None,
                 said_as: Mapping[str, str] | Iterable | None = None) -> Report:
    """The report on a finished video: ``script`` as sent (placeholders already filled in),
    ``srt_text`` its subtitles, ``values`` the CSV row's values that were filled in (column ->
    value), ``expected_seconds`` the length expected, ``accepted`` keys of findings the user
    accepted as correct ((kind, expected, spoken), see ``Finding.key``). ``said_as``: words the
    script was respelled with for pronunciation (written -> sent, as a mapping, pairs or objects
    with ``written`` and ``spoken``) when ``script`` is the script as written: subtitles showing
    the respelling count as saying the written word."""
    script = script or ""
    tokens = tokenize(script)
    if not (srt_text or "").strip():
        return build("no_subtitles", "script", _script_only(tokens), expected_seconds=expected_seconds,
                     accepted=accepted)
    try:
        spoken = respelled(read(srt_text or ""), said_as)
    except SrtError:
        return build("unreadable", "script", _script_only(tokens), expected_seconds=expected_seconds,
                     accepted=accepted)
    check = _Check(script, tokens, spoken, align(tokens, spoken.tokens))
    columns: dict[int, str] = {}
    findings = check.values(values or {}, columns)
    missing, gone = check.missing_sentences()
    mismatched: set[int] = set()
    findings += check.numbers(columns, gone, mismatched)
    findings += check.placeholders()
    findings += missing
    findings += check.extra_sentences()
    findings += length_finding(spoken.seconds, expected_seconds)
    return build("findings", "script", findings, check.pairs(mismatched), spoken.seconds, expected_seconds, accepted)


def length_finding(seconds: float | None, expected: float | None) -> list[Finding]:
    """A LENGTH finding when ``seconds`` is off ``expected`` by more than ``LENGTH_TOLERANCE`` of it and by more
    than ``LENGTH_FLOOR`` seconds."""
    if not expected or expected <= 0 or not seconds:
        return []
    if abs(seconds - expected) <= max(LENGTH_TOLERANCE * expected, LENGTH_FLOOR):
        return []
    return [Finding(Kind.LENGTH, f"{expected:.1f}", f"{seconds:.1f}", fact="seconds")]


def _script_only(tokens: list[Token]) -> list[Finding]:
    return [Finding(Kind.PLACEHOLDER, t.raw, None) for t in tokens if t.fact == "placeholder"]


def _name_like(column: str, value: str) -> bool:
    if _NAME_COLUMN.search(column or ""):
        return True
    words = re.findall(r"[^\W\d_]+", value)
    return bool(words) and all(w[:1].isupper() for w in words)


def _find(keys: list[str], part: list[str]) -> list[int]:
    """Where ``part`` occurs in ``keys`` (start indices, not overlapping)."""
    out, n, k = [], len(keys), len(part)
    if not k:
        return out
    i = 0
    first = part[0]
    while i <= n - k:
        if keys[i] == first and keys[i:i + k] == part:
            out.append(i)
            i += k
        else:
            i += 1
    return out


class _Check:
    """One script against one video's spoken tokens and their alignment."""

    def __init__(self, script: str, a: list[Token], spoken: Spoken, al: Alignment) -> None:
        self.script, self.a, self.spoken, self.b, self.al = script, a, spoken, spoken.tokens, al
        self.present = [al.same[i] or (al.a2b[i] >= 0 and like(t, self.b[al.a2b[i]])) for i, t in enumerate(a)]
        self.explained: set[int] = set()  # script tokens of a value said as another word (a finding already)
        self.prev = [-1] * len(a)
        self.next = [-1] * len(a)
        last = -1
        for i in range(len(a)):
            self.prev[i] = last
            if al.a2b[i] >= 0:
                last = i
        last = -1
        for i in range(len(a) - 1, -1, -1):
            self.next[i] = last
            if al.a2b[i] >= 0:
                last = i

    # where things are ---------------------------------------------------------------------------

    def at_spoken(self, j1: int, j2: int | None = None) -> tuple[float, tuple[int, int]]:
        """The moment (start of the cue) and cue numbers of spoken tokens [j1, j2)."""
        last = (j2 if j2 is not None else j1 + 1) - 1
        return round(self.spoken.cue_start(j1), 3), (self.spoken.cue_of[j1] + 1, self.spoken.last_cue_of[last] + 1)

    def at_script(self, i: int) -> tuple[float | None, tuple[int, int] | None]:
        """Where script token ``i`` is spoken or, when it is not, should have been: between the
        spoken tokens paired with its neighbours, in proportion to its place between them."""
        j = self.al.a2b[i]
        if j >= 0:
            return self.at_spoken(j)
        if not self.b:
            return None, None
        p, n = self.prev[i], self.next[i]
        sp, times, cues = self.spoken, self.spoken.time_of, self.spoken.cue_of
        if p < 0 and n < 0:
            return 0.0, (1, 1)
        if p < 0:
            jn = self.al.a2b[n]
            return round(times[jn], 3), (cues[jn] + 1, cues[jn] + 1)
        jp = self.al.a2b[p]
        if n < 0:
            return round(sp.cues[cues[jp]].end, 3), (cues[jp] + 1, cues[jp] + 1)
        jn = self.al.a2b[n]
        share = (i - p) / (n - p)
        return round(times[jp] + (times[jn] - times[jp]) * share, 3), (cues[jp] + 1, cues[jn] + 1)

    def region(self, indices: list[int], *, any_kind: bool = False) -> tuple[int, int] | None:
        """The spoken tokens [j1, j2) paired with script tokens ``indices``, widened over spoken
        tokens next to them that are paired with nothing (facts over facts and words over words,
        unless ``any_kind``); None when none is paired."""
        mapped = [self.al.a2b[i] for i in indices if self.al.a2b[i] >= 0]
        if not mapped:
            return None
        j1, j2 = min(mapped), max(mapped) + 1
        b, b2a = self.b, self.al.b2a
        while j1 > 0 and b2a[j1 - 1] < 0 and (any_kind or b[j1 - 1].is_fact == b[j1].is_fact):
            j1 -= 1
        while j2 < len(b) and b2a[j2] < 0 and (any_kind or b[j2].is_fact == b[j2 - 1].is_fact):
            j2 += 1
        return j1, j2

    def name_widened(self, indices: list[int]) -> tuple[int, int] | None:
        """The spoken tokens of a name said with an extra capitalised word next to it ("José" said
        "Jose Luis"), or None when nothing was added."""
        j1, j2 = self.al.a2b[indices[0]], self.al.a2b[indices[-1]] + 1
        b, b2a = self.b, self.al.b2a
        k1, k2 = j1, j2
        def added(j: int, neighbour: int) -> bool:  # a capitalised word in the same phrase, paired with nothing
            t = b[j]
            return (b2a[j] < 0 and t.capital and not t.initial and not t.is_fact
                    and t.sentence == b[neighbour].sentence and not b[max(j, neighbour)].pause)

        while k1 > 0 and added(k1 - 1, k1):
            k1 -= 1
        while k2 < len(b) and added(k2, k2 - 1):
            k2 += 1
        return (k1, k2) if (k1, k2) != (j1, j2) else None

    def script_text(self, i1: int, i2: int) -> str:
        return self.script[self.a[i1].start:self.a[i2 - 1].end]

    def spoken_text(self, j1: int, j2: int) -> str:
        return self.spoken.text[self.b[j1].start:self.b[j2 - 1].end]

    # rules --------------------------------------------------------------------------------------

    def values(self, values: Mapping[str, object], columns: dict[int, str]) -> list[Finding]:
        """NAME / VALUE: each substituted value spoken as sent."""
        out: list[Finding] = []
        keys = [t.key for t in self.a]
        for column, raw in values.items():
            value = "" if raw is None else str(raw).strip()
            if not value:
                continue
            vtoks = tokenize(value)
            vkeys = [t.key for t in vtoks]
            words = [k for k, t in enumerate(vtoks) if not t.is_fact and t.fact != "placeholder"]
            starts = _find(keys, vkeys)
            for s in starts:
                for k in range(len(vkeys)):
                    columns.setdefault(s + k, column)
            if not words:
                continue  # numbers, dates and addresses: the NUMBER rule compares them
            kind = Kind.NAME if _name_like(column, value) else Kind.VALUE
            if not starts:
                out.extend(self._value_not_in_script(kind, column, value, [vkeys[k] for k in words]))
                continue
            spoken_ok = False
            missing_at: int | None = None
            for s in starts:
                idx = [s + k for k in words]
                if all(self.al.same[i] for i in idx):
                    longer = self.name_widened(idx)
                    if longer is None:
                        spoken_ok = True
                        continue
                    moment, cues = self.at_spoken(*longer)
                    out.append(Finding(kind, self.script_text(s, s + len(vkeys)), self.spoken_text(*longer), moment,
                                       cues, column=column))
                    self.explained.update(range(s, s + len(vkeys)))
                    continue
                span = self.region(idx)
                if span is None:
                    missing_at = s if missing_at is None else missing_at
                    continue
                j1, j2 = span
                if same_name([self.a[i] for i in idx], self.b[j1:j2]):
                    spoken_ok = True
                    continue
                moment, cues = self.at_spoken(j1, j2)
                out.append(Finding(kind, self.script_text(s, s + len(vkeys)), self.spoken_text(j1, j2), moment, cues,
                                   column=column))
                self.explained.update(range(s, s + len(vkeys)))
            if not spoken_ok and missing_at is not None and not any(f.column == column for f in out):
                moment, cues = self.at_script(missing_at)
                out.append(Finding(kind, self.script_text(missing_at, missing_at + len(vkeys)), None, moment, cues,
                                   column=column))
        return out

    def _value_not_in_script(self, kind: Kind, column: str, value: str, words: list[str]) -> list[Finding]:
        """A value the script as sent does not hold: fine when the video says it anyway."""
        spoken_keys = [t.key for t in self.b]
        if _find(spoken_keys, words) or "".join(words) in spoken_keys:
            return []
        best, best_j = 0.0, -1
        for j, t in enumerate(self.b):
            if not t.is_fact and t.capital and not t.initial:
                score = similarity(words[0], t.key)
                if score > best:
                    best, best_j = score, j
        if best_j >= 0 and best >= LIKE:
            moment, cues = self.at_spoken(best_j)
            return [Finding(kind, value, self.b[best_j].raw, moment, cues, column=column)]
        return [Finding(kind, value, None, column=column)]

    def numbers(self, columns: dict[int, str], gone: set[int], mismatched: set[int]) -> list[Finding]:
        """NUMBER: every number, date and address of the script said with the same value."""
        out: list[Finding] = []
        a = self.a
        runs: list[list[int]] = []
        for i, t in enumerate(a):
            if not t.is_fact:
                continue
            if runs and runs[-1][-1] == i - 1 and a[i - 1].sentence == t.sentence:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            if a[run[0]].sentence in gone:
                continue
            span = self.region(run)
            script_run = [a[i] for i in run]
            if span is None:
                if self.said_nearby(run):
                    continue
                for i in run:
                    moment, cues = self.at_script(i)
                    out.append(Finding(Kind.NUMBER, a[i].raw, None, moment, cues, a[i].fact, columns.get(i)))
                    mismatched.add(i)
                continue
            j1, j2 = span
            facts = [t for t in self.b[j1:j2] if t.is_fact]
            if runs_match(script_run, facts):
                continue
            if len(facts) == len(run) and all(t.is_fact for t in self.b[j1:j2]):
                for i, j in zip(run, range(j1, j2)):
                    if not facts_match(a[i], self.b[j]):
                        moment, cues = self.at_spoken(j)
                        out.append(Finding(Kind.NUMBER, a[i].raw, self.b[j].raw, moment, cues, a[i].fact,
                                           columns.get(i)))
                        mismatched.add(i)
                continue
            moment, cues = self.at_spoken(j1, j2)
            out.append(Finding(Kind.NUMBER, self.script_text(run[0], run[-1] + 1), self.spoken_text(j1, j2), moment,
                               cues, a[run[0]].fact, columns.get(run[0])))
            mismatched.update(run)
        return out

    def said_nearby(self, run: list[int]) -> bool:
        """Whether facts the alignment left unpaired are said with their values close to where they
        belong (the alignment paired the words around them with another sentence)."""
        p, n = self.prev[run[0]], self.next[run[-1]]
        lo = self.al.a2b[p] - NEARBY if p >= 0 else 0
        hi = self.al.a2b[n] + NEARBY if n >= 0 else len(self.b)
        window = [t for t in self.b[max(0, lo):hi] if t.is_fact]
        return all(any(facts_match(self.a[i], t) for t in window) for i in run)

    def placeholders(self) -> list[Finding]:
        """PLACEHOLDER: placeholders in the script as sent, and in the subtitles."""
        out: list[Finding] = []
        for i, t in enumerate(self.a):
            if t.fact == "placeholder":
                span = self.region([i], any_kind=True)
                moment, cues = self.at_script(i)
                out.append(Finding(Kind.PLACEHOLDER, t.raw, self.spoken_text(*span) if span else None, moment, cues))
        for j, t in enumerate(self.b):
            i = self.al.b2a[j]
            if t.fact == "placeholder" and not (i >= 0 and self.a[i].fact == "placeholder"):
                moment, cues = self.at_spoken(j)
                out.append(Finding(Kind.PLACEHOLDER, None, t.raw, moment, cues))
        return out

    def missing_sentences(self) -> tuple[list[Finding], set[int]]:
        """MISSING_SENTENCE: script sentences most of whose words were not spoken, and their numbers."""
        out: list[Finding] = []
        gone: set[int] = set()
        for sentence, idx in _by_sentence(self.a).items():
            present = sum(self.present[i] or i in self.explained for i in idx)
            if present * 2 >= len(idx):
                continue
            gone.add(sentence)
            moment, cues = self.at_script(idx[0])
            out.append(Finding(Kind.MISSING_SENTENCE, _closed(self.script, self.a[idx[0]].start, self.a[idx[-1]].end),
                               None, moment, cues))
        return out, gone

    def extra_sentences(self) -> list[Finding]:
        """EXTRA_SENTENCE: spoken sentences most of whose words are not in the script, and long
        stretches of such words."""
        out: list[Finding] = []
        b2a, a, b = self.al.b2a, self.a, self.b
        unmatched = [b2a[j] < 0 or not like(a[b2a[j]], t) for j, t in enumerate(b)]
        for i, t in enumerate(a):  # a placeholder read out ("first name" for {{first_name}}) is not extra
            span = self.region([i], any_kind=True) if t.fact == "placeholder" else None
            if span:
                inner = set(t.key.strip("{}").split())
                for j in range(*span):
                    if b[j].key in inner or fold(b[j].raw) in inner:
                        unmatched[j] = False
        reported: set[int] = set()
        for idx in _by_sentence(b).values():
            extra = [j for j in idx if unmatched[j]]
            if len(extra) >= 2 and len(extra) * 2 > len(idx):
                moment, cues = self.at_spoken(extra[0], extra[-1] + 1)
                text = _closed(self.spoken.text, b[idx[0]].start, b[idx[-1]].end)
                out.append(Finding(Kind.EXTRA_SENTENCE, None, text, moment, cues))
                reported.update(idx)
        run: list[int] = []
        for j in range(len(b) + 1):
            if j < len(b) and unmatched[j] and j not in reported:
                run.append(j)
                continue
            if len(run) >= EXTRA_RUN:
                moment, cues = self.at_spoken(run[0], run[-1] + 1)
                out.append(Finding(Kind.EXTRA_SENTENCE, None, self.spoken_text(run[0], run[-1] + 1), moment, cues))
            run = []
        return out

    # side by side -------------------------------------------------------------------------------

    def pairs(self, mismatched: set[int]) -> list[Pair]:
        """The alignment as pairs of word lists, equal stretches cut at cue changes and at numbers
        said with another value."""
        out: list[Pair] = []
        a, b, cue_of = self.a, self.b, self.spoken.cue_of
        for op, i1, i2, j1, j2 in self.al.ops:
            if op != "equal":
                if op == "delete":
                    moment, cues = self.at_script(i1)
                else:
                    moment, cues = self.at_spoken(j1, j2)
                out.append(Pair(op, _words(a, i1, i2), _words(b, j1, j2), moment, cues))
                continue
            start = 0
            n = i2 - i1
            for k in range(n + 1):
                cut = k == n or (k > start and cue_of[j1 + k] != cue_of[j1 + k - 1]) or i1 + k in mismatched \
                    or (k > start and i1 + k - 1 in mismatched)
                if not cut or k == start:
                    continue
                s1, s2, t1, t2 = i1 + start, i1 + k, j1 + start, j1 + k
                kind = "replace" if s1 in mismatched else "equal"
                moment, cues = self.at_spoken(t1, t2)
                out.append(Pair(kind, _words(a, s1, s2), _words(b, t1, t2), moment, cues))
                start = k
        return out


def _closed(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with the sentence's closing punctuation."""
    while end < len(text) and text[end] in ".!?…":
        end += 1
    return text[start:end]


def _words(tokens: list[Token], i1: int, i2: int) -> tuple[str, ...]:
    return tuple(t.raw for t in tokens[i1:i2] if t.raw)


def _by_sentence(tokens: list[Token]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        out.setdefault(t.sentence, []).append(i)
    return out
