"""When two tokens say the same thing: facts by value (numbers, dates, addresses, and runs of
numbers read digit by digit), names by their folded letters, words by likeness."""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache
from itertools import product

from .tokens import DATE, LINK, NUMBER, Token, fold

__all__ = ["LIKE", "alternate", "facts_match", "like", "runs_match", "same_name", "similarity"]

LIKE = 0.6  # similarity from which two different words count as the same word said differently


@lru_cache(maxsize=100_000)
def similarity(a: str, b: str) -> float:
    """How alike two words are, 0 to 1 (difflib's ratio)."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def like(a: Token, b: Token) -> bool:
    """The same word, or one said slightly differently; any two facts of the same sort."""
    if a.key == b.key:
        return True
    if a.is_fact or b.is_fact:
        return a.is_fact and b.is_fact
    return similarity(a.key, b.key) >= LIKE


def facts_match(a: Token, b: Token) -> bool:
    """Two fact tokens that stand for the same value (a currency or percent sign on one side only
    is allowed; two different ones are not)."""
    if a.key != b.key:
        return False
    if a.key == DATE:
        if not a.values & b.values and not _same_month(a, b):
            return False
        return not (a.years and b.years and not a.years & b.years)
    if a.key == LINK:
        return bool(a.values & b.values)
    if not a.values & b.values:
        return False
    return not (a.unit and b.unit and a.unit != b.unit)


def _same_month(a: Token, b: Token) -> bool:
    """A month without a day ("March 2025") against a date in that month."""
    only_a = {v[:-1] for v in a.values if v.endswith("-")}
    only_b = {v[:-1] for v in b.values if v.endswith("-")}
    months_a = {v.split("-")[0] for v in a.values}
    months_b = {v.split("-")[0] for v in b.values}
    return bool(only_a & months_b or only_b & months_a)


def _spellings(tok: Token) -> set[str]:
    return {v for v in tok.values if v.isdigit()}


def runs_match(script: list[Token], spoken: list[Token]) -> bool:
    """Runs of numbers that match one for one or, when there are more on one side, give the same
    digits side by side ("555 1234" said "five five five one two three four")."""
    if len(script) == len(spoken):
        return all(facts_match(a, b) for a, b in zip(script, spoken))
    if not script or not spoken or any(t.key != NUMBER for t in script + spoken):
        return False
    units_a = {t.unit for t in script if t.unit}
    units_b = {t.unit for t in spoken if t.unit}
    if units_a and units_b and units_a != units_b:
        return False
    if len(script) * len(spoken) > 64:
        return False
    left = _joined(script)
    return bool(left and left & _joined(spoken))


def _joined(run: list[Token]) -> set[str]:
    options = [sorted(_spellings(t)) for t in run]
    if not all(options):
        return set()
    out = set()
    for combo in product(*options):
        out.add("".join(combo))
        if len(out) > 64:
            break
    return out


def alternate(raw: str) -> str:
    """A name folded with German umlauts written out ("Jürgen" -> "juergen")."""
    low = raw.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return fold(low)


def same_name(script: list[Token], spoken: list[Token]) -> bool:
    """The same name: equal folded letters, spaces and hyphens aside ("Mary-Ann" is "Maryann"),
    umlauts written either way ("Jürgen" is "Juergen"). "Jon" is not "John"."""
    if not script or not spoken:
        return False
    left = "".join(t.key for t in script)
    right = "".join(t.key for t in spoken)
    if left == right:
        return True
    return "".join(alternate(t.raw) for t in script) == "".join(alternate(t.raw) or t.key for t in spoken)
