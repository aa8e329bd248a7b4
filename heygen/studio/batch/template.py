"""The batch template: one script and title with ``{{column}}`` placeholders, applied to every CSV row.

A placeholder is ``{{name}}`` where ``name`` is a column name, matched exactly (case-sensitive);
spaces just inside the braces are ignored, so ``{{ first name }}`` means the column
``first name``. One avatar and one voice serve every row, unless the CSV has an ``avatar_id`` or
``voice_id`` column: a non-empty cell there overrides the template for that row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, ENGINES, FITS, OUTPUT_FORMATS, RESOLUTIONS, VideoSpec

__all__ = [
    "AVATAR_COLUMN", "BatchTemplate", "VOICE_COLUMN", "available_columns", "placeholders", "render",
]

AVATAR_COLUMN = "avatar_id"
VOICE_COLUMN = "voice_id"
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def placeholders(text: str | None) -> list[str]:
    """The column names ``text`` refers to, each once, in order of first use."""
    seen: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def render(text: str | None, row: Mapping[str, Any]) -> str:
    """``text`` with every placeholder replaced by the row's value; KeyError names an unknown column."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in row:
            raise KeyError(name)
        cell = row[name]
        return "" if cell is None else str(cell)

    return _PLACEHOLDER.sub(value, text or "")


def available_columns(columns: Iterable[str]) -> list[str]:
    """The columns a template can use, written as placeholders (``{{name}}``), in file order."""
    return ["{{" + name + "}}" for name in columns]


@dataclass(frozen=True)
class BatchTemplate:
    """What every row's video is made from; ``None`` options are left to HeyGen's defaults."""

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

    def placeholders(self) -> list[str]:
        """Columns used by the script or the title, each once."""
        return list(dict.fromkeys(placeholders(self.script) + placeholders(self.title)))

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
        if not self.avatar_id and AVATAR_COLUMN not in columns:
            out.append(f"No avatar is chosen: pick one for all rows or add an “{AVATAR_COLUMN}” column.")
        if not self.voice_id and VOICE_COLUMN not in columns:
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
        return list(dict.fromkeys(out))

    def avatar_for(self, row: Mapping[str, Any]) -> str:
        """The avatar look id for this row (the row's ``avatar_id`` cell wins when not empty)."""
        return _cell(row, AVATAR_COLUMN) or (self.avatar_id or "").strip()

    def voice_for(self, row: Mapping[str, Any]) -> str:
        """The voice id for this row (the row's ``voice_id`` cell wins when not empty)."""
        return _cell(row, VOICE_COLUMN) or (self.voice_id or "").strip()

    def title_for(self, row: Mapping[str, Any], row_number: int) -> str:
        """The rendered title, or "Row N" when it comes out empty."""
        title = " ".join(render(self.title, row).split())
        return title or f"Row {row_number}"

    def spec_for(self, row: Mapping[str, Any], row_number: int) -> VideoSpec:
        """The video to make for this row (call only for rows that passed the checks)."""
        return VideoSpec(
            avatar_id=self.avatar_for(row),
            script=render(self.script, row).strip(),
            voice_id=self.voice_for(row),
            title=self.title_for(row, row_number),
            resolution=self.resolution,
            aspect_ratio=self.aspect_ratio,
            background_color=self.background_color,
            remove_background=self.remove_background,
            speed=self.speed,
            pitch=self.pitch,
            locale=self.locale,
            captions=self.captions,
            fit=self.fit,
            output_format=self.output_format,
            engine=self.engine,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchTemplate:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column) if hasattr(row, "get") else None
    return "" if value is None else str(value).strip()


def _close_match(name: str, columns: list[str]) -> str | None:
    folded = name.casefold().replace(" ", "").replace("_", "")
    for column in columns:
        if column.casefold().replace(" ", "").replace("_", "") == folded:
            return column
    return None
