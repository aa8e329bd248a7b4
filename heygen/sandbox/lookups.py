"""Single catalogue items by id (a look, an avatar group, a voice) and the bulk statuses of assets."""

from __future__ import annotations

import time

from .errors import ApiError, invalid

STATUSES_MAX = 100


def get_look(state, req, look_id):
    """GET /v3/avatars/looks/{look_id}."""
    look = state.catalogue.look_by_id.get(look_id)
    if look is None:
        raise ApiError(404, "not_found", "Avatar look not found.")
    return 200, {"data": look.item(state.base_url)}


def get_group(state, req, group_id):
    """GET /v3/avatars/{group_id}."""
    group = state.catalogue.group_by_id.get(group_id)
    if group is None:
        raise ApiError(404, "not_found", "Avatar not found.")
    return 200, {"data": group.item(state.base_url)}


def get_voice(state, req, voice_id):
    """GET /v3/voices/{voice_id}: the catalogue's voices are ready-made, so they carry no clone status."""
    voice = state.catalogue.voice_by_id.get(voice_id)
    if voice is None:
        raise ApiError(404, "not_found", "Voice not found.")
    item = voice.item(state.base_url)
    return 200, {"data": {
        "voice_id": item["voice_id"], "name": item["name"], "language": item["language"],
        "gender": item["gender"], "preview_audio_url": item["preview_audio_url"],
        "support_pause": item["support_pause"], "support_interactive_avatar": False,
        "status": None, "failure_message": None, "created_at": None,
    }}


def id_list(query: dict, name: str) -> list:
    """The distinct, non-empty ids of a comma-separated query parameter, in order."""
    ids = []
    for raw in query.get(name) or []:
        for part in raw.split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    return ids


def _asset_status(state, asset_id: str) -> str:
    asset = state.get_asset(asset_id)
    if asset is not None:
        return "completed" if time.time() >= asset.ready_at else "processing"
    return "queued" if state.get_upload(asset_id) is not None else "not_found"


def asset_statuses(state, req):
    """GET /v3/assets/statuses: an upload not yet completed is queued (the sandbox makes no asset batches)."""
    asset_ids = id_list(req.query, "asset_ids")
    batch_ids = id_list(req.query, "batch_ids")
    if not asset_ids and not batch_ids:
        raise invalid("asset_ids", "Give asset_ids (comma-separated asset ids) or batch_ids.")
    if len(asset_ids) + len(batch_ids) > STATUSES_MAX:
        raise invalid("asset_ids", f"Give at most {STATUSES_MAX} ids in all.")
    entries = [{"video_id": asset_id, "status": _asset_status(state, asset_id)} for asset_id in asset_ids]
    return 200, {"data": entries, "has_more": False, "next_token": None}
