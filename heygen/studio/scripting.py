"""Script helpers: counting, spoken-length estimates, pause tags, default titles and colours.

Pure functions on plain strings; nothing here talks to HeyGen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "MAX_SCRIPT_CHARS", "WORDS_PER_MINUTE", "PAUSE_TAG", "BreakTag",
    "char_count", "word_count", "estimated_seconds", "format_duration",
    "find_breaks", "has_break_tags", "bad_break_tags", "insert_pause", "remove_breaks",
    "default_title", "normalise_colour", "is_colour",
]

MAX_SCRIPT_CHARS = 5000
WORDS_PER_MINUTE = 150
PAUSE_TAG = '<break time="1s"/>'

# Anything that starts like a break tag, well-formed or not.
_ANY_BREAK = re.compile(r"<\s*break\b[^>]*>?", re.IGNORECASE)
# A well-formed tag: <break time="1s"/>, <break time="500ms" />, <break time='1.5s'/>.
_GOOD_BREAK = re.compile(
    r"""<\s*break\s+time\s*=\s*(["'])\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*\1\s*/\s*>""", re.IGNORECASE
)
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_COLOUR = re.compile(r"#[0-9a-f]{6}")
_SHORT_COLOUR = re.compile(r"#[0-9a-f]{3}")


@dataclass(frozen=True)
class BreakTag:
    """One pause tag found in a script: where it is and how long it pauses (None if malformed)."""

    start: int
    end: int
    text: str
    seconds: float | None


def char_count(script: str | None) -> int:
    """Characters as HeyGen counts them against the limit (the whole text, tags included)."""
    return len(script or "")


def _spoken_text(script: str) -> str:
    return _ANY_BREAK.sub(" ", script)


def word_count(script: str | None) -> int:
    """Spoken words (pause tags are not words)."""
    return len(_WORD.findall(_spoken_text(script or "")))


def find_breaks(script: str | None) -> list[BreakTag]:
    """Every pause tag in the script, in order; malformed ones have ``seconds=None``."""
    found = []
    for match in _ANY_BREAK.finditer(script or ""):
        good = _GOOD_BREAK.fullmatch(match.group(0))
        seconds = None
        if good:
            value = float(good.group(2))
            seconds = value / 1000 if good.group(3).lower() == "ms" else value
        found.append(BreakTag(match.start(), match.end(), match.group(0), seconds))
    return found


def has_break_tags(script: str | None) -> bool:
    """True when the script contains at least one pause tag."""
    return bool(_ANY_BREAK.search(script or ""))


def bad_break_tags(script: str | None) -> list[str]:
    """The pause tags that are not written as ``<break time="1s"/>`` (or ``500ms``)."""
    return [tag.text for tag in find_breaks(script) if tag.seconds is None]


def estimated_seconds(script: str | None, *, speed: float | None = None) -> float:
    """Spoken length at about 150 words a minute, divided by ``speed``, plus the pauses."""
    words = word_count(script)
    rate = speed if speed and speed > 0 else 1.0
    pauses = sum(tag.seconds or 0.0 for tag in find_breaks(script))
    return words * 60.0 / WORDS_PER_MINUTE / rate + pauses


def format_duration(seconds: float | None) -> str:
    """A short length such as "45 s", "1 min 05 s" or "12 min"."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "unknown"
    whole = int(math.ceil(round(seconds, 1)))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest:02d} s" if rest else f"{minutes} min"


def insert_pause(script: str | None, seconds: float = 1.0) -> str:
    """The script with a pause tag appended at the end (one space before it)."""
    value = f"{seconds:g}"
    tag = f'<break time="{value}s"/>'
    text = (script or "").rstrip()
    return f"{text} {tag}" if text else tag


def remove_breaks(script: str | None) -> str:
    """The script without any pause tags, spaces tidied where the tags were."""
    text = _ANY_BREAK.sub(" ", script or "")
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([.,;:!?])", r"\1", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def default_title(script: str | None, *, max_words: int = 6, max_chars: int = 60, fallback: str = "") -> str:
    """A title from the script's first words ("Hello and welcome to our spring…")."""
    words = _spoken_text(script or "").split()
    if not words:
        return fallback
    picked: list[str] = []
    for word in words[:max_words]:
        if len(" ".join([*picked, word])) > max_chars:
            break
        picked.append(word)
    cut = not picked  # the first word alone is longer than max_chars
    if cut:
        picked = [words[0][: max_chars - 1]]
    title = " ".join(picked).rstrip(".,;:!?-–—")
    truncated = cut or len(picked) < len(words)
    return f"{title}…" if truncated else title


def normalise_colour(value: str | None) -> str | None:
    """``#rrggbb`` in lower case for a colour such as "#FF8800", "ff8800" or "#f80"; None if not a colour."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text and not text.startswith("#"):
        text = "#" + text
    if _COLOUR.fullmatch(text):
        return text
    if _SHORT_COLOUR.fullmatch(text):
        return "#" + "".join(ch * 2 for ch in text[1:])
    return None


def is_colour(value: object) -> bool:
    """True only for the exact form HeyGen takes: ``#`` and six hex digits."""
    return isinstance(value, str) and bool(re.fullmatch(r"#[0-9a-fA-F]{6}", value))
