"""What a job keeps besides its columns (``Job.inputs``), and the changes callers make to it.

``Job.inputs`` is one dataclass per kind (each kind names its class in ``heygen.studio.kinds``), decoded
from the stored JSON by the store with ``decode`` (plain ``Inputs`` for a store told no kinds). Its
typed fields are the keys the studio reads; a stored value of another type (or null) and every key it does not name are kept verbatim in
``extra``, so a row written by older code loads and is written back with nothing lost. Each object is
also a read-only mapping of the stored keys (``inputs["spec"]``, ``inputs.get("batch")``, ``dict(inputs)``),
equal to the dict it was decoded from.

A change is a patch, applied by the store to the inputs as they are inside its transaction
(``JobStore.update_inputs(job_id, **changes)``), so no caller writes back a copy it read earlier:

* ``key=value`` sets the key, replacing its whole value (nested dicts included);
* ``key=DROP`` removes the key;
* ``key=Patch(name=value, ...)`` merges one level into the nested dict at ``key``: the names given are
  set (``DROP`` removes one), the others kept; a missing or non-dict value counts as ``{}``;
* ``key=Derive(fn)`` sets the key to ``fn(current)``, ``current`` being the stored value (None if
  absent), for a change that depends on what is stored (appending to a list, settling a queue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

__all__ = [
    "AgentInputs", "DROP", "Derive", "ImportedInputs", "Inputs", "LipsyncInputs", "Patch",
    "ScenesInputs", "TemplateInputs", "TranslationInputs", "VideoInputs", "decode", "patched",
]


class _Drop:
    """The value that removes a key from a job's inputs."""

    _instance: _Drop | None = None

    def __new__(cls) -> _Drop:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DROP"


DROP: Final = _Drop()


@dataclass(frozen=True, init=False)
class Patch:
    """Changes to the nested dict at one key of a job's inputs, merged one level deep in the transaction."""

    changes: Mapping[str, Any]

    def __init__(self, **changes: Any) -> None:
        object.__setattr__(self, "changes", changes)


@dataclass(frozen=True)
class Derive:
    """A key's new value computed from its stored value (None when absent), inside the transaction."""

    fn: Callable[[Any], Any]


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    if value is DROP:
        target.pop(key, None)
    elif isinstance(value, Derive):
        _set(target, key, value.fn(target.get(key)))
    elif isinstance(value, Patch):
        current = target.get(key)
        merged = dict(current) if isinstance(current, Mapping) else {}
        for name, item in value.changes.items():
            _set(merged, name, item)
        target[key] = merged
    else:
        target[key] = value


def patched(inputs: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` (left unchanged) with ``changes`` applied, as described in the module's note."""
    result = dict(inputs)
    for key, value in changes.items():
        _set(result, key, value)
    return result


# -- typed inputs

_NUMBER = "number"  # an int or a float, never a bool


def _of(json_type: type | str) -> Any:
    """A typed field of stored inputs: None when the key is absent (or held a value of another type)."""
    return field(default=None, metadata={"json": json_type})


def _fits(value: object, json_type: type | str) -> bool:
    if json_type == _NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, json_type)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class Inputs(Mapping[str, Any]):
    """What any job keeps: what was sent, when, and the studio's bookkeeping about it."""

    spec: dict | None = _of(dict)  # what was sent (VideoSpec/AgentSpec.to_dict(), or the source's shape)
    sent_at: float | None = _of(_NUMBER)  # when the create first went out
    deadline_from: float | None = _of(_NUMBER)  # the watch deadline counts from here (a restart or a reply)
    reconcile: dict | None = _of(dict)  # {"looks": [times], "adopted": {...}} after a lost create
    extra: dict[str, Any] = field(default_factory=dict)  # every other stored key, verbatim

    @classmethod
    def _typed(cls) -> dict[str, type | str]:
        return {f.name: f.metadata["json"] for f in fields(cls) if "json" in f.metadata}

    @classmethod
    def decode(cls, stored: Mapping[str, Any]) -> Inputs:
        """These inputs from their stored form (a JSON object); nothing in it is dropped."""
        typed = cls._typed()
        known: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in stored.items():
            if key in typed and _fits(value, typed[key]):
                known[key] = value
            else:
                extra[key] = value
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The stored form: the typed fields that are set, and ``extra``."""
        out = {name: getattr(self, name) for name in self._typed() if getattr(self, name) is not None}
        out.update(self.extra)
        return out

    # A read-only mapping of the stored keys.
    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


@dataclass(frozen=True, eq=False)
class VideoInputs(Inputs):
    """An avatar or photo video (the Studio form, a batch row, a fix): ``spec`` is ``VideoSpec.to_dict()``."""

    script: str | None = _of(str)  # a batch row's script as sent (pronunciations applied)
    written_script: str | None = _of(str)  # the script as written, before pronunciations
    values: dict | None = _of(dict)  # {column: value} a batch row filled in
    batch: dict | None = _of(dict)  # {"id", "name", "row"} of the batch it belongs to
    estimated_seconds: float | None = _of(_NUMBER)  # spoken length estimate, or the audio's length
    audio_seconds: float | None = _of(_NUMBER)  # the length of an uploaded audio


@dataclass(frozen=True, eq=False)
class ScenesInputs(VideoInputs):
    """A multi-scene video: its storyboard as drawn, and the draft it came from."""

    storyboard: dict | None = _of(dict)
    draft_id: str | None = _of(str)


@dataclass(frozen=True, eq=False)
class TemplateInputs(VideoInputs):
    """A HeyGen template rendered with the job's values (``template``: the render's details)."""

    template: dict | None = _of(dict)


@dataclass(frozen=True, eq=False)
class AgentInputs(Inputs):
    """A Video Agent render or chat: ``spec`` is ``AgentSpec.to_dict()``."""

    files: list | None = _of(list)  # one record per attachment (asset_id None until uploaded)
    session: dict | None = _of(dict)  # HeyGen's session as last seen
    chat: dict | None = _of(dict)  # {"outbox": [...], "stopped_at"} of a chat
    title_set: bool | None = _of(bool)  # the user typed the title
    reply_awaited_from: float | None = _of(_NUMBER)  # when the user last spoke (checked often until answered)


@dataclass(frozen=True, eq=False)
class LipsyncInputs(Inputs):
    """A finished video's audio replaced (``lipsync``: the request's details)."""

    lipsync: dict | None = _of(dict)
    audio_seconds: float | None = _of(_NUMBER)


@dataclass(frozen=True, eq=False)
class TranslationInputs(Inputs):
    """One language of a translated video (``translation``: the request's details and phase)."""

    translation: dict | None = _of(dict)


@dataclass(frozen=True, eq=False)
class ImportedInputs(Inputs):
    """A video made elsewhere, brought into the history (``imported``: its HeyGen id and creation time)."""

    imported: dict | None = _of(dict)


def decode(cls: type[Inputs], stored: Mapping[str, Any] | None) -> Inputs:
    """Inputs of class ``cls`` from their stored form (a JSON object; anything else reads as empty)."""
    if type(stored) is cls:
        return stored  # type: ignore[return-value]
    return cls.decode(stored if isinstance(stored, Mapping) else {})
