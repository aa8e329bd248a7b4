"""A batch made from a HeyGen template instead of a script: each template variable takes its value
from a CSV column, a fixed value, or the template's default.

It is still a ``BatchTemplate`` (so the checks, the sample → approve → run flow, the results and the
video checks work as for a script): its ``script`` is what the template's scenes say, with the
variables mapped to columns written as ``{{column}}`` placeholders, and its ``heygen`` field keeps
the template and the mapping. Each row becomes a job of kind "template".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Mapping
from typing import Any

from heygen.api._model import from_api
from heygen.api.templates import Template

from .. import templates
from ..jobs import Job, JobStore
from .template import BatchTemplate

__all__ = ["COLUMN", "VALUE", "batch_template", "create_row_job", "problems", "row_problems", "template_of",
           "values_for"]

COLUMN, VALUE = "column", "value"  # a variable's source: {"column": name} or {"value": text}


def _placeholder_safe(text: str) -> str:
    return text.replace("{{", "{ {").replace("}}", "} }")


def batch_template(template: Template, mapping: Mapping[str, Mapping[str, str]], *, title: str = "") -> BatchTemplate:
    """The batch template for ``template`` with each variable's source (``mapping``: name → {"column": c} or
    {"value": v}; unnamed variables keep their defaults)."""
    said = {}
    for name in template.variables:
        source = mapping.get(name) or {}
        if source.get(COLUMN):  # an empty cell says the template's default, when it has one
            default = templates.default_of(template, name) if template.variables[name].type == "text" else ""
            said[name] = "{{" + source[COLUMN] + (f"|{_placeholder_safe(default).replace('|', ' ')}}}}}" if default
                                                  else "}}")
        else:
            said[name] = _placeholder_safe(source.get(VALUE) or templates.default_of(template, name))
    script = " ".join(templates.PLACEHOLDER.sub(lambda m: said.get(m.group(1), m.group(0)), s.script or "").strip()
                      for s in template.scenes).strip()
    clean = {n: {k: str(v) for k, v in s.items() if k in (COLUMN, VALUE) and v} for n, s in mapping.items()
             if n in template.variables}
    return BatchTemplate(script=script, title=title, heygen={"template": dataclasses.asdict(template),
                                                             "mapping": {n: s for n, s in clean.items() if s}})


def template_of(batch_template: BatchTemplate) -> Template:
    """The HeyGen template a batch is made from."""
    return from_api(Template, (batch_template.heygen or {}).get("template"))


def _mapping(batch_template: BatchTemplate) -> dict[str, dict[str, str]]:
    return dict((batch_template.heygen or {}).get("mapping") or {})


def values_for(batch_template: BatchTemplate, row: Mapping[str, Any]) -> dict[str, str]:
    """Each mapped variable's value for this row (a column's cell, or the fixed value)."""
    out = {}
    for name, source in _mapping(batch_template).items():
        if source.get(COLUMN):
            cell = row.get(source[COLUMN]) if hasattr(row, "get") else None
            out[name] = "" if cell is None or cell != cell else str(cell)  # NaN: an empty cell
        else:
            out[name] = source.get(VALUE) or ""
    return out


def problems(batch_template: BatchTemplate, columns: list[str]) -> list[str]:
    """What is wrong with the mapping for a file with these columns."""
    return [f"The variable “{name}” takes the column “{source[COLUMN]}”, but the file has no such column."
            for name, source in _mapping(batch_template).items()
            if source.get(COLUMN) and source[COLUMN] not in columns]


def row_problems(batch_template: BatchTemplate, row: Mapping[str, Any], *, looks: Container[str] | None = None,
                 voices: Container[str] | None = None) -> list[str]:
    """Why this row's values cannot be sent (missing value, over-long text, not a link, unknown look or voice)."""
    template = template_of(batch_template)
    mapping = _mapping(batch_template)
    out = []
    said_empty = set(batch_template.needs_value())  # an empty cell of these is already reported by the checks
    for problem in templates.problems(template, values_for(batch_template, row), looks=looks, voices=voices):
        source = mapping.get(problem.variable) or {}
        if problem.code == templates.MISSING and source.get(COLUMN) in said_empty:
            continue
        where = f"the column “{source[COLUMN]}”" if source.get(COLUMN) else f"the variable “{problem.variable}”"
        given = problem.given.strip()
        out.append({
            templates.MISSING: f"{where.capitalize()} is empty, and the template has no default for "
                               f"“{problem.variable}”.",
            templates.TOO_LONG: f"{where.capitalize()} holds {len(problem.given):,} characters; a text variable takes "
                                f"at most {templates.TEXT_MAX:,}.",
            templates.NOT_URL: f"{where.capitalize()} should be a link (https://…) to the {problem.kind} for "
                               f"“{problem.variable}”, not “{given[:60]}”.",
            templates.UNKNOWN_LOOK: f"{where.capitalize()} names an avatar look your account does not have "
                                    f"(“{given[:60]}”).",
            templates.UNKNOWN_VOICE: f"{where.capitalize()} names a voice your account does not have "
                                     f"(“{given[:60]}”).",
        }[problem.code])
    return out


def create_row_job(store: JobStore, batch_template: BatchTemplate, *, account: str, batch: Mapping[str, Any],
                   row: Mapping[str, Any], row_number: int, idempotency_key: str) -> Job:
    """Record one row's template render (nothing is sent), tied to its batch row."""
    text = batch_template.text_for(row)
    job = templates.create_job(store, account=account, template=template_of(batch_template),
                               values=values_for(batch_template, row),
                               title=batch_template.title_for(row, row_number), idempotency_key=idempotency_key,
                               batch={**batch, "row": row_number}, batch_id=batch["id"], batch_row=row_number)
    return store.update_inputs(job.id, **text.to_inputs())
