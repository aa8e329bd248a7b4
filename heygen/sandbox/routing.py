"""Which route answers a /v3 request: the most specific path wins, whether the sandbox implements it or not.

A path is compared segment by segment with every implemented route and every endpoint of the July
reference; a literal segment beats a parameter (``/v3/assets/statuses`` is never taken for
``/v3/assets/{asset_id}``). The winner then answers with its handler, a 404 saying the sandbox does not
offer that endpoint, or a 405 naming the methods the path has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .endpoints import ENDPOINTS


def _is_parameter(segment: str) -> bool:
    """A regex group in a route pattern, or a {name} in a reference template."""
    return "(" in segment or (segment.startswith("{") and segment.endswith("}"))


def _segments(pattern: str) -> list:
    """The pattern split at each "/" outside a regex group or class (``([^/]+)`` is one segment)."""
    segments, current, depth = [], "", 0
    for char in pattern.strip("/"):
        if char == "/" and depth == 0:
            segments.append(current)
            current = ""
            continue
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        current += char
    return segments + [current]


def shape(pattern: str) -> tuple:
    """A route pattern or path template as segments, with None for each parameter."""
    return tuple(None if _is_parameter(seg) else seg for seg in _segments(pattern))


def _rank(form: tuple) -> tuple:
    """Earlier literal segments rank higher."""
    return tuple(0 if seg is None else 1 for seg in form)


def _fits(form: tuple, segments: tuple) -> bool:
    return len(form) == len(segments) and all(f is None or f == s for f, s in zip(form, segments))


@dataclass(frozen=True)
class Resolved:
    """Where a request landed: a handler with its path parameters, or why there is none."""

    handler: object = None
    args: tuple = ()
    template: str | None = None  # the reference template of the path, when it has one
    allowed: tuple = ()  # every method the path has (implemented or in the reference)
    not_offered: bool = False  # the reference has this method on this path; the sandbox does not implement it


class Router:
    """Routes over implemented (pattern, {method: handler}) pairs and the reference's (method, template) pairs."""

    def __init__(self, routes, endpoints=ENDPOINTS):
        self.routes = tuple((re.compile(pattern + r"/?"), shape(pattern), methods) for pattern, methods in routes)
        self.reference: dict[tuple, dict] = {}
        for method, template in endpoints:
            entry = self.reference.setdefault(shape(template), {"template": template, "methods": set()})
            entry["methods"].add(method)

    def implemented(self, method: str, template: str) -> bool:
        """Whether the sandbox has a handler for this method on exactly this path template."""
        form = shape(template)
        return any(route_form == form and method in methods for _, route_form, methods in self.routes)

    def resolve(self, method: str, path: str) -> Resolved | None:
        """The route for a request, or None when no route or reference endpoint has this path."""
        segments = tuple(path.strip("/").split("/"))
        matched = [(pattern.fullmatch(path), form, methods) for pattern, form, methods in self.routes]
        matched = [(m, form, methods) for m, form, methods in matched if m]
        forms = [form for _, form, _ in matched] + [form for form in self.reference if _fits(form, segments)]
        if not forms:
            return None
        best = max(forms, key=_rank)
        spec = self.reference.get(best, {"template": None, "methods": set()})
        allowed = set(spec["methods"])
        for match, form, methods in matched:
            if form != best:
                continue
            if method in methods:
                return Resolved(methods[method], match.groups(), spec["template"])
            allowed |= set(methods)
        return Resolved(None, (), spec["template"], tuple(sorted(allowed)), method in spec["methods"])
