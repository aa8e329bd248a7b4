"""The token, the unit a text is compared in, and how words are folded for comparison.

A token's ``key`` is what the word alignment compares: the folded word, or ``#n`` (number), ``#d``
(date), ``#u`` (web or e-mail address) and ``{name}`` (a placeholder left in the text), so that
facts line up with facts and are compared by value afterwards.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["DATE", "FACT_KEYS", "LINK", "NUMBER", "Token", "fold", "link_value"]

NUMBER, DATE, LINK, PLACEHOLDER = "#n", "#d", "#u", "{}"
FACT_KEYS = {NUMBER, DATE, LINK}


@dataclass(slots=True)
class Token:
    """One comparable unit of a text.

    ``raw`` is the text as written ("" for the second word of an opened contraction); ``start`` and
    ``end`` its place in the text. ``fact`` names a fact token ("number", "ordinal", "price",
    "percent", "phone", "time", "date", "url", "email") and ``values`` what it can stand for
    (canonical decimal strings, "month-day" for dates, the lower-case address for links);
    ``unit`` is a currency code or "%", ``years`` a date's possible years. ``digits`` tells a fact
    written with digits or symbols from one spelled out; ``pieces`` the whole numbers a run of number
    words was made of ("twelve ninety-nine": 12, 99). ``capital``: written with a capital letter;
    ``initial``: the first word of its sentence; ``sentence``: the sentence's number from 0;
    ``pause``: a comma or the like stands just before it.
    """

    key: str
    raw: str
    start: int
    end: int
    fact: str | None = None
    values: frozenset[str] = frozenset()
    unit: str | None = None
    years: frozenset[str] = frozenset()
    pieces: tuple[int, ...] = ()
    digits: bool = False
    capital: bool = False
    initial: bool = False
    sentence: int = 0
    mark: str | None = None  # punctuation kept while reading: "." ends a sentence, "," is a pause
    pause: bool = False  # a comma or other pause stands just before this token

    @property
    def is_fact(self) -> bool:
        return self.key in FACT_KEYS


@lru_cache(maxsize=50_000)
def fold(word: str) -> str:
    """``word`` lower case, without accents or apostrophes: "Zoë" -> "zoe", "O'Brien" -> "obrien"."""
    text = word.casefold().replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe")
    text = text.replace("ł", "l").replace("đ", "d").replace("ı", "i").replace("þ", "th")
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return text.replace("'", "").replace("’", "").replace("ʼ", "")


def link_value(text: str) -> str:
    """A web address as compared: lower case, without scheme, "www." or a closing slash."""
    value = text.strip().lower()
    for prefix in ("https://", "http://"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    if value.startswith("www."):
        value = value[4:]
    return value.rstrip("/")
