"""Facts said over several words, read as one token: web and e-mail addresses said aloud
("heygen dot com slash pricing", "anna at acme dot co dot uk") and numbers said digit by digit in
groups, as a phone number is read ("plus four four, two oh, seven two seven one")."""

from __future__ import annotations

import re

from .lexicon import MAILBOXES, NOT_EMAIL_LOCAL, SPOKEN_LINK, TLDS
from .tokens import LINK, NUMBER, Token, link_value

__all__ = ["digit_groups", "spoken_links"]

_ANY_DOT = re.compile(r"\bdot\b", re.I)


def _said_digit_by_digit(tok: Token) -> bool:
    return tok.key == NUMBER and not tok.digits and tok.unit is None and len(tok.pieces) >= 2 \
        and all(p < 10 for p in tok.pieces)


def digit_groups(toks: list[Token], text: str) -> list[Token]:
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


def spoken_links(toks: list[Token], text: str) -> list[Token]:
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
