"""Facts of one text looked for in another without an alignment: each expected fact matched to a
spoken fact of the same value (or a run of spoken numbers giving the same digits), and an
unmatched one paired with the spoken fact most likely said in its place."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from .compare import facts_match, runs_match
from .tokens import NUMBER, Token

__all__ = ["closeness", "match_facts"]


def match_facts(expected: list[Token], spoken: list[Token], score: Callable[[Token, int], float]
                ) -> list[tuple[Token, int | None, bool]]:
    """For each expected fact: (the fact, the spoken token index it matched or is paired with, or
    None, whether it matched). ``score(fact, j)`` ranks spoken token ``j`` as the one said in place
    of an unmatched ``fact`` (higher is likelier; below 0 never)."""
    facts = [j for j, t in enumerate(spoken) if t.is_fact]
    used: set[int] = set()
    results: list[tuple[Token, int | None, bool]] = []
    unmatched: list[int] = []
    for n, fact in enumerate(expected):
        j = next((j for j in facts if j not in used and facts_match(fact, spoken[j])), None)
        if j is not None:
            used.add(j)
        else:
            j = _run(fact, spoken, facts, used)
        if j is None:
            results.append((fact, None, False))
            unmatched.append(n)
        else:
            results.append((fact, j, True))
    for n in unmatched:
        fact = expected[n]
        best, best_j = -1.0, None
        for j in facts:
            if j in used or spoken[j].key != fact.key:
                continue
            s = score(fact, j)
            if s >= 0 and s > best:
                best, best_j = s, j
        if best_j is not None:
            used.add(best_j)
        results[n] = (fact, best_j, False)
    return results


def _run(fact: Token, spoken: list[Token], facts: list[int], used: set[int]) -> int | None:
    """A run of adjacent spoken numbers that gives the fact's digits; marks them used."""
    if fact.key != NUMBER:
        return None
    for start in facts:
        if start in used:
            continue
        stop = start + 1
        while stop < len(spoken) and spoken[stop].key == NUMBER and stop not in used and stop - start < 8:
            stop += 1
        for end in range(start + 2, stop + 1):
            if runs_match([fact], spoken[start:end]):
                used.update(range(start, end))
                return start
    return None


def closeness(a: Token, b: Token) -> float:
    """How close two facts' values are, 0 to 1: numbers by relative difference, dates by month."""
    if a.key != b.key:
        return 0.0
    if a.key == NUMBER:
        best = 0.0
        for x in a.values:
            for y in b.values:
                try:
                    dx, dy = Decimal(x), Decimal(y)
                except InvalidOperation:
                    continue
                top = max(abs(dx), abs(dy), Decimal(1))
                best = max(best, float(1 - min(Decimal(1), abs(dx - dy) / top)))
        if a.unit and a.unit == b.unit:
            best += 0.5
        return best
    months_a = {v.split("-")[0] for v in a.values}
    months_b = {v.split("-")[0] for v in b.values}
    return 1.0 if months_a & months_b else 0.3
