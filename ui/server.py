"""The studio's web server around Streamlit: who may come in, the kept videos streamed from disk, and the
process's start and stop.

- ``Gate`` (ASGI middleware, for every HTTP request and WebSocket): answers only to the allowed host
  names (DNS rebinding), turns the owner address (``/?owner=SECRET``) and an invite link
  (``/?invite=TOKEN``) into an HttpOnly, SameSite=Strict cookie and drops the secret from the address
  bar, gives each browser an opaque visitor cookie, adds headers that forbid framing, and writes the
  studio's styles (``ui.styles``) into the head of each page.
- ``/kept/{job_id}/{kind}``: a kept video, thumbnail or subtitles, with HTTP ranges, for the owner
  or a team member, or for a review link that includes that video; anything else gets 403.
  ``/kept/{job_id}/session/{video}/{kind}``: the same for another video of a chat job (a revision).
- ``/hooks/heygen`` (POST): HeyGen's webhook deliveries, open to anyone but acted on only when signed with the
  endpoint's secret (see ``heygen_hook``).
- ``lifespan``: opens the store and starts the worker before any page runs, prints the owner
  address, and stops everything when the server stops.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import time
import webbrowser
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from streamlit import config
from streamlit.proto.BackMsg_pb2 import BackMsg
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from heygen.studio import access, agent_chat, archive, reviews
from heygen.studio import webhooks as hooks

from . import process, styles

log = logging.getLogger("heygen.studio")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

KEPT_PREFIX = "/kept"
REVIEW_PARAM = "review"
GRANT_PARAM = "grant"
GRANT_SECONDS = 12 * 3600
KINDS = {archive.VIDEO, archive.THUMBNAIL, archive.SUBTITLES}
COOKIE_DAYS = 30
STYLES = styles.PAGE.encode()
SECURITY_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _host_name(host: str) -> str:
    """The host name of a Host header, without its port ("[::1]:8501" -> "::1")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def cookies_of(headers: dict[str, str]) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header counts as no cookie
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _cookie(name: str, value: str, *, secure: bool, max_age: int = COOKIE_DAYS * 86400,
            same_site: str = "Strict") -> bytes:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", f"SameSite={same_site}"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


class Gate:
    """ASGI middleware that decides, before Streamlit sees a request, what it may reach (see the module)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if _host_name(headers.get("host", "")) not in process.allowed_hosts():
            log.warning("Refused a request for the host %r (not one of the studio's addresses)",
                        headers.get("host", "")[:100])
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await PlainTextResponse("This address is not one of this studio's.", status_code=403)(
                    scope, receive, send)
            return
        if scope["type"] == "websocket":
            owner = is_owner(cookies_of(headers))
            await self.app(scope, receive if owner else _without_clear_cache(receive), send)
            return
        secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto", "").lower() == "https"
        params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        names = {name for name, _ in params}
        if access.OWNER_PARAM in names or access.INVITE_PARAM in names:
            await self._sign_in(scope, receive, send, params, secure)
            return
        extra = []
        page = not scope.get("path", "/").startswith(("/static/", "/_stcore/", KEPT_PREFIX + "/", hooks.PATH))
        if page and access.VISITOR_COOKIE not in cookies_of(headers):
            extra.append((b"set-cookie", _cookie(access.VISITOR_COOKIE, secrets.token_urlsafe(18), secure=secure,
                                                 max_age=365 * 86400, same_site="Lax")))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS, *extra]
            await send(message)

        if page and scope.get("method") == "GET":
            # A page is asked for uncompressed (it is small), so that the styles can be written into it.
            plain = [(name, value) for name, value in scope.get("headers", []) if name.lower() != b"accept-encoding"]
            await self.app({**scope, "headers": plain}, receive, _with_styles(with_headers))
            return
        await self.app(scope, receive, with_headers)

    async def _sign_in(self, scope: Scope, receive: Receive, send: Send, params: list[tuple[str, str]],
                       secure: bool) -> None:
        """Answer the owner address or an invite link: a cookie when it is right, and the same address
        without the secret either way."""
        given = dict(params)
        set_cookies = []
        if access.OWNER_PARAM in given:
            if access.is_owner_secret(given[access.OWNER_PARAM], process.owner_secret()):
                set_cookies.append(_cookie(access.OWNER_COOKIE, access.owner_cookie(process.owner_secret()),
                                           secure=secure))
            else:
                log.warning("Someone opened the owner address with a wrong secret")
        if access.INVITE_PARAM in given:
            token = given[access.INVITE_PARAM]
            member = await asyncio.to_thread(process.members().by_token, token)
            if member is not None:
                set_cookies.append(_cookie(access.MEMBER_COOKIE, token, secure=secure))
            else:
                log.warning("Someone opened an invite link that is not valid (revoked or never made)")
        kept = [(name, value) for name, value in params if name not in (access.OWNER_PARAM, access.INVITE_PARAM)]
        if access.INVITE_PARAM in given and not set_cookies:
            kept.append(("signin", "invalid"))
        location = (scope.get("root_path", "") + scope.get("path", "/")) or "/"
        if kept:
            location += "?" + urlencode(kept)
        response = Response(status_code=303, headers={"location": location, "cache-control": "no-store"})
        for value in set_cookies:
            response.raw_headers.append((b"set-cookie", value))
        response.raw_headers.extend(SECURITY_HEADERS)
        await response(scope, receive, send)


def _with_styles(send: Send) -> Send:
    """``send`` for a page request: the studio's styles (``ui.styles``) are written into the head of an HTML
    page, so they apply from the first paint; any other answer passes unchanged."""
    start: Message | None = None
    body = bytearray()

    async def send_styled(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            headers = {name.lower(): value for name, value in message.get("headers", [])}
            if (message.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html")
                    and b"content-encoding" not in headers):
                start = message  # held until the whole page has come
                return
        elif message["type"] == "http.response.body" and start is not None:
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            page = bytes(body).replace(b"</head>", STYLES + b"</head>", 1)
            # The page differs from Streamlit's file: its validators would let a browser keep an old copy.
            headers = [(name, value) for name, value in start.get("headers", [])
                       if name.lower() not in (b"content-length", b"etag", b"last-modified", b"accept-ranges")]
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})
            return
        await send(message)

    return send_styled


def _without_clear_cache(receive: Receive) -> Receive:
    """``receive`` for a browser that is not the owner's: its requests to clear Streamlit's caches are dropped."""

    async def filtered() -> Message:
        while True:
            message = await receive()
            data = message.get("bytes") if message["type"] == "websocket.receive" else None
            if data and _is_clear_cache(data):
                log.warning("Ignored a request to clear the studio's caches from a browser that is not the owner's")
                continue
            return message

    return filtered


def _is_clear_cache(data: bytes) -> bool:
    msg = BackMsg()
    try:
        msg.ParseFromString(data)
    except Exception:  # not a message Streamlit would act on either
        return False
    return msg.WhichOneof("type") == "clear_cache"


def is_owner(cookies: dict[str, str]) -> bool:
    """Whether these cookies are the owner's (never on a server that only serves review rooms)."""
    return not process.settings().review_only and access.is_owner_cookie(cookies.get(access.OWNER_COOKIE),
                                                                           process.owner_secret())


def role_for(cookies: dict[str, str]) -> tuple[str, str | None]:
    """("owner", None), ("member", name) or ("visitor", None) for a browser's cookies (no network address used)."""
    if process.settings().review_only:
        return "visitor", None
    if is_owner(cookies):
        return "owner", None
    member = process.members().by_token(cookies.get(access.MEMBER_COOKIE))
    if member is not None:
        return "member", member.name
    return "visitor", None


def may_see(job_id: str, cookies: dict[str, str], review_token: str | None) -> bool:
    """Whether a browser with these cookies (and this review link) may fetch the kept files of ``job_id``."""
    role, _ = role_for(cookies)
    if role in ("owner", "member"):
        return True
    if not review_token:
        return False
    review = reviews.ReviewStore(process.job_store().db).by_token(review_token)
    if review is None or not review.is_open() or not review.has(job_id):
        return False
    job = process.job_store().get(job_id)
    return job is not None and job.account == review.account


async def kept_file(request: Request) -> Response:
    """A kept file of a job, streamed from disk with ranges, to those allowed to see it."""
    job_id, kind = request.path_params["job_id"], request.path_params["kind"]
    video = request.path_params.get("video")  # another video of a chat job
    if kind not in KINDS:
        return PlainTextResponse("Not found.", status_code=404)
    granted = access.grant_allows(request.query_params.get(GRANT_PARAM), process.owner_secret(),
                                  job_id if video is None else f"{job_id}/session/{video}", kind)
    allowed = granted or await asyncio.to_thread(may_see, job_id, cookies_of(_headers(request.scope)),
                                                 request.query_params.get(REVIEW_PARAM))
    if not allowed:
        return PlainTextResponse("This file is not part of what you may see.", status_code=403)
    try:
        root = archive.default_media_root()
        look = (lambda: archive.local_files(job_id, root)) if video is None else (
            lambda: agent_chat.session_files(job_id, video, root))
        path = (await asyncio.to_thread(look)).get(kind)
    except (OSError, ValueError):
        path = None
    if path is None:
        return PlainTextResponse("This file is not kept on this computer.", status_code=404)
    return FileResponse(path, headers={"cache-control": "private, max-age=300"})


def kept_url(base: str, job_id: str, kind: str, review_token: str | None = None, *, grant: bool = False,
             video: str | None = None) -> str:
    """The address of a kept file on this server (``base`` is the page's origin): with a review link's token,
    or with a grant for this file alone (for a page that has already decided its viewer may see it), or
    bare (the owner's and members' cookies open it)."""
    target = job_id if video is None else f"{job_id}/session/{video}"  # ``video``: a chat job's other video
    url = f"{base.rstrip('/')}{KEPT_PREFIX}/{target}/{kind}"
    if review_token:
        return f"{url}?{urlencode({REVIEW_PARAM: review_token})}"
    if grant:
        expires = int(time.time()) + GRANT_SECONDS
        return f"{url}?{urlencode({GRANT_PARAM: access.file_grant(process.owner_secret(), target, kind, expires)})}"
    return url


# What a webhook delivery gets back: HeyGen retries a delivery that is not answered 2xx.
HOOK_ANSWERS = {
    hooks.RECORDED: (200, "Recorded."),
    hooks.IGNORED: (200, "Nothing to do for this event."),
    hooks.DUPLICATE: (200, "This event was already received; nothing was done again."),
    hooks.STALE: (409, "This event is too old to be accepted by delivery (a replay?)."),
    hooks.BAD_SIGNATURE: (401, "The signature does not match this endpoint's secret."),
    hooks.MALFORMED: (400, "This is not a webhook event."),
    hooks.UNAVAILABLE: (503, "HeyGen could not be asked about this render just now; deliver it again later."),
}


async def heygen_hook(request: Request) -> Response:
    """A webhook delivery from HeyGen: verified by its signature (not by cookies), then acted on."""
    found = process.webhooks()
    if found is None:
        return JSONResponse({"error": "This studio does not receive webhooks."}, status_code=404)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > hooks.MAX_BODY_BYTES):
        return JSONResponse({"error": "The body is too large for a webhook event."}, status_code=413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > hooks.MAX_BODY_BYTES:
            return JSONResponse({"error": "The body is too large for a webhook event."}, status_code=413)
    result = await asyncio.to_thread(found.receive, body, request.headers.get(hooks.SIGNATURE_HEADER))
    if result.outcome == hooks.BAD_SIGNATURE:
        log.warning("Refused a webhook delivery whose signature does not match")
    status, message = HOOK_ANSWERS.get(result.outcome, (500, "The event could not be handled."))
    return JSONResponse({"outcome": result.outcome, "message": message}, status_code=status)


routes = [Route(KEPT_PREFIX + "/{job_id}/{kind}", kept_file, methods=["GET", "HEAD"]),
          Route(KEPT_PREFIX + "/{job_id}/session/{video}/{kind}", kept_file, methods=["GET", "HEAD"]),
          Route(hooks.PATH, heygen_hook, methods=["POST"])]


def _announce() -> None:
    """Print the owner address on a line of its own (and open it on a desktop when asked to)."""
    settings = process.settings()
    if settings.review_only:
        print("This studio only serves review rooms (HEYGEN_STUDIO_REVIEW_ONLY).", flush=True)
        return
    port = config.get_option("server.port")
    address = config.get_option("server.address") or "localhost"
    if address in ("0.0.0.0", "::", ""):
        address = "localhost"
    base = settings.public_url or f"http://{'[' + address + ']' if ':' in address else address}:{port}"
    owner = access.owner_address(base, process.owner_secret())
    print(f"\nOwner address: {owner}\n", file=sys.stdout, flush=True)
    if settings.open_browser and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform == "darwin"):
        webbrowser.open(owner)


@asynccontextmanager
async def lifespan(_app):
    """Start the studio's process-wide objects before any page runs, and stop them at the end."""
    process.configure_logging()
    await asyncio.to_thread(process.start)
    process.mark_served()
    _announce()
    try:
        yield None
    finally:
        await asyncio.to_thread(process.stop)
