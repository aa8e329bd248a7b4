"""Templates made in HeyGen's editor: listed, described (their variables and scenes) and rendered with
values for their variables. A render is an ordinary video, watched at ``/v3/videos``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import errors
from ._model import from_api
from .videos import VideoCreated, new_idempotency_key

if TYPE_CHECKING:
    from .client import Client

TEMPLATES_PAGE_MAX = 100
VARIABLE_TYPES = ("text", "image", "video", "audio", "character", "voice")
MEDIA_TYPES = ("image", "video", "audio")


@dataclass
class TemplateSummary:
    """A template as the list gives it."""

    id: str = ""
    name: str = ""
    aspect_ratio: str | None = None
    thumbnail_url: str | None = None
    created_at: int | None = None
    updated_at: int | None = None


@dataclass
class SceneVariable:
    name: str = ""
    variable_type: str = ""


@dataclass
class TemplateScene:
    """One scene: its script with ``{{placeholders}}`` and the variables it uses."""

    scene_id: str = ""
    script: str | None = None
    variables: list[SceneVariable] = field(default_factory=list)


@dataclass
class TemplateVariable:
    """One variable and its current default, in the shape the generate request takes."""

    name: str = ""
    type: str = ""
    properties: dict[str, Any] = field(default_factory=dict)

    def to_body(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "properties": dict(self.properties)}


@dataclass
class Template(TemplateSummary):
    """A template with its variables (by name, in the template's order) and scenes."""

    variables: dict[str, Any] = field(default_factory=dict)
    scenes: list[TemplateScene] = field(default_factory=list)
    scene_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.variables = {name: value if isinstance(value, TemplateVariable) else
                          from_api(TemplateVariable, {"name": name, **(value if isinstance(value, dict) else {})})
                          for name, value in (self.variables or {}).items()}


def value(kind: str, raw: str) -> dict[str, Any]:
    """The ``properties`` of a variable of ``kind`` from one plain value: a text's words, a file's link (or an
    uploaded asset's id when ``raw`` is no link), a character's look id or a voice's id."""
    raw = raw.strip() if kind != "text" else raw
    if kind == "text":
        return {"content": raw}
    if kind in MEDIA_TYPES:
        return {"url": raw} if raw.lower().startswith(("http://", "https://")) else {"asset_id": raw}
    if kind == "character":
        return {"character_id": raw, "type": "avatar"}
    if kind == "voice":
        return {"voice_id": raw}
    raise ValueError(f"unknown variable type {kind!r}")


class Templates:
    """``client.templates``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, *, limit: int | None = None) -> list[TemplateSummary]:
        """The account's API-ready templates (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/templates", {}, page_size=TEMPLATES_PAGE_MAX, limit=limit,
                                      operation="GET /v3/templates")
        return [from_api(TemplateSummary, item) for item in items]

    def get(self, template_id: str) -> Template:
        """One template's variables (with their defaults) and scenes."""
        body = self._client.request("GET", f"/v3/templates/{_path_id(template_id)}",
                                    operation="GET /v3/templates/{template_id}")
        return from_api(Template, body.get("data"))

    def generate(self, template_id: str, variables: dict[str, TemplateVariable | dict[str, Any]], *,
                 title: str | None = None, scene_ids: list[str] | None = None,
                 idempotency_key: str | None = None) -> VideoCreated:
        """Render the template once with these variable values; the answer's video is watched like any
        other. A failure that may have reached HeyGen (``errors.unclear``) is for the caller to reconcile."""
        body: dict[str, Any] = {"variables": {name: v.to_body() if isinstance(v, TemplateVariable) else dict(v)
                                              for name, v in variables.items()}}
        if title:
            body["title"] = title
        if scene_ids:
            body["scene_ids"] = list(scene_ids)
        answer = self._client.request(
            "POST", f"/v3/templates/{_path_id(template_id)}", json=body,
            headers={"Idempotency-Key": idempotency_key or new_idempotency_key()},
            retry="unsent", operation="POST /v3/templates/{template_id}",
        )
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        created = VideoCreated(video_id=data.get("id") or data.get("video_id") or "",
                               status=data.get("status") or "pending")
        if not isinstance(created.video_id, str) or not created.video_id:
            raise errors.UnexpectedResponseError("HeyGen accepted the template render but did not return its "
                                                 "video id.", operation="POST /v3/templates/{template_id}")
        return created


def _path_id(template_id: str) -> str:
    if not template_id or not str(template_id).strip():
        raise errors.InvalidRequestError("No template id was given.", param="template_id")
    return quote(str(template_id).strip(), safe="")
