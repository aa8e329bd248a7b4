"""CSV cells a spreadsheet shows as text: the one formula guard of every CSV the studio writes.

A cell that starts with a tab or a carriage return, or whose first character after any leading white
space is ``=``, ``+``, ``-``, ``@`` or one of their full-width or other compatibility forms (``＝``,
``＋``, ``－``, ``＠``...), gets a leading ``'`` so a spreadsheet shows it as text instead of running it
as a formula. A plain negative number (``-12``, ``-3.5``) is left as it is, so it stays a number.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["is_formula", "safe_cell"]

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading ``'`` when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula(text) else text


def is_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    if text.startswith(_CONTROL_STARTS):
        return True
    rest = text.lstrip()
    if not rest or _NEGATIVE_NUMBER.fullmatch(rest):
        return False
    # NFKC turns the full-width and small forms (＝ ＋ － ＠ ﹦...) into their ASCII characters.
    return unicodedata.normalize("NFKC", rest[0]).startswith(_FORMULA_STARTS)
