"""Text as a list of comparable tokens: words folded (case, accents, apostrophes), contractions
opened ("we're" is "we are"), and every number, price, percentage, date, phone number, web address
and e-mail address as one token holding the values it can stand for, whether written ("$1,299",
"14 March", "heygen.com") or spelled as it is said ("one thousand two hundred ninety-nine dollars",
"the fourteenth of March", "heygen dot com").

A token's ``key`` is what the word alignment compares: the folded word, or ``#n`` (number), ``#d``
(date), ``#u`` (web or e-mail address) and ``{name}`` (a placeholder left in the text), so that
facts line up with facts and are compared by value afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import numbers
from .lexicon import (
    ABBREVIATIONS, CENT_WORDS, CURRENCY_SYMBOLS, CURRENCY_WORDS, DATE_LINKS, IS_AFTER, MONTHS, MONTHS_NEED_CAPITAL,
    HALF, MAILBOXES, NOT_EMAIL_LOCAL, NOT_IRREGULAR, PARTS, PERCENT_WORDS, SAID_IN_FULL, SCALE_SUFFIXES, SCALES,
    SECOND, SPELLED, SPOKEN_LINK, SUFFIXES, SYMBOL_WORDS, TLDS, UNIT_SUFFIXES,
)
from .placeholders import is_placeholder

__all__ = ["FACT_KEYS", "Token", "fold", "link_value", "tokenize"]

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
    written with digits or symbols from one spelled out. ``capital``: written with a capital letter;
    ``initial``: the first word of its sentence; ``sentence``: the sentence's number from 0.
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


_TLD = "|".join(sorted(TLDS, key=len, reverse=True))
_UNITS = "|".join(u for unit in UNIT_SUFFIXES for u in (unit, unit.upper()))
_LEX = re.compile(rf"""[ \t]*(?:
 (?P<word>(?>[^\W\d_]+(?:['’ʼ][^\W\d_]+)*)(?![\d@]|[.\-][A-Za-z0-9]))
|(?P<brk><\s*break\b[^>]*>)
|(?P<ph>\{{\{{[^{{}}\n]{{0,60}}\}}\}}|\$?\{{\s*[A-Za-z_][\w .|-]{{0,40}}\}}|%[A-Za-z_]\w{{0,40}}%
     |\[[^\[\]\n]{{1,40}}\]|<{{1,2}}[^<>\n=/]{{1,40}}>{{1,2}})
|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}})
|(?P<url>https?://[^\s<>"]+|(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLD})(?![A-Za-z0-9-])(?:/[^\s<>"]*)?)
|(?P<ndate>(?<![\d.,])\d{{1,4}}(?P<dsep>[/.-])\d{{1,2}}(?P=dsep)\d{{2,4}}(?![\d]))
|(?P<phone>(?<![\d.,])(?:\+\d{{1,3}}[ .-]?)?(?:\(\d{{1,4}}\)[ .-]?)?\d{{2,5}}(?:[ .-]\d{{2,5}}){{1,4}}(?![\d]))
|(?P<frac>(?<![\d/])\d{{1,3}}/\d{{1,3}}(?![\d/]))
|(?P<num>(?>\d+(?:[.,:\u00a0\u202f\u2009]\d+)*)(?P<suffix>st|nd|rd|th|k|K|M|bn|am|pm|AM|PM|{_UNITS}|s)?(?![^\W_]))
|(?P<abbr>(?:[A-Za-z]\.){{2,}})
|(?P<word_cut>(?>[^\W\d_]+(?:['’ʼ][^\W\d_]+)*)(?!\d))
|(?P<alnum>[^\W_]+)
|(?P<end>[.!?…]+)
|(?P<nl>\n)
|(?P<soft>[,;:—–()"“”])
|(?P<sym>[$€£¥₹₩₦%&+@])
)""", re.X)
_LEX_NO_PHONE = re.compile(_LEX.pattern.replace("(?P<phone>", "(?P<phone_off>(?!)"), re.X)
_ANY_DOT = re.compile(r"\bdot\b", re.I)
_URL_TAIL = re.compile(r"[.,;:!?)'\"’]+$")


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


def _lex(text: str, start: int = 0, end: int | None = None, pattern: re.Pattern = _LEX) -> list[tuple[str, str, int, int, re.Match]]:
    out = []
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        group = kind = m.lastgroup
        if kind == "word_cut":
            kind = "word"
        elif kind == "phone":
            raw = m.group("phone")
            digits = sum(ch.isdigit() for ch in raw)
            groups = len(re.findall(r"\d+", raw))
            if digits < 7 or not (raw.startswith(("+", "(")) or groups >= 3):
                out.extend(_lex(text, m.start("phone"), m.end(), _LEX_NO_PHONE))
                continue
        begin, stop = m.span(group)
        out.append((kind, text[begin:stop], begin, stop, m))
    return out


def tokenize(text: str | None, *, newline_ends_sentence: bool = True) -> list[Token]:
    """The tokens of ``text``, in order, with their sentences numbered (shared with other callers
    for the same text: not to be changed)."""
    return list(_tokenize(text or "", newline_ends_sentence))


@lru_cache(maxsize=512)
def _tokenize(text: str, newline_ends_sentence: bool) -> tuple[Token, ...]:
    items = _lex(text)
    toks = _facts(text, items, newline_ends_sentence)
    toks = _digit_groups(toks, text)
    toks = _dates(toks, text)
    toks = _spoken_links(toks, text)
    return tuple(_sentences(toks))


def _word_tokens(raw: str, start: int, end: int) -> list[Token]:
    """A written word as tokens, a contraction opened into two."""
    capital = raw[:1].isupper()
    if "'" not in raw and "’" not in raw and "ʼ" not in raw:
        key = fold(raw)
        if key not in SPELLED:
            return [Token(SAID_IN_FULL.get(key, key), raw, start, end, capital=capital)]
    for mark in ("'", "’", "ʼ"):
        if mark in raw:
            base, _, suffix = raw.rpartition(mark)
            low_base, low_suffix = fold(base), suffix.lower()
            if low_suffix == "t" and low_base.endswith("n"):
                stem = low_base[:-1]
                stem = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}.get(stem, NOT_IRREGULAR.get(stem, stem))
                return [Token(stem, raw, start, end, capital=capital), Token("not", "", end, end)]
            if low_suffix in SUFFIXES:
                return [Token(low_base, raw, start, end, capital=capital), Token(SUFFIXES[low_suffix], "", end, end)]
            if low_suffix == "s":
                if low_base == "let":
                    return [Token("let", raw, start, end, capital=capital), Token("us", "", end, end)]
                if low_base in IS_AFTER:
                    return [Token(low_base, raw, start, end, capital=capital), Token("is", "", end, end)]
                return [Token(low_base, raw, start, end, capital=capital)]  # possessive
            break
    key = fold(raw)
    if key in SPELLED:
        first, second = SPELLED[key]
        return [Token(first, raw, start, end, capital=capital), Token(second, "", end, end)]
    return [Token(key, raw, start, end, capital=capital)]


def _number(kind: str, reading: numbers.Reading, raw: str, start: int, end: int, digits: bool) -> Token:
    fact = "ordinal" if reading.ordinal else kind
    return Token(NUMBER, raw, start, end, fact=fact, values=reading.values, pieces=reading.pieces, digits=digits)


def _facts(text: str, items: list, newline_ends: bool) -> list[Token]:
    """Tokens from lexed items: words, numbers (digits or words, with their currency, percent and
    scale words), addresses and placeholders; punctuation kept as marks."""
    toks: list[Token] = []
    n = len(items)
    i = 0
    while i < n:
        kind, raw, start, end, m = items[i]
        if kind == "brk":
            i += 1
            continue
        if kind == "ph":
            if is_placeholder(raw):
                inner = " ".join(fold(w) for w in re.findall(r"[^\W_]+", raw.split("|")[0]))
                toks.append(Token("{" + inner + "}", raw, start, end, fact="placeholder"))
            i += 1  # otherwise a stage direction or sound note, not spoken text
            continue
        if kind == "email":
            toks.append(Token(LINK, raw, start, end, fact="email", values=frozenset({raw.lower()}), digits=True))
            i += 1
            continue
        if kind == "url":
            tail = _URL_TAIL.search(raw)
            if tail:
                raw, end = raw[:tail.start()], start + tail.start()
            toks.append(Token(LINK, raw, start, end, fact="url", values=frozenset({link_value(raw)}), digits=True))
            if tail and any(ch in ".!?" for ch in tail.group()):  # the sentence ends after the address
                toks.append(Token("", tail.group(), end, end + len(tail.group()), mark="."))
            i += 1
            continue
        if kind == "ndate":
            toks.append(_numeric_date(raw, start, end))
            i += 1
            continue
        if kind == "phone":
            digits = "".join(ch for ch in raw if ch.isdigit())
            toks.append(Token(NUMBER, raw, start, end, fact="phone", values=frozenset({digits}), digits=True))
            i += 1
            continue
        if kind in ("end", "nl", "soft"):
            mark = "." if kind == "end" or (kind == "nl" and newline_ends) else ","
            if kind == "end" and raw == "." and toks and toks[-1].end == start and fold(toks[-1].raw) in ABBREVIATIONS:
                i += 1
                continue
            toks.append(Token("", raw, start, end, mark=mark))
            i += 1
            continue
        unit = None
        unit_start = start
        if kind == "sym" and raw in CURRENCY_SYMBOLS and i + 1 < n and _starts_number(items, i + 1):
            unit = CURRENCY_SYMBOLS[raw]
            i += 1
            kind, raw, start, end, m = items[i]
        if kind == "sym":
            word = SYMBOL_WORDS.get(raw) or ("percent" if raw == "%" else None)
            if word:
                toks.append(Token(word, raw, start, end))
            i += 1
            continue
        if kind == "frac":
            toks.append(_number("number", numbers.digits_reading(raw), raw, start, end, True))
            i += 1
            continue
        if kind == "num":
            suffix = m.group("suffix") or ""
            body = raw[: len(raw) - len(suffix)] if suffix else raw
            reading = numbers.digits_reading(body)
            fact = "time" if ":" in body else "number"
            low = suffix.lower()
            if low in ("st", "nd", "rd", "th"):
                reading = numbers.Reading(reading.values, ordinal=True)
            elif low in SCALE_SUFFIXES:
                reading = numbers.Reading(numbers.scaled(reading.values, SCALE_SUFFIXES[low]) | reading.values)
            tok = _number(fact, reading, raw, unit_start, end, True)
            i = _absorb(tok, items, i + 1, unit)
            tok.raw = text[tok.start:tok.end]
            toks.append(tok)
            if low in ("am", "pm"):
                toks.append(Token(low, "", end, end))
            continue
        if kind == "word":
            length = 0
            if fold(raw) in numbers.MAY_START:
                run_words = _words_from(items, i, 24)
                length = numbers.run_length(run_words)
            elif fold(raw) in HALF:  # "half price"
                toks.append(Token(NUMBER, raw, start, end, fact="number", values=frozenset({"0.5"})))
                i += 1
                continue
            if length and not (length == 1 and run_words[0] in ("a", "point")):
                last = items[i + length - 1]
                reading = numbers.words_reading(run_words[:length])
                tok = _number("number", reading, text[start:last[3]], unit_start, last[3], False)
                i = _absorb(tok, items, i + length, unit)
                tok.raw = text[tok.start:tok.end]
                toks.append(tok)
                continue
            toks.extend(_word_tokens(raw, start, end))
            i += 1
            continue
        if kind in ("abbr", "alnum"):
            key = fold(raw.replace(".", ""))
            toks.append(Token(key, raw, start, end, capital=raw[:1].isupper()))
            i += 1
            continue
        i += 1
    return toks


def _said_digit_by_digit(tok: Token) -> bool:
    return tok.key == NUMBER and not tok.digits and tok.unit is None and len(tok.pieces) >= 2 \
        and all(p < 10 for p in tok.pieces)


def _digit_groups(toks: list[Token], text: str) -> list[Token]:
    """Groups of digits said one by one and parted by commas, as a phone number is read ("plus
    four four, two oh, seven two seven one"), as one number."""
    if not any(t.key == NUMBER and not t.digits and len(t.pieces) >= 2 for t in toks):
        return toks
    out: list[Token] = []
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        if tok.key != NUMBER or not _said_digit_by_digit(tok):
            out.append(tok)
            i += 1
            continue
        k = i
        while k + 2 < n and toks[k + 1].mark == "," and _said_digit_by_digit(toks[k + 2]):
            k += 2
        if k == i:
            out.append(tok)
            i += 1
            continue
        start = tok.start
        if out and out[-1].key == "plus" and out[-1].mark is None:
            start = out.pop().start
        digits = "".join("".join(str(p) for p in toks[m].pieces) for m in range(i, k + 1, 2))
        out.append(Token(NUMBER, text[start:toks[k].end], start, toks[k].end, fact="phone",
                         values=frozenset({digits}), pieces=tuple(int(d) for d in digits)))
        i = k + 1
    return out


def _starts_number(items: list, i: int) -> bool:
    kind, raw = items[i][0], items[i][1]
    if kind == "num":
        return True
    if kind == "word":
        return fold(raw) in numbers.MAY_START and numbers.run_length(_words_from(items, i, 12)) > 0
    return False


def _words_from(items: list, i: int, most: int) -> list[str]:
    """The folded words of the word items from ``i`` up to the first item that is not a word."""
    run = []
    for k in range(i, min(len(items), i + most)):
        if items[k][0] != "word":
            break
        run.append(fold(items[k][1]))
    return run


def _absorb(tok: Token, items: list, i: int, unit: str | None) -> int:
    """Take the scale, currency, cents and percent words after a number into ``tok``; the index
    of the next item."""
    n = len(items)
    if i < n and items[i][0] == "word" and not tok.digits:
        word = fold(items[i][1])
        parts = HALF.get(word) or PARTS.get(word)
        if parts:  # "one half", "three quarters", "two thirds"
            tok.values = frozenset(numbers.fraction(int(v), parts) for v in tok.values if v.isdigit())
            tok.end, i = items[i][3], i + 1
            return i
    if i < n and items[i][0] == "word" and fold(items[i][1]) in SCALES and tok.digits:
        tok.values = numbers.scaled(tok.values, SCALES[fold(items[i][1])])
        tok.end, i = items[i][3], i + 1
    if i < n and items[i][0] == "sym" and items[i][1] == "%":
        unit, tok.end, i = "%", items[i][3], i + 1
    elif i < n and items[i][0] == "sym" and items[i][1] in CURRENCY_SYMBOLS and items[i][2] - tok.end <= 1:
        unit, tok.end, i = CURRENCY_SYMBOLS[items[i][1]], items[i][3], i + 1
    elif i < n and items[i][0] in ("word", "abbr"):
        word = fold(items[i][1])
        if word in PERCENT_WORDS:
            unit, tok.end, i = "%", items[i][3], i + 1
        elif word == "per" and i + 1 < n and fold(items[i + 1][1]) == "cent":
            unit, tok.end, i = "%", items[i + 1][3], i + 2
        elif word in CURRENCY_WORDS:
            unit, tok.end, i = CURRENCY_WORDS[word], items[i][3], i + 1
            # "twelve dollars and ninety-nine cents"
            if i + 2 < n and fold(items[i][1]) == "and":
                run = []
                for k in range(i + 1, min(n, i + 8)):
                    if items[k][0] != "word":
                        break
                    run.append(fold(items[k][1]))
                length = numbers.run_length(run)
                if length and i + 1 + length < n and fold(items[i + 1 + length][1]) in CENT_WORDS:
                    cents = numbers.words_reading(run[:length]).values
                    tok.values = frozenset(
                        numbers.canon(numbers.Decimal(w) + numbers.Decimal(c) / 100)
                        for w in tok.values for c in cents if _plain(w) and _plain(c))
                    tok.end, i = items[i + 1 + length][3], i + 2 + length
        elif word in CENT_WORDS:
            tok.values = numbers.scaled(tok.values, 100, divide=True) | tok.values
            unit, tok.end, i = unit or "USD", items[i][3], i + 1
    if unit:
        tok.unit = unit
        tok.fact = "percent" if unit == "%" else "price"
    return i


def _plain(value: str) -> bool:
    return value.replace(".", "", 1).isdigit()


def _numeric_date(raw: str, start: int, end: int) -> Token:
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


def _dates(toks: list[Token], text: str) -> list[Token]:
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


def _spoken_links(toks: list[Token], text: str) -> list[Token]:
    """Addresses said aloud: "heygen dot com slash pricing", "kestrel dash labs dot dev",
    "w w w dot acme dot io", "anna at acme dot co dot uk", "priya dot sharma at acme dot com"."""
    if not _ANY_DOT.search(text):
        return toks
    out: list[Token] = []
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        k = i
        parts = [_part(tok)] if _link_part(tok) else []
        while parts and k + 2 < n and toks[k + 1].key in _JOINERS and _link_part(toks[k + 2]):
            parts.append(SPOKEN_LINK[toks[k + 1].key] + _part(toks[k + 2]))
            k += 2
        dotted = [p for p in parts if p.startswith(".")]
        if not dotted or parts[-1][1:] not in TLDS:
            out.append(tok)
            i += 1
            continue
        while k + 2 < n and toks[k + 1].key == "slash" and _link_part(toks[k + 2]):
            parts.append("/" + _part(toks[k + 2]))
            k += 2
        value, start, end = "".join(parts), tok.start, toks[k].end
        if len(out) >= 2 and out[-1].key == "at" and _link_part(out[-2]) and _mailbox(out[-2].key):
            back = len(out) - 2  # an e-mail: "NAME [dot NAME] at" before the domain
            local = _part(out[back])
            while back >= 2 and out[back - 1].key in _JOINERS and _link_part(out[back - 2]):
                local = _part(out[back - 2]) + SPOKEN_LINK[out[back - 1].key] + local
                back -= 2
            start = out[back].start
            del out[back:]
            out.append(Token(LINK, text[start:end], start, end, fact="email", values=frozenset({local + "@" + value})))
        else:
            if value.startswith("w.") and len(out) >= 2 and out[-1].key == out[-2].key == "w":
                start, value = out[-2].start, value[2:]  # "w w w dot heygen dot com"
                del out[-2:]
            out.append(Token(LINK, text[start:end], start, end, fact="url", values=frozenset({link_value(value)})))
        i = k + 1
    return out


_JOINERS = {"dot", "dash", "hyphen", "underscore"}


def _mailbox(word: str) -> bool:
    """Whether a word said before "at <domain>" is an e-mail's mailbox ("anna", "sales") rather than
    part of the sentence ("sign up at", "it is at")."""
    return word in MAILBOXES or word not in NOT_EMAIL_LOCAL


def _link_part(tok: Token) -> bool:
    return tok.mark is None and (tok.fact is None and tok.key.isalnum() or tok.key == NUMBER and tok.digits
                                 and tok.fact == "number")


def _part(tok: Token) -> str:
    return tok.raw.lower() if tok.key == NUMBER else tok.key


def _sentences(toks: list[Token]) -> list[Token]:
    """The tokens without punctuation marks, each with its sentence number and first-word flag."""
    out: list[Token] = []
    sentence = 0
    fresh = True
    pause = False
    for tok in toks:
        if tok.mark is not None:
            if tok.mark == "." and not fresh:
                sentence += 1
                fresh = True
            elif tok.mark == ",":
                pause = True
            continue
        tok.sentence = sentence
        tok.initial = fresh
        tok.pause, pause = pause, False
        fresh = False
        out.append(tok)
    return out
