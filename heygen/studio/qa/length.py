"""How long a script takes to say, for the LENGTH rule: its words at the studio's pace (150 a
minute), each number, price, date, time, phone number and address counted as the words it is said
with ("$1,299" is six: "one thousand two hundred ninety-nine dollars"), a short pause after each
sentence, the script's pause tags, all divided by the voice speed.

``heygen.studio.scripting.estimated_seconds`` counts "$1,299" as one word: on scripts heavy with
numbers a video said at the usual pace runs well past that estimate.
"""

from __future__ import annotations

import re

from heygen.studio.scripting import WORDS_PER_MINUTE, find_breaks

from .tokens import DATE, LINK, NUMBER, Token
from .words import tokenize

__all__ = ["SENTENCE_PAUSE", "expected_seconds", "said_words"]

SENTENCE_PAUSE = 0.3  # seconds a voice pauses after a sentence


def _count(n: int) -> int:
    """Words in an English whole number: 1299 -> 6 ("one thousand two hundred ninety nine")."""
    if n < 20:
        return 1
    if n < 100:
        return 1 if n % 10 == 0 else 2
    if n < 1000:
        return 2 + (_count(n % 100) if n % 100 else 0)
    for scale in (10**12, 10**9, 10**6, 1000):
        if n >= scale:
            rest = n % scale
            return _count(n // scale) + 1 + (_count(rest) if rest else 0)
    return 1


def _number_words(tok: Token) -> int:
    if tok.fact == "phone":
        return sum(ch.isdigit() for ch in tok.raw) + tok.raw.count("+")
    if tok.fact == "time":
        return 3
    values = sorted(tok.values, key=lambda v: ("." in v, len(v)))
    value = values[0] if values else "0"
    whole, _, decimals = value.partition(".")
    whole_n = int(whole) if whole.isdigit() else 0
    if 1100 <= whole_n < 2100 and not decimals and tok.unit is None and "," not in tok.raw:
        words = 2 if whole_n % 100 == 0 or whole_n >= 2010 else 3  # a year: "twenty twenty-five"
    elif len(whole) > 4 and whole.startswith("0") or len(whole) >= 5 and tok.unit is None and "," not in tok.raw:
        words = len(whole)  # said digit by digit
    else:
        words = _count(min(whole_n, 10**15))
    if decimals:
        words += 2 + (_count(int(decimals)) if tok.unit else len(decimals))  # "and ninety-nine cents" / "point 5"
    return words + (1 if tok.unit else 0)


def said_words(tok: Token) -> int:
    """How many words a token takes to say."""
    if not tok.raw:
        return 0  # the second half of an opened contraction: said with the first
    if tok.key == NUMBER:
        if not tok.digits:
            return len(re.findall(r"[^\W_]+", tok.raw))
        return _number_words(tok)
    if tok.key == DATE:
        if not tok.digits:
            return len(re.findall(r"[^\W_]+", tok.raw))
        return 2 + (2 if tok.years else 0)
    if tok.key == LINK:
        parts = [p for p in re.split(r"[.@/\-]", tok.raw.lower().removeprefix("https://").removeprefix("http://")) if p]
        return max(1, 2 * len(parts) - 1)
    if tok.fact == "placeholder":
        return max(1, len(re.findall(r"[^\W\d_]+", tok.raw)))
    return 1


def expected_seconds(script: str | None, *, speed: float | None = None) -> float:
    """The seconds ``script`` takes to say at the studio's pace, ``speed`` > 1 being faster."""
    tokens = tokenize(script or "")
    words = sum(said_words(t) for t in tokens)
    sentences = len({t.sentence for t in tokens})
    rate = speed if speed and speed > 0 else 1.0
    pauses = sum(tag.seconds or 0.0 for tag in find_breaks(script))
    return round((words * 60.0 / WORDS_PER_MINUTE + sentences * SENTENCE_PAUSE) / rate + pauses, 2)
