"""What a check found, as data: ``Finding`` (one difference between what was meant and what was
said), ``Pair`` (one step of the script-against-subtitles alignment, for a side-by-side view) and
``Report`` (the status, the findings and the pairs), each kept as JSON through ``to_dict`` /
``from_dict``. Sentences for people are written by the UI from these facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

__all__ = ["KINDS", "STATUSES", "Finding", "Kind", "Pair", "Report", "build", "finding_key", "keys_of"]


class Kind(str, Enum):
    """What a finding is about, most serious first."""

    NAME = "name"                          # a substituted name not spoken, or spoken as another word
    VALUE = "value"                        # another substituted value (not a name) not spoken as sent
    NUMBER = "number"                      # a number, price, percentage, date, time, phone number or address
    PLACEHOLDER = "placeholder"            # a placeholder left in the script or the subtitles
    MISSING_SENTENCE = "missing_sentence"  # most words of a script sentence were not spoken
    EXTRA_SENTENCE = "extra_sentence"      # words spoken that are not in the script
    LENGTH = "length"                      # the video is more than 25 % longer or shorter than expected


KINDS = tuple(Kind)
STATUSES = ("ok", "findings", "no_subtitles", "unreadable")  # "unreadable": subtitles that are not SRT
_RANK = {kind: n for n, kind in enumerate(KINDS)}


def finding_key(kind: Kind | str, expected: str | None, spoken: str | None) -> tuple[str, str | None, str | None]:
    """The key a user's acceptance of a finding is kept under: (kind, expected, spoken)."""
    return (kind.value if isinstance(kind, Kind) else str(kind), expected, spoken)


def keys_of(accepted: Iterable | None) -> set[tuple[str, str | None, str | None]]:
    """Accepted keys normalised: tuples or JSON lists of (kind, expected, spoken), or findings."""
    out = set()
    for item in accepted or ():
        if isinstance(item, Finding):
            out.add(item.key)
        else:
            kind, expected, spoken = list(item)[:3]
            out.add(finding_key(kind, expected, spoken))
    return out


@dataclass(frozen=True)
class Finding:
    """One difference. ``expected``: the text meant (None for words spoken that were not meant);
    ``spoken``: what was said in its place (None when nothing was). For LENGTH both are seconds
    written as decimals ("42.0"). ``moment``: seconds into the video where it happens or should
    have happened (None when unknown); ``cues``: the SRT cue numbers (from 1, as in the file), first
    and last. ``fact``: for NUMBER what kind of value ("number", "ordinal", "price", "percent",
    "date", "time", "phone", "url", "email"); "seconds" for LENGTH. ``column``: the CSV column of a
    substituted value. ``accepted``: the user marked it as correct."""

    kind: Kind
    expected: str | None
    spoken: str | None
    moment: float | None = None
    cues: tuple[int, int] | None = None
    fact: str | None = None
    column: str | None = None
    accepted: bool = False

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return finding_key(self.kind, self.expected, self.spoken)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "expected": self.expected, "spoken": self.spoken, "moment": self.moment,
                "cues": list(self.cues) if self.cues else None, "fact": self.fact, "column": self.column,
                "accepted": self.accepted}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        cues = data.get("cues")
        return cls(Kind(data["kind"]), data.get("expected"), data.get("spoken"), data.get("moment"),
                   (int(cues[0]), int(cues[1])) if cues else None, data.get("fact"), data.get("column"),
                   bool(data.get("accepted", False)))


@dataclass(frozen=True)
class Pair:
    """One step of the alignment: ``op`` is "equal", "replace", "delete" (script words not spoken)
    or "insert" (words spoken that are not in the script); the words of each side as written; the
    ``moment`` and SRT ``cues`` (from 1) of the spoken side, or of where the missing words belong."""

    op: str
    script: tuple[str, ...]
    spoken: tuple[str, ...]
    moment: float | None = None
    cues: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "script": list(self.script), "spoken": list(self.spoken), "moment": self.moment,
                "cues": list(self.cues) if self.cues else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pair:
        cues = data.get("cues")
        return cls(data["op"], tuple(data.get("script") or ()), tuple(data.get("spoken") or ()), data.get("moment"),
                   (int(cues[0]), int(cues[1])) if cues else None)


@dataclass(frozen=True)
class Report:
    """The outcome of one check. ``status``: "ok" (nothing open), "findings" (at least one finding
    not accepted), "no_subtitles" (no SRT to check) or "unreadable" (the SRT could not be read).
    ``mode``: "script", "facts" (a Video Agent prompt) or "translation". ``findings`` most serious
    first, then by moment; ``pairs``: the alignment (script mode only); ``spoken_seconds``: the end
    of the last cue; ``expected_seconds`` as given."""

    status: str
    mode: str
    findings: tuple[Finding, ...] = ()
    pairs: tuple[Pair, ...] = ()
    spoken_seconds: float | None = None
    expected_seconds: float | None = None

    @property
    def open(self) -> tuple[Finding, ...]:
        """The findings not accepted."""
        return tuple(f for f in self.findings if not f.accepted)

    def kinds(self) -> set[Kind]:
        """The kinds of the open findings."""
        return {f.kind for f in self.open}

    def accept(self, accepted: Iterable | None) -> Report:
        """This report with the findings under ``accepted`` keys marked accepted (and only those)."""
        return build(self.status, self.mode, self.findings, self.pairs, self.spoken_seconds, self.expected_seconds,
                     accepted)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "mode": self.mode, "findings": [f.to_dict() for f in self.findings],
                "pairs": [p.to_dict() for p in self.pairs], "spoken_seconds": self.spoken_seconds,
                "expected_seconds": self.expected_seconds}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(data["status"], data.get("mode", "script"),
                   tuple(Finding.from_dict(f) for f in data.get("findings") or ()),
                   tuple(Pair.from_dict(p) for p in data.get("pairs") or ()),
                   data.get("spoken_seconds"), data.get("expected_seconds"))


def build(status: str, mode: str, findings: Iterable[Finding], pairs: Iterable[Pair] = (),
          spoken_seconds: float | None = None, expected_seconds: float | None = None,
          accepted: Iterable | None = None) -> Report:
    """A report: findings made unique by key (the first kept), marked accepted, sorted most serious
    first; the status "ok" or "findings" unless ``status`` says the subtitles were missing or unreadable."""
    keys = keys_of(accepted)
    unique: dict[tuple, Finding] = {}
    for finding in findings:
        unique.setdefault(finding.key, finding)
    marked = [replace(f, accepted=f.key in keys) for f in unique.values()]
    marked.sort(key=lambda f: (_RANK[f.kind], f.moment is None, f.moment or 0.0))
    if status not in ("no_subtitles", "unreadable"):
        status = "findings" if any(not f.accepted for f in marked) else "ok"
    return Report(status, mode, tuple(marked), tuple(pairs), spoken_seconds, expected_seconds)
