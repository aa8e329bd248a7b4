"""Checking every row before anything is spent: each row is ready, or has problems in plain sentences.

Row numbers count data rows from 1 (the first row under the header is row 1). Problems name the
column at fault: an empty cell whose placeholder has no default, the row's own avatar look, voice
(by id or by name) and background. The estimate of spoken minutes uses about 150 words a minute.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from heygen.api.voices import Voice
from .media import IMAGE_EXTENSIONS, MAX_URL_CHARS, BackgroundCell, VoiceIndex, VoiceMatch
from . import from_template
from .template import AVATAR_COLUMN, BACKGROUND_COLUMN, VOICE_COLUMN, BatchTemplate

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
    """The verdict on a whole file: template problems (which block every row) and one RowCheck per row.

    ``voice_names``: each ``voice_id`` cell that named exactly one voice by its name → that voice's
    id (BatchStore.create keeps them with the template, so the rows are sent with the id).
    """

    rows: list[RowCheck]
    problems: list[str] = field(default_factory=list)
    voice_names: dict[str, str] = field(default_factory=dict)

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
    known_voices: Container[str] | Mapping[str, Voice] | None = None,
    known_assets: Mapping[str, str | None] | None = None,
    max_chars: int = MAX_SCRIPT_CHARS,
) -> BatchCheck:
    """Check the template against the file's columns, then every row.

    ``known_avatars`` maps the account's look ids to whether each is ready to use; ``known_voices``
    holds the account's voice ids (a set), or maps them to their Voice (then a ``voice_id`` cell
    may also give a voice's name); ``known_assets`` maps uploaded files' asset ids to their type
    ("image", "video", ...; None: HeyGen has no such file), see media.asset_kinds. Leave any of them
    None to skip that check (e.g. while the catalogue is still loading); an asset id missing from
    ``known_assets`` is not checked.
    """
    columns = [str(c) for c in df.columns]
    template_problems = template.problems(columns) + from_template.problems(template, columns)
    needs = {name: where for name, where in template.needs_value().items() if name in columns}
    context = _Context(template, needs, known_avatars, known_voices, known_assets, max_chars)
    checks = [_check_row(context, index, record) for index, record in enumerate(df.to_dict("records"), start=1)]
    return BatchCheck(rows=checks, problems=template_problems, voice_names=context.voice_names)


@dataclass
class _Context:
    template: BatchTemplate
    needs: dict[str, str]
    known_avatars: Mapping[str, bool] | None
    known_voices: Container[str] | Mapping[str, Voice] | None
    known_assets: Mapping[str, str | None] | None
    max_chars: int
    voice_names: dict[str, str] = field(default_factory=dict)
    _index: VoiceIndex | None = None
    _matches: dict[str, VoiceMatch] = field(default_factory=dict)

    def __post_init__(self) -> None:
        voices = self.known_voices
        if isinstance(voices, Mapping) and voices and all(isinstance(v, Voice) for v in voices.values()):
            self._index = VoiceIndex(voices)  # the voices come with their names

    def match_voice(self, cell: str) -> VoiceMatch | None:
        """The voice a cell names, by id or name (None when the known voices have no names)."""
        if self._index is None:
            return None
        if cell not in self._matches:
            self._matches[cell] = self._index.match(cell)
        return self._matches[cell]


def _check_row(context: _Context, number: int, row: Mapping[str, Any]) -> RowCheck:
    template = context.template
    problems: list[str] = []
    for name, where in context.needs.items():
        if not str(row.get(name) or "").strip():
            problems.append(f"The column “{name}” is empty, and the {where} uses it.")
    unknown_column = False
    try:
        script = template.text_for(row).spoken
    except KeyError:
        script, unknown_column = "", True  # reported once, as a template problem
    chars = len(script)
    if not script and not unknown_column and not problems and (template.script or "").strip():
        problems.append("The script comes out empty for this row.")
    if chars > context.max_chars:
        problems.append(f"The script is {chars:,} characters long for this row; HeyGen takes at most "
                        f"{context.max_chars:,}.")
    if template.heygen is not None:
        problems += from_template.row_problems(template, row, looks=context.known_avatars, voices=context.known_voices)
    problems += _avatar_problems(context, row)
    problems += _voice_problems(context, row)
    problems += _background_problems(context, row)
    minutes = spoken_minutes(script) if script else 0.0
    return RowCheck(row=number, problems=tuple(problems), script_chars=chars, minutes=minutes)


def _avatar_problems(context: _Context, row: Mapping[str, Any]) -> list[str]:
    avatar = context.template.avatar_for(row)
    known = context.known_avatars
    if not avatar:
        if AVATAR_COLUMN not in row:
            return []
        return [f"The column “{AVATAR_COLUMN}” is empty and no avatar was chosen for all rows."]
    if known is None:
        return []
    where = f"the column “{AVATAR_COLUMN}”" if _filled(row, AVATAR_COLUMN) else "the template"
    if avatar not in known:
        return [f"The avatar “{avatar}” from {where} is not one of this account's avatar looks."]
    if not known[avatar]:
        return [f"The avatar “{avatar}” from {where} is still being prepared at HeyGen and cannot be used yet."]
    return []


def _voice_problems(context: _Context, row: Mapping[str, Any]) -> list[str]:
    known = context.known_voices
    cell = str(row.get(VOICE_COLUMN) or "").strip()
    if not cell:
        voice = context.template.voice_for(row)
        if not voice:
            if VOICE_COLUMN not in row:
                return []
            return [f"The column “{VOICE_COLUMN}” is empty and no voice was chosen for all rows."]
        if known is not None and voice not in known:
            return [f"The voice “{voice}” from the template is not one of this account's voices."]
        return []
    if known is None:
        return []
    found = context.match_voice(cell)
    if found is None:
        return [] if cell in known else [f"The voice “{cell}” from the column “{VOICE_COLUMN}” is not one of this "
                                         "account's voices."]
    if found.by == "name":
        context.voice_names[cell] = found.voice_id
    if found.by == "ambiguous":
        languages = ", ".join(dict.fromkeys(v.language or "language not given" for v in found.candidates))
        ids = ", ".join(v.voice_id for v in found.candidates[:3])
        return [f"The voice name “{cell}” in the column “{VOICE_COLUMN}” fits {len(found.candidates)} voices "
                f"({languages}); write the id of the one you mean instead ({ids})."]
    if found.by == "unknown":
        return [f"The voice “{cell}” from the column “{VOICE_COLUMN}” is not one of this account's voices."]
    return []


def _background_problems(context: _Context, row: Mapping[str, Any]) -> list[str]:
    background = context.template.background_for(row)
    if background is None:
        return []
    out = []
    reason = _background_reason(background, context.known_assets)
    if reason:
        out.append(reason)
    if context.template.output_format == "webm":
        out.append(f"This row has its own background, but the videos are transparent (WebM); empty the "
                   f"“{BACKGROUND_COLUMN}” cell or turn the transparent background off.")
    return out


def _background_reason(background: BackgroundCell, known_assets: Mapping[str, str | None] | None) -> str | None:
    value, where = _short(background.value), f"in the column “{BACKGROUND_COLUMN}”"
    pictures = ", ".join(IMAGE_EXTENSIONS)
    kind = background.kind
    if kind == "too_long":
        return (f"The background link {where} is {len(background.value):,} characters long; a link can be at most "
                f"{MAX_URL_CHARS:,}.")
    if kind == "bad_link":
        return f"The background “{value}” {where} is not a usable link (it has spaces in it, or no site name)."
    if kind == "not_link":
        return (f"The background “{value}” {where} is neither a link starting with http:// or https:// nor the id "
                "of a file uploaded to HeyGen.")
    if kind == "video_url":
        return (f"The background “{value}” {where} is a video ({background.extension}); HeyGen can put only a "
                f"picture behind the avatar (a link ending in {pictures}).")
    if kind == "unknown_type":
        return (f"The background link “{value}” {where} does not end in {pictures}, so it is not known to be a "
                "picture.")
    if kind == "asset" and known_assets is not None and background.value in known_assets:
        found = known_assets[background.value]
        if found is None:
            return f"The background “{value}” {where} is not a file uploaded to this HeyGen account."
        if found != "image":
            return (f"The background “{value}” {where} is a file of type “{found}” at HeyGen; only a picture can go "
                    "behind the avatar.")
    return None


def _filled(row: Mapping[str, Any], column: str) -> bool:
    return bool(str(row.get(column) or "").strip())


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"
