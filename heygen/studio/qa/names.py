"""Names in a text without a script to align against: runs of capitalised words that are not
common English words, months, weekdays, languages, job titles or common acronyms ("Priya Sharma",
"HeyGen", "Oluwaseun"), and whether
another text holds them (letters folded; an inflected ending allowed where asked)."""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import COMMON_WORDS, MONTHS, NOT_NAMES, ROMAN, WEEKDAYS
from .tokens import Token

__all__ = ["Name", "find_names", "holds_name"]


@dataclass(frozen=True)
class Name:
    """A name: its tokens' indices [i1, i2) in the text's tokens and their folded keys."""

    i1: int
    i2: int
    keys: tuple[str, ...]


def _name_word(tok: Token) -> bool:
    key = tok.key
    return (tok.fact is None and tok.capital and len(key) >= 2 and key.isalpha() and key not in COMMON_WORDS
            and key not in MONTHS and key not in WEEKDAYS and key not in NOT_NAMES
            and not (key in ROMAN and tok.raw.isupper()))


def find_names(tokens: list[Token]) -> list[Name]:
    """The names in ``tokens``: consecutive name words in one sentence make one name."""
    out: list[Name] = []
    i, n = 0, len(tokens)
    while i < n:
        if not _name_word(tokens[i]):
            i += 1
            continue
        k = i + 1
        while k < n and _name_word(tokens[k]) and tokens[k].sentence == tokens[i].sentence and not tokens[k].pause:
            k += 1
        out.append(Name(i, k, tuple(t.key for t in tokens[i:k])))
        i = k
    return out


def holds_name(keys: set[str], name: Name, *, inflected: bool = False) -> bool:
    """True when ``keys`` (folded words of another text) hold the name: every word of it or, for a
    name of several words, one of them; with ``inflected``, a word sharing its first four letters
    and at most three more or fewer counts ("Priyi" for "Priya", "Londres" for "London")."""
    def has(word: str) -> bool:
        if word in keys:
            return True
        return inflected and len(word) >= 4 and any(
            k[:4] == word[:4] and abs(len(k) - len(word)) <= 3 for k in keys)

    found = [has(w) for w in name.keys]
    return all(found) or (len(found) > 1 and any(found))
