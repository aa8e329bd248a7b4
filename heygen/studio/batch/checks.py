"""Checking every row before anything is spent: each row is ready, or has problems in plain sentences.

Row numbers count data rows from 1 (the first row under the header is row 1). Problems name the
column at fault. The estimate of spoken minutes uses about 150 words a minute.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .template import AVATAR_COLUMN, VOICE_COLUMN, BatchTemplate, placeholders, render

__all__ = ["BatchCheck", "MAX_SCRIPT_CHARS", "RowCheck", "WORDS_PER_MINUTE", "check_rows", "spoken_minutes"]

MAX_SCRIPT_CHARS = 5000
WORDS_PER_MINUTE = 150


def spoken_minutes(script: str) -> float:
    """About how long ``script`` takes to say, in minutes."""
    return len(script.split()) / WORDS_PER_MINUTE


@dataclass(frozen=True)
class RowCheck:
    """One row's verdict. ``row`` counts data rows from 1."""

    row: int
    problems: tuple[str, ...] = ()
    script_chars: int = 0
    minutes: float = 0.0

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class BatchCheck:
    """The verdict on a whole file: template problems (which block every row) and one RowCheck per row."""

    rows: list[RowCheck]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the template is usable and at least one row is ready."""
        return not self.problems and any(r.ready for r in self.rows)

    @property
    def ready_rows(self) -> list[int]:
        """Row numbers that can be rendered (none while the template has problems)."""
        return [] if self.problems else [r.row for r in self.rows if r.ready]

    @property
    def minutes(self) -> float:
        """Estimated spoken minutes of all ready rows together."""
        return 0.0 if self.problems else sum(r.minutes for r in self.rows if r.ready)

    def row_problems(self) -> dict[int, list[str]]:
        """Row number → problems, for the rows that have any."""
        return {r.row: list(r.problems) for r in self.rows if r.problems}


def check_rows(
    df: pd.DataFrame,
    template: BatchTemplate,
    *,
    known_avatars: Mapping[str, bool] | None = None,
    known_voices: Container[str] | None = None,
    max_chars: int = MAX_SCRIPT_CHARS,
) -> BatchCheck:
    """Check the template against the file's columns, then every row.

    ``known_avatars`` maps the account's look ids to whether each is ready to use; ``known_voices``
    holds the account's voice ids (a set, or a mapping id → Voice). Leave either as None to skip
    that check (e.g. while the catalogue is still loading).
    """
    columns = [str(c) for c in df.columns]
    template_problems = template.problems(columns)
    used = [name for name in template.placeholders() if name in columns]
    in_script = set(placeholders(template.script))
    checks = []
    for index, record in enumerate(df.to_dict("records"), start=1):
        checks.append(_check_row(index, record, template, used, in_script, known_avatars, known_voices, max_chars))
    return BatchCheck(rows=checks, problems=template_problems)


def _check_row(
    number: int,
    row: Mapping[str, Any],
    template: BatchTemplate,
    used: list[str],
    in_script: set[str],
    known_avatars: Mapping[str, bool] | None,
    known_voices: Container[str] | None,
    max_chars: int,
) -> RowCheck:
    problems: list[str] = []
    for name in used:
        if not str(row.get(name) or "").strip():
            where = "script" if name in in_script else "title"
            problems.append(f"The column “{name}” is empty, and the {where} uses it.")
    unknown_column = False
    try:
        script = render(template.script, row).strip()
    except KeyError:
        script, unknown_column = "", True  # reported once, as a template problem
    chars = len(script)
    if not script and not unknown_column and not problems and (template.script or "").strip():
        problems.append("The script comes out empty for this row.")
    if chars > max_chars:
        problems.append(f"The script is {chars:,} characters long for this row; HeyGen takes at most {max_chars:,}.")
    avatar = template.avatar_for(row)
    from_column = bool(str(row.get(AVATAR_COLUMN) or "").strip())
    if not avatar:
        if AVATAR_COLUMN in row:
            problems.append(f"The column “{AVATAR_COLUMN}” is empty and no avatar was chosen for all rows.")
    elif known_avatars is not None:
        where = f"the column “{AVATAR_COLUMN}”" if from_column else "the template"
        if avatar not in known_avatars:
            problems.append(f"The avatar “{avatar}” from {where} is not one of this account's avatar looks.")
        elif not known_avatars[avatar]:
            problems.append(f"The avatar “{avatar}” from {where} is still being prepared at HeyGen and cannot be used yet.")
    voice = template.voice_for(row)
    from_column = bool(str(row.get(VOICE_COLUMN) or "").strip())
    if not voice:
        if VOICE_COLUMN in row:
            problems.append(f"The column “{VOICE_COLUMN}” is empty and no voice was chosen for all rows.")
    elif known_voices is not None and voice not in known_voices:
        where = f"the column “{VOICE_COLUMN}”" if from_column else "the template"
        problems.append(f"The voice “{voice}” from {where} is not one of this account's voices.")
    minutes = spoken_minutes(script) if script else 0.0
    return RowCheck(row=number, problems=tuple(problems), script_chars=chars, minutes=minutes)
