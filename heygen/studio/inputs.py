"""What a job keeps besides its columns (``Job.inputs``), and the changes callers make to it.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["DROP", "Derive", "Patch", "patched"]


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
