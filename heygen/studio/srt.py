"""SRT subtitles as data: read a file (reporting what is malformed, with its line number), check the
timing (each cue ends after it starts, no cue overlaps the next, nothing past the video's end), and
write it back. Pure functions, no I/O.

A time typed in a table is a finite number of seconds from 0 to ``MAX_TYPED`` (24 hours); a time
written out is "" when it is not a number at all (infinite, NaN) and held to ``MAX_STAMP`` otherwise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_TIME = r"(\d{1,3}):(\d{2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
END_TOLERANCE = 0.05  # seconds a last cue may run past the video's end (rounding of lengths)
MAX_TYPED = 24 * 3600.0  # seconds: the latest time parse_time accepts
MAX_STAMP = 999 * 3600 + 59 * 60 + 59.999  # seconds: the latest time an SRT file can hold (999:59:59,999)


class SrtError(ValueError):
    """Subtitles that cannot be used; ``problems`` are plain sentences, each naming its line or cue."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from ``start`` to ``end`` (seconds), with its text (lines joined by newlines)."""

    start: float
    end: float
    text: str


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def stamp(seconds: float) -> str:
    """``seconds`` as an SRT time, e.g. ``00:01:02,500``, held between 0 and ``MAX_STAMP``; "" for a value
    that is not a finite number."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return ""
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return ""
    total = int(round(min(max(seconds, 0.0), MAX_STAMP) * 1000))  # an int of any size compares exactly
    return f"{total // 3_600_000:02d}:{total // 60_000 % 60:02d}:{total // 1000 % 60:02d},{total % 1000:03d}"


def parse_time(text: str) -> float:
    """An SRT time (``00:01:02,500``, or ``1:02.5`` / ``62.5`` as typed in a table) in seconds; ValueError for
    anything else, and for a time that is not finite, negative or past ``MAX_TYPED``."""
    value = (text or "").strip()
    try:
        match = re.fullmatch(_TIME, value)
        if match:
            number = _seconds(*match.groups())
        elif ":" in value and (match := re.fullmatch(r"(?:(\d+):)?(\d{1,2}(?:\.\d+)?)", value)):
            number = int(match.group(1) or 0) * 60 + float(match.group(2))
        else:
            number = float(value)
    except ValueError:  # not a number, or one with too many digits to read
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"“{value[:40]}” is not a time; write it like 00:01:02,500.")
    if number > MAX_TYPED:
        raise ValueError(f"“{value[:40]}” is past 24 hours; write a time within the video, like 00:01:02,500.")
    return number


def parse(text: str) -> list[Cue]:
    """The cues of an SRT file; ``SrtError`` lists every malformed block with its line number."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    cues: list[Cue] = []
    problems: list[str] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        first = i + 1  # 1-based line number of the block
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        timing_at = 1 if block[0].strip().isdigit() else 0
        if timing_at == 0 and not _TIMING.match(block[0]):
            problems.append(f"Line {first}: expected a cue number or a timing line, found “{block[0].strip()[:40]}”.")
            continue
        if timing_at >= len(block):
            problems.append(f"Line {first}: cue {block[0].strip()} has no timing line.")
            continue
        match = _TIMING.match(block[timing_at])
        if match is None:
            problems.append(f"Line {first + timing_at}: “{block[timing_at].strip()[:40]}” is not a timing line "
                            "(like 00:00:01,000 --> 00:00:03,500).")
            continue
        groups = match.groups()
        cues.append(Cue(_seconds(*groups[:4]), _seconds(*groups[4:]), "\n".join(x.strip() for x in block[timing_at + 1:])))
    if problems:
        raise SrtError(problems)
    if not cues:
        raise SrtError(["The subtitle file has no cues."])
    return cues


def timing_problems(cues: list[Cue], duration: float | None) -> list[str]:
    """What is wrong with the cues' timing, cue by cue (numbered from 1); empty when it is valid."""
    problems = []
    for n, cue in enumerate(cues, start=1):
        if cue.start < 0:
            problems.append(f"Cue {n} starts before 0 s.")
        if cue.end <= cue.start:
            problems.append(f"Cue {n} ends ({stamp(cue.end)}) before it starts ({stamp(cue.start)}).")
        if n > 1 and cue.start < cues[n - 2].end - 1e-6:
            problems.append(f"Cue {n} starts ({stamp(cue.start)}) before cue {n - 1} ends ({stamp(cues[n - 2].end)}): "
                            "cues may not overlap.")
        if duration is not None and cue.end > duration + END_TOLERANCE:
            problems.append(f"Cue {n} ends at {stamp(cue.end)}, past the end of the video ({stamp(duration)}).")
        if not cue.text.strip():
            problems.append(f"Cue {n} has no text.")
    return problems


def validate(cues: list[Cue], duration: float | None) -> list[Cue]:
    """``cues`` unchanged when their timing is valid; ``SrtError`` otherwise."""
    problems = timing_problems(cues, duration)
    if problems:
        raise SrtError(problems)
    return cues


def serialise(cues: list[Cue]) -> str:
    """An SRT file of ``cues``, numbered from 1."""
    blocks = [f"{n}\n{stamp(c.start)} --> {stamp(c.end)}\n{c.text.strip()}\n" for n, c in enumerate(cues, start=1)]
    return "\n".join(blocks)
