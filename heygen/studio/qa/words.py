"""Text as a list of comparable tokens: words folded (case, accents, apostrophes), contractions
opened ("we're" is "we are"), and every number, price, percentage, date, phone number, web address
and e-mail address as one token holding the values it can stand for, whether written ("$1,299",
"14 March", "heygen.com") or spelled as it is said ("one thousand two hundred ninety-nine dollars",
"the fourteenth of March", "heygen dot com").

The token and its key are in ``tokens``; dates in ``dates``; addresses said aloud and digits said
in groups in ``links``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import numbers
from .dates import dates, numeric_date
from .lexer import lex
from .lexicon import (
    ABBREVIATIONS, CENT_WORDS, CURRENCY_SYMBOLS, CURRENCY_WORDS, HALF, IS_AFTER, NOT_IRREGULAR, PARTS, PERCENT_WORDS,
    SAID_IN_FULL, SCALE_SUFFIXES, SCALES, SPELLED, SUFFIXES, SYMBOL_WORDS,
)
from .links import digit_groups, spoken_links
from .placeholders import is_placeholder
from .tokens import DATE, FACT_KEYS, LINK, NUMBER, Token, fold, link_value

__all__ = ["DATE", "FACT_KEYS", "LINK", "NUMBER", "Token", "fold", "link_value", "tokenize"]

_URL_TAIL = re.compile(r"[.,;:!?)'\"’]+$")


def tokenize(text: str | None, *, newline_ends_sentence: bool = True) -> list[Token]:
    """The tokens of ``text``, in order, with their sentences numbered (shared with other callers
    for the same text: not to be changed)."""
    return list(_tokenize(text or "", newline_ends_sentence))


@lru_cache(maxsize=512)
def _tokenize(text: str, newline_ends_sentence: bool) -> tuple[Token, ...]:
    items = lex(text)
    toks = _facts(text, items, newline_ends_sentence)
    toks = digit_groups(toks, text)
    toks = dates(toks, text)
    toks = spoken_links(toks, text)
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
        kind, raw, start, end, _ = items[i]
        if kind == "word" and (key := _plain_key(raw)) is not None:  # the common case first
            toks.append(Token(SAID_IN_FULL.get(key, key), raw, start, end, capital=raw[:1].isupper()))
            i += 1
        elif kind in _ALONE:
            toks.extend(_ALONE[kind](raw, start, end))
            i += 1
        elif kind in ("end", "nl", "soft"):
            mark = _mark(toks, kind, raw, start, end, newline_ends)
            if mark is not None:
                toks.append(mark)
            i += 1
        else:
            i = _may_be_number(text, items, i, toks)
    return toks


def _plain_key(raw: str) -> str | None:
    """A plain written word's folded key; None for a word that may start a number, "half", a word
    spelled as two, or one that folding changes beyond its case."""
    key = fold(raw)
    if key not in numbers.MAY_START and key not in HALF and key not in SPELLED and key == raw.lower():
        return key
    return None


def _placeholder(raw: str, start: int, end: int) -> list[Token]:
    """A placeholder's token; none for a stage direction or sound note (not spoken text)."""
    if not is_placeholder(raw):
        return []
    inner = " ".join(fold(w) for w in re.findall(r"[^\W_]+", raw.split("|")[0]))
    return [Token("{" + inner + "}", raw, start, end, fact="placeholder")]


def _email(raw: str, start: int, end: int) -> list[Token]:
    """An e-mail address's token."""
    return [Token(LINK, raw, start, end, fact="email", values=frozenset({raw.lower()}), digits=True)]


def _url(raw: str, start: int, end: int) -> list[Token]:
    """A web address's token without its trailing punctuation, and the sentence's end when it ends one."""
    tail = _URL_TAIL.search(raw)
    if tail:
        raw, end = raw[:tail.start()], start + tail.start()
    toks = [Token(LINK, raw, start, end, fact="url", values=frozenset({link_value(raw)}), digits=True)]
    if tail and any(ch in ".!?" for ch in tail.group()):  # the sentence ends after the address
        toks.append(Token("", tail.group(), end, end + len(tail.group()), mark="."))
    return toks


def _phone(raw: str, start: int, end: int) -> list[Token]:
    """A phone number's token, its value the digits alone."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return [Token(NUMBER, raw, start, end, fact="phone", values=frozenset({digits}), digits=True)]


# The items that stand alone, by lexed kind: their tokens ("brk" has none).
_ALONE = {
    "brk": lambda raw, start, end: [],
    "ph": _placeholder,
    "email": _email,
    "url": _url,
    "ndate": lambda raw, start, end: [numeric_date(raw, start, end)],
    "phone": _phone,
}


def _mark(toks: list[Token], kind: str, raw: str, start: int, end: int, newline_ends: bool) -> Token | None:
    """A punctuation mark's token ("." ends a sentence, "," a pause); none for an abbreviation's full stop."""
    mark = "." if kind == "end" or (kind == "nl" and newline_ends) else ","
    if kind == "end" and raw == "." and toks and toks[-1].end == start and fold(toks[-1].raw) in ABBREVIATIONS:
        return None
    return Token("", raw, start, end, mark=mark)


def _may_be_number(text: str, items: list, i: int, toks: list[Token]) -> int:
    """Add the tokens of the item at ``i`` (a number with the currency symbol before it, a symbol, a
    fraction, a word or an abbreviation) to ``toks``; the index of the next item."""
    kind, raw, start, end, _ = items[i]
    unit = None
    unit_start = start
    if kind == "sym" and raw in CURRENCY_SYMBOLS and i + 1 < len(items) and _starts_number(items, i + 1):
        unit = CURRENCY_SYMBOLS[raw]
        i += 1
        kind, raw, start, end, _ = items[i]
    if kind == "sym":
        word = SYMBOL_WORDS.get(raw) or ("percent" if raw == "%" else None)
        if word:
            toks.append(Token(word, raw, start, end))
    elif kind == "frac":
        toks.append(_number("number", numbers.digits_reading(raw), raw, start, end, True))
    elif kind == "num":
        return _digits(text, items, i, unit, unit_start, toks)
    elif kind == "word":
        return _number_words(text, items, i, unit, unit_start, toks)
    elif kind in ("abbr", "alnum"):
        key = fold(raw.replace(".", ""))
        toks.append(Token(key, raw, start, end, capital=raw[:1].isupper()))
    return i + 1


def _digits(text: str, items: list, i: int, unit: str | None, unit_start: int, toks: list[Token]) -> int:
    """Add a number written with digits (with its ordinal, scale or time suffix and the words after
    it) to ``toks``; the index of the next item."""
    _, raw, _, end, m = items[i]
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
    return i


def _number_words(text: str, items: list, i: int, unit: str | None, unit_start: int, toks: list[Token]) -> int:
    """Add a word to ``toks``: a run of number words as one number (with the words after it), "half",
    or the word itself; the index of the next item."""
    _, raw, start, end, _ = items[i]
    length = 0
    if fold(raw) in numbers.MAY_START:
        run_words = _words_from(items, i, 24)
        length = numbers.run_length(run_words)
    elif fold(raw) in HALF:  # "half price"
        toks.append(Token(NUMBER, raw, start, end, fact="number", values=frozenset({"0.5"})))
        return i + 1
    if length and not (length == 1 and run_words[0] in ("a", "point")):
        last = items[i + length - 1]
        reading = numbers.words_reading(run_words[:length])
        tok = _number("number", reading, text[start:last[3]], unit_start, last[3], False)
        i = _absorb(tok, items, i + length, unit)
        tok.raw = text[tok.start:tok.end]
        toks.append(tok)
        return i
    toks.extend(_word_tokens(raw, start, end))
    return i + 1


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
