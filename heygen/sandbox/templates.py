"""HeyGen templates in the sandbox: a few fixed templates whose variables cover every type July names
(text, image, video, audio, character, voice), listed (``GET /v3/templates``), described
(``GET /v3/templates/{id}``: variables with their defaults, scenes) and rendered
(``POST /v3/templates/{id}``), each render a sandbox video like any other: it is watched at
``GET /v3/videos/{id}`` and ``/v3/videos/statuses``, and says its scenes' scripts with the text
variables filled in.

A variable's value, in the detail's defaults and in the generate request alike, is
``{"name": ..., "type": ..., "properties": {...}}``: text ``{content}``; image, video and audio
``{url}`` or ``{asset_id}`` (plus optional ``fit``, ``play_style``, ``volume``); character
``{character_id, type: avatar | talking_photo}``; voice ``{voice_id}`` (plus optional ``locale``).
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass

from . import media, validate
from .errors import ApiError, invalid

VARIABLE_TYPES = ("text", "image", "video", "audio", "character", "voice")
TEXT_MAX = 1000  # characters one text variable may hold
PAGE_DEFAULT, PAGE_MAX = 10, 100
MEDIA_KINDS = {"image": ("image/",), "video": ("video/",), "audio": ("audio/",)}
MEDIA_OPTIONS = {"image": {"fit"}, "video": {"fit", "play_style", "volume"}, "audio": {"volume"}}
CHARACTER_TYPES = ("avatar", "talking_photo")
GENERATE_FIELDS = {"variables", "scene_ids", "title", "caption", "dimension", "callback_id", "callback_url",
                   "brand_voice_id", "enable_sharing", "folder_id", "fps", "include_gif",
                   "keep_text_vertically_centered", "reorder_music", "subtitles"}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
CREATED_AT = 1_751_328_000  # 2025-07-01, when the fixed templates were "made"


@dataclass(frozen=True)
class Scene:
    scene_id: str
    script: str
    variables: tuple[str, ...]  # names of the template's variables this scene uses


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    aspect_ratio: str
    variables: dict  # name -> variable type
    scenes: tuple[Scene, ...]
    defaults: dict  # name -> properties ({} or a text's empty content: the value must be given)


def _templates(catalogue) -> tuple[Template, ...]:
    """The fixed templates; characters and voices default to the catalogue's first public look."""
    look = next((x for x in catalogue.looks if x.ownership == "public" and x.ready), catalogue.looks[0])
    voice = look.default_voice_id
    welcome = Template(
        "tpl_customer_welcome", "Customer welcome", "16:9",
        {"first_name": "text", "company": "text", "presenter": "character", "narrator": "voice", "logo": "image"},
        (Scene("scene_hello", "Hello {{first_name}}, welcome to {{company}}.",
               ("first_name", "company", "presenter", "narrator", "logo")),
         Scene("scene_next", "Your account is ready, and we are glad you are here.", ("presenter", "narrator"))),
        {"first_name": {"content": ""}, "company": {"content": "Northwind"},
         "presenter": {"character_id": look.id, "type": "avatar"}, "narrator": {"voice_id": voice},
         "logo": {"url": "https://example.com/logo.png", "fit": "contain"}},
    )
    launch = Template(
        "tpl_product_launch", "Product launch", "9:16",
        {"product": "text", "headline": "text", "presenter": "character", "narrator": "voice", "demo": "video",
         "music": "audio", "backdrop": "image"},
        (Scene("scene_intro", "Meet {{product}}. {{headline}}", ("product", "headline", "presenter", "narrator",
                                                                  "backdrop")),
         Scene("scene_demo", "Here is {{product}} at work.", ("product", "demo", "music")),
         Scene("scene_close", "Try {{product}} today.", ("product", "presenter", "narrator"))),
        {"product": {"content": ""}, "headline": {"content": "Built for busy teams."},
         "presenter": {"character_id": look.id, "type": "avatar"}, "narrator": {"voice_id": voice},
         "demo": {"url": "https://example.com/demo.mp4", "play_style": "fit_to_scene", "fit": "cover"},
         "music": {"url": "https://example.com/music.mp3", "volume": 0.4},
         "backdrop": {"url": "https://example.com/backdrop.jpg", "fit": "cover"}},
    )
    reminder = Template(
        "tpl_event_reminder", "Event reminder", "1:1",
        {"attendee": "text", "event": "text", "date": "text"},
        (Scene("scene_reminder", "Hi {{attendee}}, see you at {{event}} on {{date}}.",
               ("attendee", "event", "date")),),
        {"attendee": {"content": ""}, "event": {"content": ""}, "date": {"content": ""}},
    )
    return welcome, launch, reminder


def _find(state, template_id: str) -> Template:
    for template in _templates(state.catalogue):
        if template.id == template_id:
            return template
    raise ApiError(404, "not_found", "Template not found.")


def _value(template: Template, name: str) -> dict:
    return {"name": name, "type": template.variables[name], "properties": dict(template.defaults[name])}


def summary(template: Template) -> dict:
    """A template as the list shows it."""
    return {"id": template.id, "name": template.name, "aspect_ratio": template.aspect_ratio,
            "thumbnail_url": None, "created_at": CREATED_AT, "updated_at": CREATED_AT}


def detail(template: Template) -> dict:
    """A template with its variables (current defaults, in the generate request's shape) and scenes."""
    return {
        **summary(template),
        "variables": {name: _value(template, name) for name in template.variables},
        "scenes": [{"scene_id": s.scene_id, "script": s.script,
                    "variables": [{"name": n, "variable_type": template.variables[n]} for n in s.variables]}
                   for s in template.scenes],
        "scene_ids": [s.scene_id for s in template.scenes],
    }


def _read_offset(query: dict) -> int:
    token = validate.query_value(query, "token")
    if not token:
        return 0
    try:
        kind, position = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split(":")
        offset = int(position)
    except (ValueError, UnicodeDecodeError):
        kind, offset = "", -1
    if kind != "templates" or offset < 0:
        raise invalid("token", "token is not a valid pagination token for this list; "
                               "pass the next_token of the previous page unchanged.")
    return offset


def list_templates(state, req):
    """GET /v3/templates."""
    limit = validate.query_limit(req.query, PAGE_DEFAULT, PAGE_MAX)
    offset = _read_offset(req.query)
    items = _templates(state.catalogue)
    has_more = offset + limit < len(items)
    token = base64.urlsafe_b64encode(f"templates:{offset + limit}".encode()).decode().rstrip("=")
    return 200, {"data": [summary(t) for t in items[offset:offset + limit]], "has_more": has_more,
                 "next_token": token if has_more else None}


def get_template(state, req, template_id):
    """GET /v3/templates/{template_id}."""
    return 200, {"data": detail(_find(state, template_id))}


# ---------------------------------------------------------------- generate


def _media_value(state, kind: str, props: dict, param: str) -> None:
    allowed = {"url", "asset_id"} | MEDIA_OPTIONS[kind]
    for key in props:
        if key not in allowed:
            raise invalid(f"{param}.{key}", f"Unexpected field '{key}' in a {kind} variable's properties.")
    url, asset_id = props.get("url"), props.get("asset_id")
    if not url and not asset_id:
        raise invalid(param, f"A {kind} variable needs properties.url or properties.asset_id.")
    if url and asset_id:
        raise invalid(param, f"Give a {kind} variable properties.url or properties.asset_id, not both.")
    if url:
        if not isinstance(url, str) or not re.match(r"https?://[^\s/]+", url):
            raise invalid(f"{param}.url", f"{param}.url must be an http(s) URL.")
        return
    asset = state.get_asset(asset_id) if isinstance(asset_id, str) else None
    if asset is None:
        raise invalid(f"{param}.asset_id", f"Asset '{asset_id}' not found. Upload it with POST /v3/assets first.")
    if not asset.mime_type.startswith(MEDIA_KINDS[kind]):
        raise invalid(f"{param}.asset_id", f"Asset '{asset_id}' is {asset.mime_type}, expected {kind}.")


def _check_value(state, template: Template, name: str, value) -> dict:
    """The properties of one given variable, checked against its type (400 naming the variable)."""
    param = f"variables.{name}"
    if name not in template.variables:
        known = ", ".join(template.variables)
        raise invalid(param, f"Unknown variable '{name}': template {template.id} has {known}.")
    kind = template.variables[name]
    if not isinstance(value, dict) or not isinstance(value.get("properties"), dict):
        raise invalid(param, f"{param} must be an object with name, type and properties.")
    if value.get("type") not in (None, kind):
        raise invalid(f"{param}.type", f"Variable '{name}' is of type {kind}, not {value.get('type')!r}.")
    if value.get("name") not in (None, name):
        raise invalid(f"{param}.name", f"{param}.name must be '{name}' (got {value.get('name')!r}).")
    props = value["properties"]
    prop = f"{param}.properties"
    if kind == "text":
        content = props.get("content")
        if not isinstance(content, str):
            raise invalid(f"{prop}.content", f"Variable '{name}' is text: properties.content must be a string.")
        if len(content) > TEXT_MAX:
            raise invalid(f"{prop}.content", f"Variable '{name}' is {len(content)} characters; at most {TEXT_MAX}.")
    elif kind in MEDIA_KINDS:
        _media_value(state, kind, props, prop)
    elif kind == "character":
        if props.get("type", "avatar") not in CHARACTER_TYPES:
            raise invalid(f"{prop}.type", f"properties.type must be one of: {', '.join(CHARACTER_TYPES)}.")
        if state.catalogue.look_by_id.get(props.get("character_id")) is None:
            raise invalid(f"{prop}.character_id", f"Avatar look '{props.get('character_id')}' not found.")
    elif kind == "voice":
        if state.catalogue.voice_by_id.get(props.get("voice_id")) is None:
            raise invalid(f"{prop}.voice_id", f"Voice '{props.get('voice_id')}' not found.")
    return dict(props)


def _filled_in(template: Template, given: dict) -> dict:
    """Every variable's properties: the given ones over the defaults; 400 for one still without a value."""
    values = {}
    for name in template.variables:
        props = given.get(name, template.defaults[name])
        if template.variables[name] == "text" and not str(props.get("content", "")).strip():
            raise invalid(f"variables.{name}", f"Variable '{name}' has no default: give it a value.")
        values[name] = props
    return values


def _scenes(template: Template, scene_ids) -> list[Scene]:
    by_id = {s.scene_id: s for s in template.scenes}
    if scene_ids is None:
        return list(template.scenes)
    if not isinstance(scene_ids, list) or not scene_ids:
        raise invalid("scene_ids", "scene_ids must be a non-empty list of the template's scene ids.")
    for scene_id in scene_ids:
        if scene_id not in by_id:
            raise invalid("scene_ids", f"Unknown scene id '{scene_id}': template {template.id} has "
                                       f"{', '.join(by_id)}.")
    return [by_id[s] for s in scene_ids]


def script_of(scenes: list[Scene], values: dict) -> str:
    """What the video says: its scenes' scripts in order, text variables filled in."""
    def fill(match):
        props = values.get(match.group(1)) or {}
        return str(props.get("content", match.group(0)))
    return " ".join(PLACEHOLDER.sub(fill, s.script).strip() for s in scenes).strip()


def _dimension(template: Template, dimension) -> None:
    if dimension is None:
        return
    if not isinstance(dimension, dict) or not all(isinstance(dimension.get(k), int) and not isinstance(
            dimension.get(k), bool) and 128 <= dimension[k] <= 4096 and dimension[k] % 2 == 0
            for k in ("width", "height")):
        raise invalid("dimension", "dimension needs width and height: even numbers from 128 to 4096.")
    w, h = (int(x) for x in template.aspect_ratio.split(":"))
    if dimension["width"] * h != dimension["height"] * w:
        raise invalid("dimension", f"dimension must match the template's aspect ratio {template.aspect_ratio}.")


def generate(state, req, template_id):
    """POST /v3/templates/{template_id}: a sandbox video of the filled-in template (once per Idempotency-Key)."""
    template = _find(state, template_id)
    key = req.header("Idempotency-Key")
    with state.idempotency_slot(f"templates:{template_id}", key) as stored:
        if stored is not None:
            return stored["status"], stored["body"], {"Idempotent-Replayed": "true"}
        status, body = _generate(state, template, req.json())
        state.remember(f"templates:{template_id}", key, status, body)
        return status, body


def _generate(state, template: Template, body) -> tuple[int, dict]:
    body = validate.require_object(body)
    for key in body:
        if key not in GENERATE_FIELDS:
            raise invalid(key, f"Unexpected field '{key}'.")
    given = body.get("variables")
    if not isinstance(given, dict):
        raise invalid("variables", "variables is required: an object keyed by the template's variable names.")
    checked = {name: _check_value(state, template, name, value) for name, value in given.items()}
    values = _filled_in(template, checked)
    scenes = _scenes(template, body.get("scene_ids"))
    _dimension(template, body.get("dimension"))
    title = body.get("title")
    if title is not None and not isinstance(title, str):
        raise invalid("title", "title must be a string.")
    script = script_of(scenes, values)
    character = next((values[n] for n in template.variables if template.variables[n] == "character"), None)
    video = state.add_video(
        id="v_" + uuid.uuid4().hex[:24], title=title or template.name, aspect_ratio=template.aspect_ratio,
        script=script, duration=media.script_duration(script),
        look_id=character.get("character_id") if character else None,
        image_key=None if character else f"template:{template.id}",
        captions="burned" if body.get("caption") is True else None,
    )
    first = "waiting" if state.get_config()["waiting_phase"] else "pending"
    return 200, {"data": {
        "id": video.id, "title": video.title, "status": first, "created_at": int(video.created_at),
        "completed_at": None, "duration": None, "video_url": None, "thumbnail_url": None, "gif_url": None,
        "captioned_video_url": None, "subtitle_url": None, "folder_id": None, "output_language": None,
        "failure_code": None, "failure_message": None, "video_page_url": f"{state.base_url}/videos/{video.id}",
    }}


ROUTES = (
    ("/v3/templates", {"GET": list_templates}),
    ("/v3/templates/([^/]+)", {"GET": get_template, "POST": generate}),
)
