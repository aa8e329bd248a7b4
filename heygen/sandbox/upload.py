"""POST /v3/assets body handling: multipart parsing and the file part's checks."""

from __future__ import annotations

import email.policy
from email.parser import BytesParser

from .errors import invalid
from .media import SUPPORTED_UPLOADS, mime_from_name, normalise_mime, sniff_mime

WRONG_FORMAT = (
    "POST /v3/assets expects multipart/form-data with one part named 'file' "
    "(with a filename and Content-Type){got}. Send the file as a multipart upload, "
    "not as JSON or raw bytes."
)


def parse_multipart(content_type: str, body: bytes) -> list:
    """The parts of a multipart/form-data body as (name, filename, content_type, bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return []
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        declared = part.get("Content-Type")
        data = part.get_payload(decode=True) or b""
        parts.append((name, filename, declared.split(";")[0].strip() if declared else None, data))
    return parts


def file_part(content_type: str | None, body: bytes) -> tuple:
    """The single 'file' part of an upload as (filename, mime_type, bytes), or a 400 error."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        got = f" (got Content-Type {kind})" if kind else " (got no Content-Type)"
        raise invalid("file", WRONG_FORMAT.format(got=got))
    if "boundary=" not in (content_type or ""):
        raise invalid("file", WRONG_FORMAT.format(got=" (the multipart boundary is missing)"))
    try:
        parts = parse_multipart(content_type, body)
    except Exception:  # any parser failure is the caller's malformed body
        parts = []
    files = [p for p in parts if p[0] == "file"]
    if not files:
        names = ", ".join(repr(p[0]) for p in parts if p[0]) or "none"
        raise invalid("file", f"The multipart body has no part named 'file' (parts: {names}).")
    if len(files) > 1:
        raise invalid("file", "Send exactly one part named 'file'; upload several files one by one.")
    _, filename, declared, data = files[0]
    if not filename:
        raise invalid("file", "The 'file' part needs a filename (Content-Disposition filename=...).")
    if not data:
        raise invalid("file", "The uploaded file is empty.")
    mime = sniff_mime(data) or normalise_mime(declared) or mime_from_name(filename, data)
    if mime is None:
        supported = ", ".join(sorted(ext.lstrip(".") for ext in SUPPORTED_UPLOADS.values()))
        raise invalid("file", f"Unsupported file type ({declared or 'unknown'}). Supported: {supported}.")
    return filename, mime, data
