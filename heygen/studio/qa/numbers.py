"""Numbers as values: digits as written ("1,299", "12,99", "1.299,50", "3:30", "0958") and runs of
English number words ("one thousand two hundred ninety-nine", "twelve ninety-nine", "five five five",
"twenty twenty-five", "three point five", "fourteenth"), each read into the set of values it can
stand for, written as canonical decimal strings ("1299", "12.99", "0.5").

A run of number words that is not one number in English grammar ("twelve ninety-nine") is read as
its pieces put side by side ("1299") and, for two pieces, as a price ("12.99").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .lexicon import ORDINALS, SCALES, SECOND, TEENS, TENS, UNITS, ZERO_INSIDE

__all__ = ["MAY_START", "Reading", "canon", "fraction", "digits_reading", "run_length", "scaled", "words_reading"]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a number can stand for: ``values`` (canonical decimal strings), its ``pieces`` (the
    whole numbers a run of words was made of, in order), whether it is an ordinal, and its digits as
    written for numbers read digit by digit ("0958")."""

    values: frozenset[str]
    pieces: tuple[int, ...] = ()
    ordinal: bool = False


def canon(value: Decimal | int) -> str:
    """``value`` as a plain decimal string without trailing zeros: 1299, 12.5, 0.99."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text


def scaled(values: frozenset[str], factor: int, *, divide: bool = False) -> frozenset[str]:
    """Every value multiplied (or divided) by ``factor``."""
    out = set()
    for value in values:
        try:
            number = Decimal(value)
        except InvalidOperation:
            continue
        out.add(canon(number / factor if divide else number * factor))
    return frozenset(out)


_SEPARATORS = re.compile(r"\D")
_DIGITS = re.compile(r"\d+")
_HARD_GROUPING = {"\u00a0", "\u202f", "\u2009", "'"}


def digits_reading(text: str) -> Reading:
    """The values digits can stand for: "1,299" and "1.299" are 1299, "12,99" is 12.99, "1.299,50" is
    1299.5, "3:30" is 330, "0958" is 958 and 0958, "1/2" is 0.5 and 12 (as "24/7" is 247)."""
    if text.isdigit():
        plain = text.lstrip("0") or "0"
        return Reading(frozenset({plain, text}) if plain != text else frozenset({text}))
    if ":" in text:
        return Reading(frozenset(_clock(text)))
    if "/" in text:
        top, _, bottom = text.partition("/")
        values = {top + bottom}
        if int(bottom):
            values.add(fraction(int(top), int(bottom)))
        return Reading(frozenset(values))
    seps = _SEPARATORS.findall(text)
    groups = _DIGITS.findall(text)
    values: set[str] = set()
    # All separators grouping thousands: "1,299", "1.299.000", "1 299" (read so even where a comma
    # or point before three digits could be a decimal point, unless the number starts "0.").
    if len(set(seps)) == 1 and 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]) \
            and groups[0] != "0":
        values.add(canon(int("".join(groups))))
        return Reading(frozenset(values))
    # The last separator a decimal point, the others grouping thousands: "12.99", "1,299.50", "1.299,50".
    last = seps[-1]
    if last not in _HARD_GROUPING and (len(seps) == 1 or len(set(seps[:-1])) == 1 and seps[0] != last):
        whole = "".join(groups[:-1])
        if len(groups) == 2 or all(len(g) == 3 for g in groups[1:-1]):
            try:
                values.add(canon(Decimal(f"{whole}.{groups[-1]}")))
            except InvalidOperation:
                pass
    if not values:  # separators that group nothing: read the digits side by side
        values.add("".join(groups))
    return Reading(frozenset(values))


def _clock(text: str) -> set[str]:
    """A time's digits as said: "14:30" is 1430 or, said on a 12-hour clock, 230; "3:00" is also 3."""
    digits = "".join(ch for ch in text if ch.isdigit())
    out = {digits, digits.lstrip("0") or "0"}
    hour, _, minutes = text.partition(":")
    if hour.isdigit() and minutes[:2].isdigit():
        h = int(hour)
        twelve = h - 12 if h > 12 else 12 if h == 0 else h
        out.add(f"{twelve}{minutes[:2]}")
        if minutes[:2] == "00":
            out.update({str(h), str(twelve)})
    return out


def fraction(top: int, bottom: int) -> str:
    """``top / bottom`` to four decimal places, as compared: 1/3 is 0.3333."""
    return canon((Decimal(top) / Decimal(bottom)).quantize(Decimal("0.0001")))


_STARTERS = set(UNITS) | set(TEENS) | set(TENS) | set(ORDINALS) | {"hundred", "thousand", "million", "billion"}
_INSIDE = set(UNITS) | set(TEENS) | set(TENS) | set(SCALES) | set(ORDINALS) | ZERO_INSIDE
_SCALE_VALUES = set(SCALES.values())
_DIGIT_WORDS = set(UNITS) | set(TEENS) | set(TENS) | ZERO_INSIDE


MAY_START = _STARTERS | ZERO_INSIDE | {"a", "point"}  # the words ``run_length`` can start a run at


def run_length(words: list[str], start: int = 0) -> int:
    """How many of ``words`` (folded, lower case), from ``start``, make one run of number words; 0
    when ``words[start]`` does not begin one. A run stops after an ordinal."""
    n = len(words)
    i = start
    if i >= n:
        return 0
    first = words[i]
    if first in ZERO_INSIDE and i + 1 < n and (words[i + 1] in UNITS or words[i + 1] in ZERO_INSIDE):
        pass  # "oh nine nine five": a number read digit by digit
    elif first == "a" or first == "point":
        if i + 1 < n and (words[i + 1] in SCALES if first == "a" else words[i + 1] in UNITS):
            i += 1
        else:
            return 0
    elif first not in _STARTERS:
        return 0
    has_point = words[i - 1] == "point" if i > start else False
    while True:
        word = words[i]
        if word in ORDINALS:
            return i + 1 - start
        j = i + 1
        if j >= n:
            return j - start
        nxt = words[j]
        if nxt in _INSIDE:
            i = j
            continue
        if nxt == SECOND and word in TENS:  # "twenty-second"
            return j + 1 - start
        if nxt == "and" and word in SCALES and j + 1 < n and words[j + 1] in _INSIDE and words[j + 1] not in ZERO_INSIDE:
            i = j + 1
            continue
        if nxt == "point" and not has_point and j + 1 < n and words[j + 1] in _DIGIT_WORDS:
            has_point = True
            i = j + 1
            continue
        return j - start


def words_reading(words: list[str]) -> Reading:
    """The values of one run of number words (as ``run_length`` finds them)."""
    run = _Run()
    for word in words:
        run.read(word)
    run.close()
    return Reading(frozenset(_run_values(run.pieces, run.decimals, run.multiplier)), tuple(run.pieces), run.ordinal)


_NO_SCALE = 10**15


@dataclass(slots=True)
class _Run:
    """A run of number words being read: the whole numbers closed so far (``pieces``), the one being
    built (``total`` + ``current``, its last word's sort and smallest scale), and the decimals."""

    pieces: list[int] = field(default_factory=list)
    decimals: list[str] = field(default_factory=list)
    total: int = 0
    current: int = 0
    last: str | None = None  # "unit", "teen", "ten", "hundred", "scale"
    scale_seen: int = _NO_SCALE
    ordinal: bool = False
    in_decimals: bool = False
    started: bool = False
    multiplier: int = 1

    def close(self) -> None:
        """End the whole number being built, keeping it as a piece if it has begun."""
        if self.started:
            self.pieces.append(self.total + self.current)
        self.total = self.current = 0
        self.last = None
        self.scale_seen = _NO_SCALE
        self.started = False

    def read(self, word: str) -> None:
        """Take the next word of the run."""
        if word in ("and", "a"):
            if word == "a":
                self.current, self.last, self.started = 1, "unit", True
            return
        if word == "point":
            self.in_decimals = True
            return
        value, ordinal = _word_value(word)
        if value is None:
            return
        self.ordinal = self.ordinal or ordinal
        if self.in_decimals:
            if value in _SCALE_VALUES and value >= 1000:
                self.multiplier *= value  # "one point five million"
            else:
                self.decimals.append(str(value))
        elif value == 0:
            self.close()
            self.pieces.append(0)
        elif value == 100:
            self.hundred()
        elif value > 100 and value in _SCALE_VALUES:
            self.scale(value)
        else:
            self.small(value)

    def hundred(self) -> None:
        """Take "hundred": it multiplies a number below a hundred, or begins one."""
        if self.last in ("unit", "teen", "ten"):
            self.current *= 100
        elif self.last is None:
            self.current = 100
        else:
            self.close()
            self.current = 100
        self.last, self.started = "hundred", True

    def scale(self, value: int) -> None:
        """Take a scale word above a hundred ("thousand", "million"): it multiplies what comes before
        when that is smaller than the last scale, or begins a number."""
        if self.last in ("unit", "teen", "ten", "hundred") and value < self.scale_seen:
            self.total += self.current * value
            self.current = 0
            self.scale_seen = value
            self.last, self.started = "scale", True
            return
        if self.last is not None:
            self.close()
        self.total, self.current, self.scale_seen, self.last, self.started = value, 0, value, "scale", True

    def small(self, value: int) -> None:
        """Take a unit, teen or ten: added to the number being built when it fits there, or begins one."""
        kind = "unit" if value < 10 else "teen" if value < 20 else "ten"
        after_ten = kind == "unit" and self.last == "ten" and self.current % 10 == 0
        if not (self.last in (None, "hundred", "scale") or after_ten):
            self.close()
        self.current += value
        self.last, self.started = kind, True


def _word_value(word: str) -> tuple[int | None, bool]:
    """A number word's value (None for a word that is not one) and whether it is an ordinal."""
    if word in ORDINALS:
        return ORDINALS[word], True
    if word == SECOND:
        return 2, True
    if word in ZERO_INSIDE or word == "zero":
        return 0, False
    return UNITS.get(word, TEENS.get(word, TENS.get(word, SCALES.get(word)))), False


def _run_values(pieces: list[int], decimals: list[str], multiplier: int) -> set[str]:
    """The values a run read into pieces and decimals can stand for."""
    values: set[str] = set()
    if decimals and pieces:
        number = Decimal(f"{pieces[-1]}.{''.join(decimals)}")
        values.add(canon(number * multiplier))
        if len(pieces) > 1 and multiplier == 1:
            values.add("".join(str(p) for p in pieces[:-1]) + canon(number))
    elif decimals:
        values.add(canon(Decimal("0." + "".join(decimals)) * multiplier))
    elif len(pieces) == 1:
        values.add(str(pieces[0]))
    elif pieces:
        values.add("".join(str(p) for p in pieces))
        if len(pieces) == 2 and pieces[0] > 0 and 0 <= pieces[1] <= 99:
            values.add(canon(Decimal(f"{pieces[0]}.{pieces[1]:02d}")))
        if len(pieces) == 3 and pieces[1] == 0 and pieces[2] < 10:
            values.add(canon(Decimal(f"{pieces[0]}.0{pieces[2]}")))
    return values
