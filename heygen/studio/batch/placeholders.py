"""Placeholders in a batch script or title: ``{{column}}`` and ``{{column|default}}``.

The column name is matched exactly (case-sensitive); spaces just inside the braces and around the
bar are ignored, so ``{{ first name | there }}`` means the column ``first name`` with the default
``there``. A default is said when the row's cell is empty (or only spaces); ``{{column|}}`` has an
empty default: nothing is said, and the space before it goes too when punctuation or another
space follows ("Hi {{name|}}, welcome" → "Hi, welcome"). A placeholder without a default needs a
value in every row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Piece", "Placeholder", "available_columns", "keep_known", "parse", "pieces", "placeholders", "render"]

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}")
_CLOSES_GAP = re.compile(r"^(?:\s|[,.;:!?)\]…]|$)")


@dataclass(frozen=True)
class Placeholder:
    """One ``{{...}}`` as written: its column ``name`` and its ``default`` (None: no default, "": say nothing)."""

    name: str
    default: str | None = None
    source: str = ""  # the placeholder exactly as written


@dataclass(frozen=True)
class Piece:
    """A stretch of a rendered text: the template's own words (``column`` None) or a placeholder's value.

    ``defaulted`` is True when the row's cell was empty and the placeholder's default was used;
    ``empty`` is True when a placeholder without a default met an empty cell.
    """

    text: str
    column: str | None = None
    defaulted: bool = False
    empty: bool = False


def parse(text: str | None) -> list[Placeholder]:
    """Every placeholder of ``text``, in order, repeats included."""
    return [Placeholder(m.group(1), m.group(2), m.group(0)) for m in _PLACEHOLDER.finditer(text or "")]


def placeholders(text: str | None) -> list[str]:
    """The column names ``text`` refers to, each once, in order of first use."""
    return list(dict.fromkeys(p.name for p in parse(text)))


def pieces(text: str | None, row: Mapping[str, Any]) -> list[Piece]:
    """``text`` cut into the template's words and the row's values; KeyError names an unknown column."""
    out: list[Piece] = []
    position = 0
    text = text or ""
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            out.append(Piece(text[position:match.start()]))
        position = match.end()
        name, default = match.group(1), match.group(2)
        if name not in row:
            raise KeyError(name)
        cell = row[name]
        value = "" if cell is None else str(cell)
        if default is not None and not value.strip():
            out.append(Piece(default, column=name, defaulted=True))
        else:
            out.append(Piece(value, column=name, empty=not value.strip()))
    if position < len(text):
        out.append(Piece(text[position:]))
    return _close_gaps(out)


def _close_gaps(parts: list[Piece]) -> list[Piece]:
    """Drop the spaces before a default that says nothing when punctuation, a space or the end follows."""
    for index, piece in enumerate(parts):
        if not (piece.defaulted and piece.text == "") or index == 0:
            continue
        before = parts[index - 1]
        if before.column is not None:
            continue
        after = "".join(p.text for p in parts[index + 1:])
        if _CLOSES_GAP.match(after):
            parts[index - 1] = Piece(before.text.rstrip(" \t"))
    return parts


def render(text: str | None, row: Mapping[str, Any]) -> str:
    """``text`` with every placeholder replaced by the row's value (or its default).

    KeyError names a column the row does not have.
    """
    return "".join(p.text for p in pieces(text, row))


def keep_known(text: str | None, columns: Iterable[str]) -> str:
    """``text`` without the placeholders whose column is not in ``columns`` (the others stay as written)."""
    known = set(columns)
    return _PLACEHOLDER.sub(lambda m: m.group(0) if m.group(1) in known else "", text or "")


def available_columns(columns: Iterable[str]) -> list[str]:
    """The columns a template can use, written as placeholders (``{{name}}``), in file order."""
    return ["{{" + name + "}}" for name in columns]
