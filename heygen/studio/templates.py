"""A video from a HeyGen template (job kind "template"): each variable's value checked by its type, the
render recorded before anything is sent and sent once (``POST /v3/templates/{id}``), then watched like
any video (in bulk at ``GET /v3/videos/statuses``), a lost answer looked for by title
(``reconcile.find_video``) and the finished video kept on disk by the worker.

The job keeps the template's id and name, every variable's value as sent (``{type, properties}``) and,
in ``spec``, the filled-in script and shape: what the video should say, for its check and its
expected length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.templates import MEDIA_TYPES, Template, value

from . import launch, reconcile
from .inputs import Patch
from .jobs import Job, JobStore

if TYPE_CHECKING:
    from heygen.api.client import Client

KIND = "template"
LABEL = "Template video"
TEXT_MAX = 1000  # characters one text variable may hold (HeyGen's editor limit as the sandbox knows it)
URL = re.compile(r"https?://[^\s/]+\S*", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")

# What can be wrong with one variable's value (``Problem.code``).
MISSING, TOO_LONG, NOT_URL, UNKNOWN_LOOK, UNKNOWN_VOICE = "missing", "too_long", "not_url", "unknown_look", "unknown_voice"

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Problem:
    """Why one variable's value cannot be sent: ``code`` (MISSING, TOO_LONG, …) and the value in question."""

    variable: str
    kind: str
    code: str
    given: str = ""


@dataclass(frozen=True)
class TemplateFile:
    """A file chosen for a media variable, uploaded as an asset when the job is sent."""

    variable: str
    data: bytes
    filename: str
    mime_type: str


def default_of(template: Template, name: str) -> str:
    """A variable's current default as one plain value (a text's words, a link, a look or voice id)."""
    props = template.variables[name].properties
    return str(props.get("content") or props.get("url") or props.get("asset_id") or props.get("character_id")
               or props.get("voice_id") or "")


def check_value(kind: str, raw: str, *, default: str = "", looks: Collection[str] | None = None,
                voices: Collection[str] | None = None, has_file: bool = False) -> str | None:
    """The problem code of one value of a variable of ``kind`` (empty: its default is used), or None.
    ``looks``/``voices``: the ids known to exist, when known."""
    raw = raw or ""
    if not raw.strip() and not has_file:
        return MISSING if not default.strip() else None
    if kind == "text" and len(raw) > TEXT_MAX:
        return TOO_LONG
    if kind in MEDIA_TYPES and not has_file and not URL.fullmatch(raw.strip()):
        return NOT_URL
    if kind == "character" and looks is not None and raw.strip() not in looks:
        return UNKNOWN_LOOK
    if kind == "voice" and voices is not None and raw.strip() not in voices:
        return UNKNOWN_VOICE
    return None


def problems(template: Template, values: Mapping[str, str], *, files: Collection[str] = (),
             looks: Collection[str] | None = None, voices: Collection[str] | None = None) -> list[Problem]:
    """Every variable whose value (``values``, by name; a name in ``files`` has a file chosen) cannot be sent."""
    found = []
    for name, variable in template.variables.items():
        raw = values.get(name) or ""
        code = check_value(variable.type, raw, default=default_of(template, name), looks=looks, voices=voices,
                           has_file=name in files)
        if code is not None:
            found.append(Problem(name, variable.type, code, raw))
    return found


def filled_script(template: Template, values: Mapping[str, str]) -> str:
    """What the video will say: every scene's script in order, text variables filled in (or their defaults)."""
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in template.variables:
            return match.group(0)
        return (values.get(name) or "").strip() or default_of(template, name)
    return " ".join(PLACEHOLDER.sub(fill, s.script or "").strip() for s in template.scenes).strip()


def create_job(store: JobStore, *, account: str, template: Template, values: Mapping[str, str], title: str,
               files: Collection[str] = (), idempotency_key: str | None = None,
               batch: Mapping[str, Any] | None = None, batch_id: str | None = None,
               batch_row: int | None = None) -> Job:
    """Record a render of ``template`` (nothing is sent). Empty values keep the template's defaults; a
    variable named in ``files`` gets its file's asset when the job is sent."""
    variables = {}
    for name, variable in template.variables.items():
        raw = values.get(name) or ""
        if name in files:
            variables[name] = {"type": variable.type, "properties": {}}
        elif raw.strip():
            variables[name] = {"type": variable.type, "properties": value(variable.type, raw)}
    texts = {n: values[n].strip() for n, v in template.variables.items()
             if v.type == "text" and (values.get(n) or "").strip()}
    inputs: dict[str, Any] = {
        KIND: {"template_id": template.id, "template_name": template.name, "variables": variables,
               "files": sorted(files)},
        "spec": {"script": filled_script(template, values), "aspect_ratio": template.aspect_ratio, "title": title},
        "values": texts,
    }
    if batch is not None:
        inputs["batch"] = dict(batch)
    return store.create(account=account, kind=KIND, title=title.strip() or template.name, inputs=inputs,
                        idempotency_key=idempotency_key, batch_id=batch_id, batch_row=batch_row)


def details_of(job: Job) -> dict[str, Any]:
    """The template render stored with the job."""
    found = (job.inputs or {}).get(KIND)
    return found if isinstance(found, dict) else {}


def submit(client: Client, store: JobStore, job: Job, files: Collection[TemplateFile] = (), *,
           progress: Progress | None = None) -> Job:
    """Upload the chosen files (once), then ask HeyGen to render the template once.

    A failure that surely sent nothing marks the job "submit_failed"; a lost answer makes it "checking"
    (``heygen.studio.reconcile``). The error is raised again in both cases. A job HeyGen already has is
    returned unchanged.
    """
    if job.video_id is not None:
        return job
    reconcile.require_sendable(job)
    report = progress or (lambda _message, _fraction: None)
    details = dict(details_of(job))
    variables = {name: dict(v) for name, v in (details.get("variables") or {}).items()}
    by_name = {f.variable: f for f in files}
    try:
        for name in details.get("files") or ():
            if variables.get(name, {}).get("properties"):
                continue  # uploaded by an earlier attempt
            chosen = by_name.get(name)
            if chosen is None:
                raise errors.InvalidRequestError(f"The file for {name} has not reached HeyGen yet; choose it again.",
                                                 param=name)
            label = f"Uploading {chosen.filename}…"
            report(label, 0.0)
            asset = launch.upload_file(client, chosen.data, chosen.filename, chosen.mime_type,
                                       launch.byte_progress(report, label, chosen.filename, 0.0, 0.8))
            variables[name] = {**variables.get(name, {}), "properties": {"asset_id": asset.asset_id}}
            details["variables"] = variables
            job = store.update_inputs(job.id, **{KIND: Patch(variables=Patch(**{name: variables[name]}))})
    except errors.HeyGenError as exc:
        store.mark_submit_failed(job.id, exc.to_dict())
        raise
    report("Sending the template to HeyGen…", 0.9)
    created = reconcile.send_once(store, job, lambda: client.templates.generate(
        details.get("template_id") or "", variables, title=job.title, idempotency_key=job.idempotency_key))
    report("Sent.", 1.0)
    return store.mark_submitted(job.id, created.video_id, created.status or "pending")
