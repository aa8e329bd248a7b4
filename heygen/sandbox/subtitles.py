"""What a finished video says, as a timeline of segments, and the SRT subtitles that speak it.

A video's speech is a list of ``Segment``s played one after another: a single-script video has one,
a multi-scene video one per scene (silent scenes included, so later scenes start where they play).
Cues are a few words each (at most ``CUE_WORDS``, never across a sentence end or a pause), spoken at
``WORDS_PER_SECOND`` times the segment's pace, and always inside the segment (so inside the video).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

WORDS_PER_SECOND = 2.5  # about 150 spoken words a minute (media.script_duration uses the same pace)
SENTENCE_PAUSE = 0.3  # seconds a voice rests after a sentence
CUE_WORDS = 7
NARRATION = "[Narration from uploaded audio]"

_TOKEN = re.compile(r"<[^>]*>|[^\s<]+")
_BREAK = re.compile(r"<break\b[^>]*?time\s*=\s*[\"']?([\d.]+)\s*(ms|s)?[\"']?[^>]*>", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_CUE = re.compile(r"(\d+):(\d{2}):(\d{2}),(\d{3})\s*-->\s*(\d+):(\d{2}):(\d{2}),(\d{3})[^\n]*\n(.*?)(?:\n\s*\n|\Z)",
                  re.S)


@dataclass(frozen=True)
class Segment:
    """A stretch of the video: ``seconds`` long, saying ``text`` (None: unknown words, e.g. uploaded
    audio), or nothing at all when not ``narrated``; ``pace`` > 1 is slower speech."""

    seconds: float
    text: str | None = None
    narrated: bool = True
    pace: float = 1.0


@dataclass(frozen=True)
class Cue:
    """One subtitle, in milliseconds from the start of the video."""

    start_ms: int
    end_ms: int
    text: str


def tokens(text: str | None) -> list[str]:
    """A script's words and markup tags, in order."""
    return _TOKEN.findall(text or "")


def ends_sentence(token: str) -> bool:
    """Whether a word ends a sentence (., ! or ?, perhaps before a closing quote or bracket)."""
    return not token.startswith("<") and _SENTENCE_END.search(token) is not None


def spoken_words(text: str | None) -> list[str]:
    """The words of a script without markup."""
    return [t for t in tokens(text) if not t.startswith("<")]


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SIGNS = "$€£¥%"
_ADDRESS = re.compile(r"[^\W_][@./][^\W_]")
_ADDRESS_PART = re.compile(r"[^\W_]+")


def _integer_words(n: int) -> int:
    """How many words an integer takes to say ("one thousand two hundred ninety-nine": 5)."""
    if n == 0:
        return 1
    words, group = 0, 0
    while n:
        n, part = divmod(n, 1000)
        if part:
            hundreds, rest = divmod(part, 100)
            words += (2 if hundreds else 0) + (0 if rest == 0 else 1 if rest < 21 or rest % 10 == 0 else 2)
            words += 1 if group else 0  # thousand, million…
        group += 1
    return words


def said_length(token: str) -> int:
    """How many words a written word takes to say: a number as its words, a currency or percent sign as one, an
    address as its parts and the signs between them."""
    if _ADDRESS.search(token):  # an e-mail or web address: each part, and each "dot", "at" or "slash" between
        return max(1, len(_ADDRESS_PART.findall(token)) * 2 - 1)
    numbers = _NUMBER.findall(token)
    if not numbers:
        return 1
    count = sum(1 for ch in token if ch in _SIGNS)
    for number in numbers:
        whole, _, fraction = number.replace(",", "").partition(".")
        count += _integer_words(int(whole[:15] or 0)) + (1 + len(fraction) if fraction else 0)
    return count + (1 if re.search(r"[^\W\d_]{2,}", token) else 0)


def said_words(words: list[str]) -> int:
    """How many words a run of written words takes to say."""
    return sum(said_length(w) for w in words)


def sentences(text: str | None) -> int:
    """How many sentences a script has (a last one without its full stop counts)."""
    words = spoken_words(text)
    ends = sum(1 for w in words if ends_sentence(w))
    return ends + (1 if words and not ends_sentence(words[-1]) else 0)


def _phrases(text: str) -> list:
    """Runs of words ended by a sentence end or a pause: [(words, pause seconds after)]."""
    phrases, words = [], []
    for token in tokens(text):
        if token.startswith("<"):
            pause = _BREAK.fullmatch(token)
            if pause:
                seconds = float(pause.group(1)) / (1000.0 if (pause.group(2) or "").lower() == "ms" else 1.0)
                phrases.append((words, seconds))
                words = []
            continue
        words.append(token)
        if ends_sentence(token):
            phrases.append((words, 0.0))
            words = []
    phrases.append((words, 0.0))
    return [(w, p) for w, p in phrases if w or p]


def _chunks(words: list) -> list:
    """Words split into balanced cues of at most CUE_WORDS."""
    if not words:
        return []
    count = math.ceil(len(words) / CUE_WORDS)
    size, extra = divmod(len(words), count)
    chunks, at = [], 0
    for index in range(count):
        take = size + (1 if index < extra else 0)
        chunks.append(words[at:at + take])
        at += take
    return chunks


def segment_cues(segment: Segment, offset: float) -> list[Cue]:
    """The cues of one segment starting ``offset`` seconds into the video, fitted inside it."""
    if not segment.narrated or segment.seconds <= 0:
        return []
    if not spoken_words(segment.text):
        return [Cue(_ms(offset), _ms(offset + segment.seconds), NARRATION)]
    word_seconds = segment.pace / WORDS_PER_SECOND
    timed, clock = [], 0.0
    for words, pause in _phrases(segment.text):
        for chunk in _chunks(words):
            timed.append((clock, clock + said_words(chunk) * word_seconds, " ".join(chunk)))
            clock += said_words(chunk) * word_seconds
        clock += (pause + (SENTENCE_PAUSE if words and ends_sentence(words[-1]) else 0.0)) * segment.pace
    spoken = max((end for _, end, _ in timed), default=0.0)
    scale = min(1.0, segment.seconds / spoken) if spoken > 0 else 1.0
    return [Cue(_ms(offset + start * scale), _ms(offset + end * scale), text) for start, end, text in timed]


def cues(speech: list[Segment]) -> list[Cue]:
    """Every cue of a video's speech, in order."""
    found, offset = [], 0.0
    for segment in speech:
        found += segment_cues(segment, offset)
        offset += segment.seconds
    return [cue for cue in found if cue.end_ms > cue.start_ms]


def build_srt(speech: list[Segment], duration: float) -> str:
    """SRT subtitles for a video's speech (one narration line over the whole video when it says no known words
    and has no narrated part)."""
    found = cues(speech) or [Cue(0, _ms(duration), NARRATION)]
    return write_srt(found)


def speech_of(script: str | None, duration: float) -> list[Segment]:
    """The speech of a one-part video: its script (or unknown narration) over its whole length."""
    return [Segment(float(duration), script)]


def spliced(speech: list[Segment], start: float, end: float, text: str | None) -> list[Segment]:
    """A video's speech with the part from ``start`` to ``end`` seconds replaced by ``text`` (a lip-sync of
    part of a video): the cues before it and after it are said as before."""
    total = sum(s.seconds for s in speech)
    spoken = cues(speech)
    before = " ".join(c.text for c in spoken if c.end_ms <= _ms(start) + 1 and c.text != NARRATION)
    after = " ".join(c.text for c in spoken if c.start_ms >= _ms(end) - 1 and c.text != NARRATION)
    parts = [Segment(start, before or None, narrated=bool(before)), Segment(end - start, text),
             Segment(max(0.0, total - end), after or None, narrated=bool(after))]
    return [p for p in parts if p.seconds > 0]


def stretched(speech: list[Segment], factor: float) -> list[Segment]:
    """The same speech made ``factor`` times as long (slower speech, longer silences)."""
    return [replace(s, seconds=s.seconds * factor, pace=s.pace * factor) for s in speech]


def total_seconds(speech: list[Segment]) -> float:
    """How long a speech timeline lasts."""
    return round(sum(s.seconds for s in speech), 2)


# ---------------------------------------------------------------- SRT text


def _ms(seconds: float) -> int:
    return max(0, int(round(seconds * 1000)))


def stamp(millis: int) -> str:
    """An SRT time (HH:MM:SS,mmm) for milliseconds."""
    hours, rest = divmod(int(millis), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def write_srt(found: list[Cue]) -> str:
    """SRT text for cues, numbered from 1."""
    return "\n".join(f"{n}\n{stamp(c.start_ms)} --> {stamp(c.end_ms)}\n{c.text}\n" for n, c in enumerate(found, 1))


def read_srt(text: str) -> list[Cue] | None:
    """The cues of a well-formed SRT text, or None when it cannot be read."""
    found = []
    for match in _CUE.finditer(text.replace("\r\n", "\n")):
        g = [int(x) for x in match.groups()[:8]]
        start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        found.append(Cue(start, end, match.group(9).strip()))
    return found if found and len(found) == text.count("-->") else None
