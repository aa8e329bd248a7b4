"""Rows of the assumptions table, made safe to print: no key, no signed link, no e-mail address."""

from __future__ import annotations

import re
from dataclasses import dataclass

HELD = "held"
DIFFERS = "differs"
SKIPPED = "skipped"
NOTED = "noted"  # a fact worth knowing that the studio does not rely on

DETAIL_MAX = 240

_URL = re.compile(r"https?://[^\s\"'<>]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@dataclass
class Row:
    """One assumption: what the studio relies on, whether it held, and what HeyGen answered.

    ``unreached`` marks a check that could not run because HeyGen could not be reached or failed
    on its side (network error, 5xx, 429): not a difference, but not a pass either.
    """

    check: str
    assumption: str
    result: str
    answer: str = ""
    unreached: bool = False


class Redactor:
    """Makes any text from HeyGen or the network safe to print."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.strip()

    def __call__(self, text: object, limit: int = DETAIL_MAX) -> str:
        text = " ".join(str(text).split())
        if self._secret:
            text = text.replace(self._secret, "[key]")
        text = _URL.sub(_link, text)
        text = _EMAIL.sub("[e-mail]", text)
        if len(text) > limit:
            text = text[: limit - 1].rstrip() + "…"
        return text


def _link(match: re.Match) -> str:
    """A link shown by its host only: signed media links grant access to whoever holds them."""
    url = match.group(0)
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    host = host.rsplit("@", 1)[-1]
    return f"{url.split('://', 1)[0]}://{host}/…"


def table(rows: list[Row]) -> str:
    """The rows as a plain-text table: check, result, then the assumption and HeyGen's answer."""
    width = max([len(r.check) for r in rows] + [len("Check")])
    lines = [f"{'Check':<{width}}  {'Result':<8}  Assumption / what HeyGen answered",
             f"{'-' * width}  {'-' * 8}  {'-' * 40}"]
    for row in rows:
        lines.append(f"{row.check:<{width}}  {row.result:<8}  {row.assumption}")
        if row.answer:
            lines.append(f"{'':<{width}}  {'':<8}  -> {row.answer}")
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    """``5 held, 1 differs, 2 skipped`` (only the results that occur)."""
    counts = {}
    for row in rows:
        counts[row.result] = counts.get(row.result, 0) + 1
    order = (HELD, DIFFERS, NOTED, SKIPPED)
    return ", ".join(f"{counts[r]} {r}" for r in order if r in counts) + "."


def exit_code(rows: list[Row]) -> int:
    """0: nothing differs and every check reached HeyGen; 1: something differs; 3: none differs but
    some checks could not reach HeyGen."""
    if any(row.result == DIFFERS for row in rows):
        return 1
    if any(row.unreached for row in rows):
        return 3
    return 0
