"""Script tokens lined up against spoken tokens: difflib's longest-match alignment on the tokens'
keys, then inside each replaced stretch a small edit-distance pairing that puts like words (and
facts) side by side, so a changed name or number is one word replaced by one word."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from .compare import similarity
from .tokens import Token

__all__ = ["Alignment", "align"]

_GAP = 0.55
_MAX_CELLS = 2500


@dataclass(frozen=True)
class Alignment:
    """``ops``: blocks (op, i1, i2, j1, j2) over script tokens [i1, i2) and spoken tokens [j1, j2),
    op "equal", "replace", "delete" or "insert"; ``a2b`` the spoken token each script token is
    paired with (-1 for none), ``b2a`` the reverse, ``same`` whether the pair has equal keys."""

    ops: list[tuple[str, int, int, int, int]]
    a2b: list[int]
    b2a: list[int]
    same: list[bool]


def align(a: list[Token], b: list[Token]) -> Alignment:
    """The alignment of script tokens ``a`` against spoken tokens ``b``."""
    a2b = [-1] * len(a)
    b2a = [-1] * len(b)
    same = [False] * len(a)
    steps: list[tuple[str, int, int]] = []  # (op, i or -1, j or -1), one token each
    matcher = SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps.extend(("equal", i1 + k, j1 + k) for k in range(i2 - i1))
        elif op == "delete":
            steps.extend(("delete", i, -1) for i in range(i1, i2))
        elif op == "insert":
            steps.extend(("insert", -1, j) for j in range(j1, j2))
        else:
            steps.extend(_pair(a, b, i1, i2, j1, j2))
    for op, i, j in steps:
        if i >= 0 and j >= 0:
            a2b[i], b2a[j] = j, i
            same[i] = op == "equal"
    return Alignment(_blocks(steps), a2b, b2a, same)


def _cost(x: Token, y: Token) -> float:
    if x.key == y.key:
        return 0.0
    if x.is_fact or y.is_fact:
        return 0.2 if x.key == y.key else 0.9 if x.is_fact and y.is_fact else 0.95
    return 1.0 - similarity(x.key, y.key)


def _pair(a: list[Token], b: list[Token], i1: int, i2: int, j1: int, j2: int) -> list[tuple[str, int, int]]:
    """One replaced stretch as single-token steps, by least total cost."""
    n, m = i2 - i1, j2 - j1
    if n * m > _MAX_CELLS:
        k = min(n, m)
        out = [("replace", i1 + x, j1 + x) for x in range(k)]
        out += [("delete", i, -1) for i in range(i1 + k, i2)]
        out += [("insert", -1, j) for j in range(j1 + k, j2)]
        return out
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(1, n + 1):
        cost[x][0] = cost[x - 1][0] + _GAP
    for y in range(1, m + 1):
        cost[0][y] = cost[0][y - 1] + _GAP
    for x in range(1, n + 1):
        row, prev = cost[x], cost[x - 1]
        ax = a[i1 + x - 1]
        for y in range(1, m + 1):
            row[y] = min(prev[y - 1] + _cost(ax, b[j1 + y - 1]), prev[y] + _GAP, row[y - 1] + _GAP)
    out: list[tuple[str, int, int]] = []
    x, y = n, m
    while x > 0 or y > 0:
        if x > 0 and y > 0 and abs(cost[x][y] - cost[x - 1][y - 1] - _cost(a[i1 + x - 1], b[j1 + y - 1])) < 1e-9:
            op = "equal" if a[i1 + x - 1].key == b[j1 + y - 1].key else "replace"
            out.append((op, i1 + x - 1, j1 + y - 1))
            x, y = x - 1, y - 1
        elif x > 0 and (y == 0 or abs(cost[x][y] - cost[x - 1][y] - _GAP) < 1e-9):
            out.append(("delete", i1 + x - 1, -1))
            x -= 1
        else:
            out.append(("insert", -1, j1 + y - 1))
            y -= 1
    out.reverse()
    return out


def _blocks(steps: list[tuple[str, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """Single-token steps merged into blocks of one op."""
    blocks: list[list] = []
    i_at = j_at = 0
    for op, i, j in steps:
        i1 = i if i >= 0 else i_at
        j1 = j if j >= 0 else j_at
        i2 = i1 + (1 if i >= 0 else 0)
        j2 = j1 + (1 if j >= 0 else 0)
        if blocks and blocks[-1][0] == op and blocks[-1][2] == i1 and blocks[-1][4] == j1:
            blocks[-1][2], blocks[-1][4] = i2, j2
        else:
            blocks.append([op, i1, i2, j1, j2])
        i_at, j_at = i2, j2
    return [tuple(block) for block in blocks]
