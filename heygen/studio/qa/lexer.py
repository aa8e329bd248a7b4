"""Text cut into items (words, digits, dates and phone numbers written with digits, web and
e-mail addresses, placeholders, punctuation, symbols) with their places, for ``words`` to read."""

from __future__ import annotations

import re

from .lexicon import TLDS, UNIT_SUFFIXES

__all__ = ["lex"]

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


def lex(text: str, start: int = 0, end: int | None = None, pattern: re.Pattern = _LEX) -> list[tuple[str, str, int, int, re.Match]]:
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
                out.extend(lex(text, m.start("phone"), m.end(), _LEX_NO_PHONE))
                continue
        begin, stop = m.span(group)
        out.append((kind, text[begin:stop], begin, stop, m))
    return out
