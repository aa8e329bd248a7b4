"""Dates read from tokens: a day and a month ("14 March", "March 14th, 2025", "the fourteenth
of March", "14. März", "14 de marzo de 2025"), a month and a year ("March 2025"), or digits
("14/03/2025", "2025-03-14"). A date's values are "month-day" strings ("3-14"), both readings of
an ambiguous day/month order kept."""

from __future__ import annotations

import re

from .lexicon import DATE_LINKS, MONTHS, MONTHS_NEED_CAPITAL, SECOND
from .tokens import DATE, NUMBER, Token

__all__ = ["dates", "numeric_date"]


def numeric_date(raw: str, start: int, end: int) -> Token:
    parts = [int(p) for p in re.findall(r"\d+", raw)]
    days: set[str] = set()
    years: set[str] = set()
    if parts[0] > 31:  # 2025-03-14
        year, first, second = parts
        candidates = [(first, second)]
    else:
        first, second, year = parts
        candidates = [(second, first), (first, second)]  # day/month, month/day
    if year < 100:
        year += 2000
    years.add(str(year))
    for month, day in candidates:
        if 1 <= month <= 12 and 1 <= day <= 31:
            days.add(f"{month}-{day}")
    if not days:
        return Token(NUMBER, raw, start, end, fact="number", values=frozenset({"".join(map(str, parts))}), digits=True)
    return Token(DATE, raw, start, end, fact="date", values=frozenset(days), years=frozenset(years), digits=True)


def _month(tok: Token) -> int | None:
    if tok.fact is not None or tok.mark is not None:
        return None
    number = MONTHS.get(tok.key)
    if number is None:
        return None
    if tok.key in MONTHS_NEED_CAPITAL and not tok.capital:
        return None
    if tok.key in ("mar", "jan", "sep", "dec", "oct", "aug", "jun", "jul", "apr", "feb", "nov") and len(tok.raw) < 3:
        return None
    return number


def _day(tok: Token) -> list[int]:
    if tok.key == NUMBER and tok.unit is None and tok.fact in ("number", "ordinal"):
        return [int(v) for v in tok.values if v.isdigit() and 1 <= int(v) <= 31]
    if tok.key == SECOND:
        return [2]
    return []


def _year(tok: Token) -> list[str]:
    if tok.key == NUMBER and tok.unit is None and tok.fact in ("number",):
        return [v for v in tok.values if v.isdigit() and len(v) == 4 and 1000 <= int(v) <= 2999]
    return []


def dates(toks: list[Token], text: str) -> list[Token]:
    """Dates from a day and a month ("14 March", "March 14th, 2025", "the fourteenth of March",
    "14. März", "14 de marzo de 2025") or a month and a year ("March 2025")."""
    months = [m for m, t in enumerate(toks) if t.key in MONTHS and _month(t)]
    if not months:
        return toks
    out: list[Token] = []
    done = 0  # tokens before this index are in ``out``
    n = len(toks)
    for m in months:
        if m < done:
            continue
        month = MONTHS[toks[m].key]
        first, stop, days, years = _day_first(toks, m, done)
        if first is None:
            first, stop, days, years = _month_first(toks, m)
        if first is None:
            continue
        if days and stop < n:
            k = stop + (1 if toks[stop].key in DATE_LINKS else 0)
            k += 1 if k < n and toks[k].mark == "," else 0
            if k < n and (found := _year(toks[k])):
                years, stop = found, k + 1
        out.extend(toks[done:first])
        out.append(_date_token(toks, first, stop, month, days, years, text))
        done = stop
    out.extend(toks[done:])
    return out


def _day_first(toks: list[Token], m: int, floor: int) -> tuple:
    """[the] DAY [.] [of] MONTH: (first index, stop, days, years) or Nones."""
    k = m - 1
    if k >= floor and toks[k].key in DATE_LINKS:
        k -= 1
    dotted = k >= floor and toks[k].mark == "." and toks[k].raw == "."
    if dotted:
        k -= 1
    if k < floor:
        return None, None, None, None
    days = _day(toks[k])
    the = k - 1 >= floor and toks[k - 1].key == "the"
    if not days or (dotted and not toks[k].digits) or (toks[k].key == SECOND and not the):
        return None, None, None, None
    return (k - 1 if the else k), m + 1, days, []


def _month_first(toks: list[Token], m: int) -> tuple:
    """MONTH [the] DAY, MONTH DAY-and-YEAR said as one run, or MONTH YEAR."""
    n = len(toks)
    k = m + 1
    if k < n and toks[k].key == "the":
        k += 1
    if k >= n:
        return None, None, None, None
    tok = toks[k]
    if days := _day(tok):
        return m, k + 1, days, []
    if tok.key == NUMBER and len(tok.pieces) >= 2 and 1 <= tok.pieces[0] <= 31:
        rest = "".join(str(p) for p in tok.pieces[1:])
        if len(rest) == 4:  # "March fourteen twenty twenty-five"
            return m, k + 1, [tok.pieces[0]], [rest]
    if years := _year(toks[m + 1]):
        return m, m + 2, [], years
    return None, None, None, None


def _date_token(toks: list[Token], first: int, stop: int, month: int, days: list[int], years: list[str], text: str) -> Token:
    start, end = toks[first].start, toks[stop - 1].end
    values = frozenset(f"{month}-{d}" for d in days) if days else frozenset({f"{month}-"})
    digits = any(t.digits for t in toks[first:stop])
    return Token(DATE, text[start:end], start, end, fact="date", values=values, years=frozenset(years), digits=digits,
                 capital=toks[first].capital)
