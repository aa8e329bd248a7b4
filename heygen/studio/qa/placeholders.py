"""Placeholders left in a text: ``{{company}}``, ``{{first_name|there}}``, ``{company}``, ``${name}``,
``[NAME]``, ``[first name]``, ``<first name>``, ``<<NAME>>`` and ``%NAME%``.

Stage directions and sound notes in brackets ("[music]", "[pause]", "[APPLAUSE]") and markup tags
(``<break time="1s"/>``, ``<speak>``) are not placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import ANNOTATIONS, MARKUP_TAGS, PLACEHOLDER_WORDS

__all__ = ["Leftover", "find", "is_placeholder"]

_PATTERN = re.compile(
    r"\{\{[^{}\n]{0,60}\}\}|\$?\{\s*[A-Za-z_][\w .|-]{0,40}\}|%[A-Za-z_]\w{0,40}%"
    r"|\[[^\[\]\n]{1,40}\]|<{1,2}[^<>\n=/]{1,40}>{1,2}"
)
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Leftover:
    """A placeholder found in a text: as written, and where (character offsets)."""

    text: str
    start: int
    end: int


def is_placeholder(raw: str) -> bool:
    """True when ``raw`` (one bracketed or braced piece of text) is a placeholder left unfilled."""
    if raw.startswith(("{", "${", "%")):
        return True
    inner = raw.strip("[]<> \t").strip()
    if not inner or not _WORDS.search(inner):
        return False
    low = inner.lower()
    if low in ANNOTATIONS:
        return False
    words = _WORDS.findall(low)
    if raw.startswith("<") and words and words[0] in MARKUP_TAGS and (len(words) == 1 or not inner[:1].isupper()):
        return False
    if "_" in inner:
        return True
    letters = [ch for ch in inner if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return True
    return any(w in PLACEHOLDER_WORDS or w.replace(" ", "") in PLACEHOLDER_WORDS for w in words) or \
        "".join(words) in PLACEHOLDER_WORDS


def find(text: str | None) -> list[Leftover]:
    """Every placeholder in ``text``, in order."""
    return [Leftover(m.group(), m.start(), m.end()) for m in _PATTERN.finditer(text or "") if is_placeholder(m.group())]
