"""Direct uploads: POST /v3/assets/direct-uploads, the presigned PUT, complete, and GET /v3/assets/{id}.

The upload URL is a signed /media/uploads/{asset_id} address on the sandbox itself; like a
presigned storage URL it needs no API key (the media log records whether one was sent anyway).
The PUT must carry exactly the announced size and Content-Type. ``complete`` checks the stored
bytes against the declared type, turns the upload into an asset that is "processing" for
``asset_ready_seconds``, and answers a repeated call with the same body.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from dataclasses import dataclass, field

from . import media
from .errors import ApiError, invalid
from .state import Asset

UPLOAD_PATH = "/media/uploads/"
URL_SECONDS = 3600
READ_BLOCK = 1024 * 1024
MB = 1024 * 1024
# HeyGen's largest file per kind for a direct upload (the sandbox's own copy of the limits).
MAX_BYTES_BY_KIND = {"image": 50 * MB, "audio": 200 * MB, "video": 500 * MB, "document": 100 * MB}
# Types a direct upload takes, beyond those of POST /v3/assets.
EXTRA_TYPES = {"video/quicktime": ".mov", "audio/mp4": ".m4a"}
ISO_MEDIA = ("video/mp4", "video/quicktime", "audio/mp4")  # all start with an ftyp box
REQUEST_FIELDS = {"filename", "content_type", "size_bytes", "checksum_sha256"}
HEX64 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass
class PendingUpload:
    """An announced upload: what was promised, and the bytes once they arrived."""

    asset_id: str
    filename: str
    content_type: str
    size_bytes: int
    checksum: str | None
    created_at: float
    data: bytes | bytearray | None = field(default=None, repr=False)
    answer: dict | None = None  # the complete answer, replayed on every later call


def _kind(mime: str) -> str:
    major = mime.split("/")[0]
    return major if major in ("image", "audio", "video") else "document"


def _types() -> dict:
    return {**media.SUPPORTED_UPLOADS, **EXTRA_TYPES}


def _limit(state, mime: str) -> int:
    override = state.get_config().get("max_direct_upload_bytes")
    return int(override) if override else MAX_BYTES_BY_KIND[_kind(mime)]


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def create(state, req):
    """POST /v3/assets/direct-uploads."""
    body = req.json()
    if not isinstance(body, dict):
        raise invalid(None, "The request body must be a JSON object.")
    for key in body:
        if key not in REQUEST_FIELDS:
            raise invalid(key, f"Unexpected field '{key}'.")
    filename = body.get("filename")
    if not isinstance(filename, str) or not filename.strip():
        raise invalid("filename", "filename is required (a non-empty string).")
    declared = body.get("content_type")
    if not isinstance(declared, str) or not declared.strip():
        raise invalid("content_type", "content_type is required (a MIME type such as 'video/mp4').")
    mime = media.ALIASES.get(declared.split(";")[0].strip().lower(), declared.split(";")[0].strip().lower())
    if mime not in _types():
        supported = ", ".join(sorted(_types()))
        raise invalid("content_type", f"Unsupported content_type '{declared}'. Supported: {supported}.")
    size = body.get("size_bytes")
    if isinstance(size, bool) or not isinstance(size, int):
        raise invalid("size_bytes", "size_bytes is required (the exact size of the file, an integer).")
    if size < 1:
        raise invalid("size_bytes", "size_bytes must be at least 1.")
    limit = _limit(state, mime)
    if size > limit:
        raise ApiError(413, "payload_too_large",
                       f"The file is too large ({size} bytes): {_kind(mime)} uploads take at most {_megabytes(limit)}.")
    checksum = body.get("checksum_sha256")
    if checksum is not None and (not isinstance(checksum, str) or not HEX64.fullmatch(checksum)):
        raise invalid("checksum_sha256", "checksum_sha256 must be the file's SHA-256 as 64 hex digits, or null.")
    asset_id = uuid.uuid4().hex
    state.add_upload(PendingUpload(asset_id, filename, mime, size, checksum.lower() if checksum else None, time.time()))
    return 200, {"data": {
        "asset_id": asset_id,
        "upload_url": state.sign(f"{UPLOAD_PATH}{asset_id}", ttl=URL_SECONDS),
        "upload_headers": {"Content-Type": mime},
        "expires_in_seconds": URL_SECONDS,
        "max_bytes": size,
        "status": "pending_upload",
    }}


def receive(state, req):
    """PUT /media/uploads/{asset_id}?expires=&signature=.

    Returns (status, S3-style error code or None, message, bytes received); the body is read in
    blocks straight into one buffer of the signed size.
    """
    problem = state.check_signature(req.path, req.query)
    if problem == "expired":
        return 403, "AccessDenied", "Request has expired", 0
    if problem:
        return 403, "AccessDenied", "Query-string authentication is missing or invalid", 0
    upload = state.get_upload(req.path[len(UPLOAD_PATH):])
    if upload is None:
        return 404, "NoSuchUpload", "The specified upload does not exist.", 0
    if upload.answer is not None:
        return 403, "AccessDenied", "This upload has been completed; its URL no longer takes bytes.", 0
    if req.chunked or req.content_length is None:
        return 411, "MissingContentLength", "You must provide the Content-Length HTTP header.", 0
    if req.content_length != upload.size_bytes:
        return 403, "SignatureDoesNotMatch", (f"Content-Length {req.content_length} does not match the signed "
                                              f"size {upload.size_bytes}."), 0
    declared = (req.content_type or "").split(";")[0].strip().lower()
    if declared != upload.content_type:
        return 403, "SignatureDoesNotMatch", (f"Content-Type '{declared or 'none'}' does not match the signed "
                                              f"'{upload.content_type}'."), 0
    buffer = bytearray(upload.size_bytes)
    view = memoryview(buffer)
    got = 0
    digest = hashlib.sha256()
    rfile = req.handler.rfile
    while got < upload.size_bytes:
        n = rfile.readinto(view[got:got + READ_BLOCK])
        if not n:
            break
        digest.update(view[got:got + n])
        got += n
    req.mark_consumed()
    if got != upload.size_bytes:
        return 400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length.", got
    if upload.checksum and digest.hexdigest() != upload.checksum:
        return 400, "BadDigest", "The SHA-256 you specified did not match what was received.", got
    state.store_upload(upload.asset_id, buffer)  # kept as received, not copied
    return 200, None, "", got


def _same_family(sniffed: str | None, declared: str) -> bool:
    if sniffed is None:
        return False
    if sniffed == "video/mp4":
        return declared in ISO_MEDIA
    return sniffed == declared


def complete(state, req, asset_id):
    """POST /v3/assets/{asset_id}/complete (idempotent)."""
    body = req.json() if req.content_length else {}
    if not isinstance(body, dict):
        raise invalid(None, "The request body must be a JSON object.")
    for key in body:
        if key != "checksum_sha256":
            raise invalid(key, f"Unexpected field '{key}'.")
    checksum = body.get("checksum_sha256")
    if checksum is not None and (not isinstance(checksum, str) or not HEX64.fullmatch(checksum)):
        raise invalid("checksum_sha256", "checksum_sha256 must be the file's SHA-256 as 64 hex digits, or null.")
    with state.lock:
        upload = state.get_upload(asset_id)
        if upload is None:
            raise ApiError(404, "not_found", "Upload not found. Start it with POST /v3/assets/direct-uploads.")
        if upload.answer is not None:
            return 200, upload.answer
        data = upload.data
        if data is None:
            raise invalid("asset_id", "The file has not been uploaded yet: PUT its bytes to upload_url first.")
        if checksum and hashlib.sha256(data).hexdigest() != checksum.lower():
            raise invalid("checksum_sha256", "checksum_sha256 does not match the uploaded bytes.")
        sniffed = media.sniff_mime(data)
        if not _same_family(sniffed, upload.content_type):
            raise invalid("content_type", f"The uploaded bytes are {sniffed or 'of an unknown type'}, "
                                          f"not the declared {upload.content_type}.")
        now = time.time()
        extension = _types()[upload.content_type]
        state.add_asset(Asset(asset_id, data, upload.content_type, upload.filename, extension, now,
                              ready_at=now + float(state.get_config().get("asset_ready_seconds") or 0)))
        upload.answer = {"data": {
            "asset_id": asset_id,
            "url": f"{state.base_url}/media/assets/{asset_id}{extension}",
            "mime_type": upload.content_type,
            "size_bytes": len(data),
            "status": "processing",
        }}
        upload.data = None  # the asset holds the bytes now
        return 200, upload.answer


def get(state, req, asset_id):
    """GET /v3/assets/{asset_id}: url stays null while the asset is processing."""
    asset = state.get_asset(asset_id)
    if asset is None:
        raise ApiError(404, "not_found", "Asset not found.")
    ready = time.time() >= asset.ready_at
    return 200, {"data": {
        "id": asset.asset_id,
        "name": asset.filename,
        "type": _kind(asset.mime_type),
        "owner": state.username,
        "space_id": f"space_{state.username}",
        "uploaded_at": int(asset.created_at),
        "url": f"{state.base_url}/media/assets/{asset.asset_id}{asset.extension}" if ready else None,
        "folder_id": None,
    }}
