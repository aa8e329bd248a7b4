"""Pronunciations: a batch's list of written words and how each is spoken ("Siobhan" → "shi-VAWN").

The spoken form replaces the written word in the script sent to HeyGen: whole words only ("Ann"
is not changed inside "Anna"), case-sensitive, the longest written form first where two overlap,
and a replacement is never replaced again. The written script (shown, exported, compared with the
subtitles later) keeps the written word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ISSUE_KINDS", "MAX_CHARS", "MAX_PRONUNCIATIONS", "Pronunciation", "PronunciationIssue", "apply", "clean", "issues",
]

MAX_PRONUNCIATIONS = 200
MAX_CHARS = 100  # of a written word or its spoken form
# What an issue is about: a line with a written word but no spoken form, a spoken form without a
# written word, a written word listed twice, a side longer than MAX_CHARS, more than
# MAX_PRONUNCIATIONS lines, braces (a placeholder is never matched: values are matched once filled in).
ISSUE_KINDS = ("no_spoken", "no_written", "repeated", "too_long", "too_many", "braces")


@dataclass(frozen=True)
class Pronunciation:
    """One line of the list: ``written`` as it appears in the script, ``spoken`` as it is sent."""

    written: str
    spoken: str


@dataclass(frozen=True)
class PronunciationIssue:
    """What is wrong with line ``line`` (counted from 1) of the list; ``kind`` is one of ISSUE_KINDS."""

    kind: str
    line: int
    written: str = ""


def clean(entries: Iterable[Any] | Mapping[str, str] | None) -> tuple[Pronunciation, ...]:
    """The list with spaces trimmed and empty lines left out.

    Takes Pronunciation objects, (written, spoken) pairs, {"written", "spoken"} dicts, or a mapping
    written → spoken; anything else in it is ignored.
    """
    if entries is None:
        return ()
    if isinstance(entries, Mapping):
        entries = list(entries.items())
    out = []
    for entry in entries:
        if isinstance(entry, Pronunciation):
            written, spoken = entry.written, entry.spoken
        elif isinstance(entry, Mapping):
            written, spoken = entry.get("written"), entry.get("spoken")
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            written, spoken = entry
        else:
            continue
        written, spoken = _text(written), _text(spoken)
        if written or spoken:
            out.append(Pronunciation(written, spoken))
    return tuple(out)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN: an empty cell of a table
        return ""
    return " ".join(str(value).split())


def issues(entries: Iterable[Pronunciation]) -> list[PronunciationIssue]:
    """Everything that keeps the list from being used, line by line (empty when usable)."""
    entries = list(entries)
    out: list[PronunciationIssue] = []
    if len(entries) > MAX_PRONUNCIATIONS:
        out.append(PronunciationIssue("too_many", MAX_PRONUNCIATIONS + 1))
    seen: set[str] = set()
    for line, entry in enumerate(entries, start=1):
        if not entry.written:
            out.append(PronunciationIssue("no_written", line))
            continue
        if not entry.spoken:
            out.append(PronunciationIssue("no_spoken", line, entry.written))
        if max(len(entry.written), len(entry.spoken)) > MAX_CHARS:
            out.append(PronunciationIssue("too_long", line, entry.written))
        if any(mark in entry.written + entry.spoken for mark in ("{{", "}}")):
            out.append(PronunciationIssue("braces", line, entry.written))
        if entry.written in seen:
            out.append(PronunciationIssue("repeated", line, entry.written))
        seen.add(entry.written)
    return out


def apply(text: str, entries: Iterable[Pronunciation]) -> str:
    """``text`` with every whole-word, case-sensitive occurrence of a written word replaced by its spoken form."""
    spoken: dict[str, str] = {}
    for entry in entries:
        if entry.written and entry.spoken:
            spoken.setdefault(entry.written, entry.spoken)
    if not spoken or not text:
        return text
    words = sorted(spoken, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
    return pattern.sub(lambda m: spoken[m.group(0)], text)
