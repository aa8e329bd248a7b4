"""Building dataclasses from API objects: unknown fields are ignored, nulls and wrong types become defaults."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")

_SCALARS = {str: str, int: int, float: float, bool: bool}


def from_api(cls: type[T], data: Any) -> T:
    """An instance of dataclass ``cls`` from ``data`` (a dict from HeyGen), tolerant of surprises.

    Unknown keys are dropped (kept in ``extra`` when the class has such a field); ``None`` or a
    value of the wrong type leaves the field's default; nested dataclasses and lists of them are
    built recursively.
    """
    if not isinstance(data, dict):
        data = {}
    fields, known = _fields(cls)
    kwargs: dict[str, Any] = {}
    for name, tp in fields:
        if name == "extra" or name not in data:
            continue
        value = _coerce(tp, data[name])
        if value is not _MISSING:
            kwargs[name] = value
    if "extra" in known:
        kwargs["extra"] = {k: v for k, v in data.items() if k not in known}
    return cls(**kwargs)


_MISSING = object()


@functools.cache
def _fields(cls: type) -> tuple[tuple[tuple[str, Any], ...], frozenset[str]]:
    """((field name, resolved type), ...) and the set of field names of dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    fields = tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))
    return fields, frozenset(name for name, _ in fields)


def _coerce(tp: Any, value: Any) -> Any:
    if value is None:
        return _MISSING
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            out = _coerce(arg, value)
            if out is not _MISSING:
                return out
        return _MISSING
    if origin in (list, tuple):
        if not isinstance(value, list):
            return _MISSING
        (item_tp, *_) = typing.get_args(tp) or (Any,)
        items = [_coerce(item_tp, v) for v in value]
        items = [v for v in items if v is not _MISSING]
        return items if origin is list else tuple(items)
    if origin is dict or tp is dict:
        return value if isinstance(value, dict) else _MISSING
    if dataclasses.is_dataclass(tp):
        return from_api(tp, value) if isinstance(value, dict) else _MISSING
    if tp is Any:
        return value
    if tp is float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _MISSING
    if tp is int:
        if isinstance(value, bool):
            return _MISSING
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return _MISSING
    if tp is bool:
        return value if isinstance(value, bool) else _MISSING
    if tp is str:
        return value if isinstance(value, str) else str(value) if isinstance(value, (int, float)) else _MISSING
    return value
