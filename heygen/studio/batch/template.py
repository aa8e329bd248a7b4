"""The batch template: one script and title with placeholders, applied to every CSV row.

Placeholders are ``{{column}}`` or ``{{column|default}}`` (heygen.studio.batch.placeholders). One
avatar, voice and background serve every row, unless the CSV has an ``avatar_id``, ``voice_id``
or ``background`` column: a non-empty cell there is that row's own look id, voice (an id, or a
voice's name, resolved by the checks and kept in ``voice_names``), or background (a link to a
picture, or an uploaded file's asset id). ``pronunciations`` change how written words are said in
the script sent, never in the script as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, ENGINES, FITS, OUTPUT_FORMATS, RESOLUTIONS, VideoSpec
from . import pronounce
from .media import BackgroundCell, read_background
from .placeholders import available_columns, parse, pieces, placeholders, render
from .pronounce import Pronunciation
from .rowtext import RowText

__all__ = [
    "AVATAR_COLUMN", "BACKGROUND_COLUMN", "BatchTemplate", "OVERRIDE_COLUMNS", "VOICE_COLUMN", "available_columns",
    "placeholders", "render",
]

AVATAR_COLUMN = "avatar_id"
VOICE_COLUMN = "voice_id"
BACKGROUND_COLUMN = "background"
OVERRIDE_COLUMNS = (AVATAR_COLUMN, VOICE_COLUMN, BACKGROUND_COLUMN)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PRONUNCIATION_WORDS = {
    "no_spoken": "Pronunciation line {line}: say how “{written}” is spoken, or remove the line.",
    "no_written": "Pronunciation line {line}: write the word as it appears in the script, or remove the line.",
    "repeated": "Pronunciation line {line}: “{written}” is already listed above; keep one line for it.",
    "too_long": f"Pronunciation line {{line}}: keep each side under {pronounce.MAX_CHARS} characters.",
    "braces": "Pronunciation line {line}: write the word itself, without {{{{ }}}} braces; it is matched once the "
              "values are filled in.",
    "too_many": f"The pronunciation list can have at most {pronounce.MAX_PRONUNCIATIONS} lines.",
}


@dataclass(frozen=True)
class BatchTemplate:
    """What every row's video is made from; ``None`` options are left to HeyGen's defaults.

    ``pronunciations``: written word → spoken form, applied to the script sent. ``voice_names``:
    (cell, voice id) for ``voice_id`` cells that name a voice instead of giving its id.
    """

    script: str
    title: str = ""
    avatar_id: str | None = None
    voice_id: str | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    background_color: str | None = None
    remove_background: bool | None = None
    speed: float | None = None
    pitch: float | None = None
    locale: str | None = None
    captions: str | None = None  # None, "sidecar" (an SRT file) or "burned" (also burned in)
    fit: str | None = None
    output_format: str | None = None
    engine: str | None = None
    pronunciations: tuple[Pronunciation, ...] = ()
    voice_names: tuple[tuple[str, str], ...] = ()
    # A HeyGen template instead of a script: {"template", "mapping"} (heygen.studio.batch.from_template).
    heygen: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pronunciations", pronounce.clean(self.pronunciations))
        object.__setattr__(self, "voice_names", _pairs(self.voice_names))

    def placeholders(self) -> list[str]:
        """Columns used by the script or the title, each once."""
        return list(dict.fromkeys(placeholders(self.script) + placeholders(self.title)))

    def needs_value(self) -> dict[str, str]:
        """Columns with a placeholder without a default → where the first such one is ("script" or "title")."""
        out: dict[str, str] = {}
        for where, text in (("script", self.script), ("title", self.title)):
            for p in parse(text):
                if p.default is None:
                    out.setdefault(p.name, where)
        return out

    def problems(self, columns: Iterable[str]) -> list[str]:
        """What is wrong with the template itself for a file with these columns (empty when usable)."""
        columns = list(columns)
        out: list[str] = []
        if not (self.script or "").strip():
            out.append("The script is empty.")
        for where, text in (("script", self.script), ("title", self.title)):
            for name in placeholders(text):
                if not name:
                    out.append(f"The {where} has an empty placeholder {{{{ }}}}; put a column name inside the braces.")
                elif name not in columns:
                    hint = _close_match(name, columns)
                    out.append(
                        f"The {where} uses {{{{{name}}}}}, but the file has no column “{name}”"
                        + (f" (did you mean “{hint}”?)." if hint else ".")
                    )
        if self.heygen is None and not self.avatar_id and AVATAR_COLUMN not in columns:
            out.append(f"No avatar is chosen: pick one for all rows or add an “{AVATAR_COLUMN}” column.")
        if self.heygen is None and not self.voice_id and VOICE_COLUMN not in columns:
            out.append(f"No voice is chosen: pick one for all rows or add a “{VOICE_COLUMN}” column.")
        if self.resolution is not None and self.resolution not in RESOLUTIONS:
            out.append(f"The resolution must be one of {', '.join(RESOLUTIONS)}.")
        if self.aspect_ratio is not None and self.aspect_ratio not in ASPECT_RATIOS:
            out.append(f"The aspect ratio must be one of {', '.join(ASPECT_RATIOS)}.")
        if self.background_color is not None and not _COLOR.match(self.background_color):
            out.append("The background colour must look like #1a2b3c.")
        if self.speed is not None and not 0.5 <= self.speed <= 1.5:
            out.append("The voice speed must be between 0.5 and 1.5.")
        if self.pitch is not None and not -50 <= self.pitch <= 50:
            out.append("The voice pitch must be between -50 and 50.")
        if self.captions is not None and self.captions not in CAPTIONS:
            out.append("Captions must be off, a subtitle file, or burned in.")
        if self.fit is not None and self.fit not in FITS:
            out.append(f"The fit must be one of {', '.join(FITS)}.")
        if self.output_format is not None and self.output_format not in OUTPUT_FORMATS:
            out.append(f"The file format must be one of {', '.join(OUTPUT_FORMATS)}.")
        if self.output_format == "webm" and self.background_color is not None:
            out.append("A transparent video has no background colour; choose the avatar's own background.")
        if self.engine is not None and self.engine not in ENGINES:
            out.append(f"The engine must be one of {', '.join(ENGINES)}.")
        for issue in pronounce.issues(self.pronunciations):
            out.append(_PRONUNCIATION_WORDS[issue.kind].format(line=issue.line, written=issue.written))
        return list(dict.fromkeys(out))

    # -- one row

    def avatar_for(self, row: Mapping[str, Any]) -> str:
        """The avatar look id for this row (the row's ``avatar_id`` cell wins when not empty)."""
        return _cell(row, AVATAR_COLUMN) or (self.avatar_id or "").strip()

    def voice_for(self, row: Mapping[str, Any]) -> str:
        """The voice id for this row: the row's ``voice_id`` cell when not empty (a voice name in it
        becomes the id the checks found for it), else the template's voice."""
        cell = _cell(row, VOICE_COLUMN)
        if cell:
            return dict(self.voice_names).get(cell, cell)
        return (self.voice_id or "").strip()

    def background_for(self, row: Mapping[str, Any]) -> BackgroundCell | None:
        """What the row's ``background`` cell gives (None when it has none: the template's background)."""
        return read_background(_cell(row, BACKGROUND_COLUMN))

    def text_for(self, row: Mapping[str, Any]) -> RowText:
        """The row's script as written and as sent, and the values filled in; KeyError names an unknown column."""
        parts = pieces(self.script, row)
        written = "".join(p.text for p in parts).strip()
        values: dict[str, str] = {}
        for part in parts:
            if part.column is not None and part.text.strip():
                values.setdefault(part.column, part.text.strip())
        return RowText(written=written, spoken=pronounce.apply(written, self.pronunciations), values=values)

    def title_for(self, row: Mapping[str, Any], row_number: int) -> str:
        """The rendered title, or "Row N" when it comes out empty."""
        title = " ".join(render(self.title, row).split())
        return title or f"Row {row_number}"

    def spec_for(self, row: Mapping[str, Any], row_number: int) -> VideoSpec:
        """The video to make for this row (call only for rows that passed the checks)."""
        background = self.background_for(row)
        own = background is not None and background.usable
        return VideoSpec(
            avatar_id=self.avatar_for(row),
            script=self.text_for(row).spoken,
            voice_id=self.voice_for(row),
            title=self.title_for(row, row_number),
            resolution=self.resolution,
            aspect_ratio=self.aspect_ratio,
            background_color=None if own else self.background_color,
            background_url=background.url if own else None,
            background_asset_id=background.asset_id if own else None,
            remove_background=self.remove_background,
            speed=self.speed,
            pitch=self.pitch,
            locale=self.locale,
            captions=self.captions,
            fit=self.fit,
            output_format=self.output_format,
            engine=self.engine,
        )

    # -- storing

    def with_voice_names(self, names: Mapping[str, str]) -> BatchTemplate:
        """The same template that also knows these voice names (cell → voice id)."""
        if not names:
            return self
        return replace(self, voice_names=tuple({**dict(self.voice_names), **names}.items()))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: ``pronunciations`` as [{"written", "spoken"}], ``voice_names`` as {cell: voice id}."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["pronunciations"] = [{"written": p.written, "spoken": p.spoken} for p in self.pronunciations]
        data["voice_names"] = dict(self.voice_names)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchTemplate:
        """A template from ``to_dict``'s output; unknown keys are ignored and missing ones (a template
        stored before they existed) take their defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        value = list(value.items())
    out = []
    for item in value or ():
        if isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(v, str) for v in item):
            out.append((item[0], item[1]))
    return tuple(out)


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column) if hasattr(row, "get") else None
    return "" if value is None else str(value).strip()


def _close_match(name: str, columns: list[str]) -> str | None:
    folded = name.casefold().replace(" ", "").replace("_", "")
    for column in columns:
        if column.casefold().replace(" ", "").replace("_", "") == folded:
            return column
    return None
