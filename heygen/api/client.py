"""The HeyGen v3 client: one object per API key, one HTTP session, typed resources hanging off it."""

from __future__ import annotations

import email.utils
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from . import errors
from .agents import VideoAgents
from .assets import Assets
from .avatars import Avatars
from .lipsyncs import Lipsyncs
from .brand_kits import BrandKits
from .templates import Templates
from .translations import BrandGlossaries, Translations
from .users import Users
from .videos import Videos
from .voices import Voices
from .webhooks import Webhooks

log = logging.getLogger("heygen")

DEFAULT_BASE_URL = "https://api.heygen.com"
DEFAULT_TIMEOUT = (5.0, 30.0)  # seconds: connect, read
RETRY_STATUSES = frozenset({429, 502, 503, 504})
UNSENT = "unsent"  # retry mode for creates: only when the request surely never reached the server
MAX_MEDIA_HOPS = 5
_REDACTED = "[redacted]"


class Client:
    """Talks to HeyGen (or any HeyGen-compatible server at ``base_url``) with one API key.

    Resources: ``users``, ``avatars``, ``voices``, ``assets``, ``videos``, ``video_agents``, ``lipsyncs``.
    Reads (GET, DELETE) are retried a few times on 429/502/503/504 and connection errors, honouring
    ``Retry-After`` within a capped total wait. Creates are retried only when they surely never
    reached the server (see ``request``): a lost answer is for the caller to reconcile. Every request
    has a timeout. The key is sent only to ``base_url``, never along a redirect and never with a
    media link, and never appears in a ``repr``, a log line, an exception or a URL.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        max_retry_wait: float = 20.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise errors.AuthenticationError("No HeyGen API key was given.")
        self._api_key = api_key.strip()
        self.base_url = _normalise_base_url(base_url or DEFAULT_BASE_URL)
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._session = session or requests.Session()
        self._sleep = sleep
        self.users = Users(self)
        self.avatars = Avatars(self)
        self.voices = Voices(self)
        self.assets = Assets(self)
        self.videos = Videos(self)
        self.video_agents = VideoAgents(self)
        self.lipsyncs = Lipsyncs(self)
        self.templates = Templates(self)
        self.brand_kits = BrandKits(self)
        self.translations = Translations(self)
        self.brand_glossaries = BrandGlossaries(self)
        self.webhooks = Webhooks(self)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs: Any) -> Client:
        """A client configured from ``HEYGEN_API_KEY`` and ``HEYGEN_API_BASE_URL``."""
        env = os.environ if environ is None else environ
        return cls(env.get("HEYGEN_API_KEY", ""), env.get("HEYGEN_API_BASE_URL") or None, **kwargs)

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, api_key={_REDACTED!r})"

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        retry: bool | str | None = None,
        timeout: tuple[float, float] | None = None,
        operation: str | None = None,
    ) -> dict[str, Any]:
        """Send one API call and return its decoded JSON object, or raise a ``HeyGenError``.

        ``retry`` is ``True`` (the default for GET and DELETE: retry 429/502/503/504 and network
        failures), ``UNSENT`` (retry only when the request surely never reached the server: the
        connection was refused or the name did not resolve; for creates, whose lost answers must be
        reconciled, never resent) or ``False``. ``operation`` names the call in errors (e.g.
        ``GET /v3/videos/{video_id}``); it defaults to the method and path. Redirects are never
        followed: a 3xx raises ``RedirectError`` naming the host it pointed to.
        """
        method = method.upper()
        if retry is None:
            retry = method in ("GET", "DELETE")
        operation = operation or f"{method} {path}"
        url = self.base_url + path
        send_headers = {"X-Api-Key": self._api_key, "Accept": "application/json"}
        if headers:
            send_headers.update(headers)
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        retries = _Retries(self.max_retries, self.max_retry_wait, self._sleep)
        while True:
            try:
                response = self._send_once(method, url, operation, params=clean_params or None, json=json,
                                           files=files, headers=send_headers, timeout=timeout or self.timeout)
            except requests.RequestException as exc:
                failure = self._network_error(exc, operation)
                if self._retry_failure(failure, retry, retries, operation):
                    continue
                raise failure from None
            if self._retry_answer(response, retry, retries, operation):
                continue
            if 300 <= response.status_code < 400:
                response.close()
                raise errors.RedirectError(
                    host=errors.redirect_host(response.headers.get("Location"), url), status=response.status_code,
                    operation=operation,
                )
            return self._decode(response, operation)

    def _send_once(self, method: str, url: str, operation: str, **send: Any) -> requests.Response:
        """One HTTP exchange with the API, never following a redirect; its status and time are logged."""
        started = time.monotonic()
        response = self._session.request(method, url, **send, allow_redirects=False)
        elapsed_ms = (time.monotonic() - started) * 1000
        log.debug("%s -> %s in %.0f ms", operation, response.status_code, elapsed_ms)
        return response

    def _retry_failure(self, failure: errors.NetworkError, retry: bool | str, retries: _Retries,
                       operation: str) -> bool:
        """Whether a network failure is retried (after the wait): ``retry`` allows it and retries are left."""
        delay = _backoff(retries.attempt)
        may_retry = retry is True or (retry == UNSENT and failure.reason in errors.NEVER_SENT_REASONS)
        if may_retry and retries.left(delay):
            log.info("%s failed (%s); retrying in %.1f s", operation, failure.reason, delay)
            retries.wait(delay)
            return True
        return False

    def _retry_answer(self, response: requests.Response, retry: bool | str, retries: _Retries,
                      operation: str) -> bool:
        """Whether an answer of 429/502/503/504 is retried (after its Retry-After or the backoff):
        ``retry`` is True and retries are left."""
        if retry is True and response.status_code in RETRY_STATUSES and retries.attempt < retries.most:
            delay = _retry_after(response)
            delay = _backoff(retries.attempt) if delay is None else delay
            if retries.left(delay):
                log.info("%s answered %s; retrying in %.1f s", operation, response.status_code, delay)
                response.close()
                retries.wait(delay)
                return True
        return False

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None,
        *,
        page_size: int,
        limit: int | None = None,
        operation: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield list items across pages by following ``next_token``, up to ``limit`` items.

        Never asks for more than ``page_size`` (the endpoint's maximum) per page.
        """
        token: str | None = None
        produced = 0
        while True:
            want = page_size if limit is None else min(page_size, limit - produced)
            if want <= 0:
                return
            page = self.request("GET", path, params={**(params or {}), "limit": want, "token": token}, operation=operation)
            items = page.get("data") or []
            if not isinstance(items, list):
                raise errors.UnexpectedResponseError(
                    "HeyGen sent a list in a shape the studio could not read.", operation=operation or f"GET {path}"
                )
            for item in items:
                if isinstance(item, dict):
                    yield item
                    produced += 1
                    if limit is not None and produced >= limit:
                        return
            token = page.get("next_token")
            if not token or not page.get("has_more", True) or not items:
                return

    def download(
        self,
        url: str,
        *,
        chunk_size: int = 256 * 1024,
        timeout: tuple[float, float] | None = None,
        max_hops: int = MAX_MEDIA_HOPS,
    ) -> MediaBody:
        """Stream a file HeyGen links to (video, subtitle, thumbnail, preview audio).

        Media links are presigned: the API key is never sent with them, not even to the API's own
        host. Redirects are followed here, at most ``max_hops`` of them, to http(s) addresses only.
        The answer is an iterator of chunks that also tells the file's declared size and type.
        """
        operation = "download"
        for _hop in range(max_hops + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise errors.UnexpectedResponseError(
                    "The link to this file is not a web address the studio can download.", operation=operation,
                )
            try:
                response = self._session.get(
                    url, stream=True, timeout=timeout or self.timeout, allow_redirects=False,
                    headers={"Accept": "*/*"},
                )
            except requests.RequestException as exc:
                raise self._network_error(exc, operation) from None
            if 300 <= response.status_code < 400 and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                response.close()
                continue
            break
        else:
            response.close()
            raise errors.UnexpectedResponseError(
                f"The link to this file redirected more than {max_hops} times.", operation=operation,
                hint="Refresh the video to get a fresh link.",
            )
        if response.status_code >= 400 or not 200 <= response.status_code < 300:
            response.close()
            if response.status_code in (401, 403):
                raise errors.NotFoundError(
                    "The link to this file has expired.", status=response.status_code, operation=operation,
                    hint="Refresh the video to get a fresh link.",
                )
            raise errors.error_class_for(response.status_code)(status=response.status_code, operation=operation)

        def chunks() -> Iterator[bytes]:
            try:
                yield from response.iter_content(chunk_size)
            except requests.RequestException as exc:
                raise self._network_error(exc, operation) from None
            finally:
                response.close()

        return MediaBody(chunks(), response)

    # -- helpers ---------------------------------------------------------------------------

    def _redact(self, text: Any) -> str | None:
        if text is None:
            return None
        text = str(text)
        return text.replace(self._api_key, _REDACTED) if self._api_key else text

    def _decode(self, response: requests.Response, operation: str) -> dict[str, Any]:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if 200 <= status < 300:
            if not isinstance(body, dict):
                raise errors.UnexpectedResponseError(
                    status=status, operation=operation, detail=_describe_non_json(response),
                )
            return body
        code, message, param = _error_fields(body)
        cls = errors.error_class_for(status)
        kwargs: dict[str, Any] = {
            "status": status,
            "code": code,
            "detail": self._redact(message) if message else _describe_non_json(response) if body is None else None,
            "param": self._redact(param),
            "operation": operation,
        }
        if cls is errors.RateLimitError:
            kwargs["retry_after"] = _retry_after(response)
        if cls is errors.InvalidRequestError:
            return_msg = "HeyGen did not accept the request"
            if param:
                return_msg += f" (field “{self._redact(param)}”)"
            if message:
                return_msg += f": {self._redact(message)}"
            raise cls(return_msg.rstrip(".") + ".", **kwargs)
        if cls is errors.ServerError:
            raise cls(f"HeyGen is having trouble right now (server error {status}).", **kwargs)
        raise cls(**kwargs)

    def _network_error(self, exc: requests.RequestException, operation: str) -> errors.NetworkError:
        reason = _network_reason(exc)
        message = {
            "timeout": "HeyGen did not answer in time.",
            "refused": "The HeyGen server refused the connection.",
            "reset": "The connection to HeyGen was dropped before an answer arrived.",
            "dns": "The HeyGen server's name could not be found; check the internet connection.",
            "tls": "A secure connection to HeyGen could not be set up.",
        }.get(reason, "The studio could not reach HeyGen.")
        return errors.NetworkError(message, reason=reason, operation=operation, detail=type(exc).__name__)


@dataclass
class _Retries:
    """One request's retries so far (``attempt``) and time waited, against the client's limits."""

    most: int
    most_wait: float
    sleep: Callable[[float], None]
    attempt: int = 0
    waited: float = 0.0

    def left(self, delay: float) -> bool:
        """Whether one more retry after ``delay`` seconds stays within the limits."""
        return self.attempt < self.most and self.waited + delay <= self.most_wait

    def wait(self, delay: float) -> None:
        """Wait ``delay`` seconds before the next attempt."""
        self.sleep(delay)
        self.waited += delay
        self.attempt += 1


class MediaBody(Iterator[bytes]):
    """The body of one media file, read chunk by chunk.

    ``length`` is the size in bytes the server declared (Content-Length), or None when it gave none
    or sent the body compressed (the chunks are then longer than declared). ``content_type`` is the
    declared media type without parameters, lower-cased, or None.
    """

    def __init__(self, chunks: Iterator[bytes], response: requests.Response) -> None:
        self._chunks = chunks
        self._response = response
        self.length = _declared_length(response)
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        self.content_type = ctype or None

    def __next__(self) -> bytes:
        return next(self._chunks)

    def close(self) -> None:
        """Stop reading and release the connection."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        self._response.close()


def _declared_length(response: requests.Response) -> int | None:
    if response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity"):
        return None
    raw = (response.headers.get("Content-Length") or "").strip()
    return int(raw) if raw.isdigit() else None


def _normalise_base_url(base_url: str) -> str:
    base_url = base_url.strip().rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("HEYGEN_API_BASE_URL must be an http(s) URL such as https://api.heygen.com")
    if parts.username or parts.password or parts.query:
        raise ValueError("HEYGEN_API_BASE_URL must not carry credentials or a query string")
    return base_url


def _backoff(attempt: int) -> float:
    return min(0.5 * (2**attempt), 8.0)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_fields(body: Any) -> tuple[str | None, str | None, str | None]:
    """(code, message, param) from a v3 error envelope, tolerating older shapes."""
    if not isinstance(body, dict):
        return None, None, None
    err = body.get("error")
    if isinstance(err, dict):
        return _s(err.get("code")), _s(err.get("message")), _s(err.get("param"))
    if isinstance(err, str):
        return None, err, None
    return _s(body.get("code")), _s(body.get("message") or body.get("msg")), None


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _describe_non_json(response: requests.Response) -> str:
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
    if "html" in ctype:
        return f"An HTML page ({ctype}) came back instead of JSON, probably from a gateway in front of the API."
    return f"The answer was not JSON ({ctype})."


def _network_reason(exc: BaseException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "reset"
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        cur = stack.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, socket.gaierror) or type(cur).__name__ == "NameResolutionError":
            return "dns"
        if isinstance(cur, ConnectionRefusedError):
            return "refused"
        if isinstance(cur, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return "reset"
        if type(cur).__name__ in ("RemoteDisconnected", "ProtocolError", "IncompleteRead"):
            return "reset"
        if isinstance(cur, (TimeoutError, socket.timeout)):
            return "timeout"
        for nxt in (cur.__cause__, cur.__context__, *[a for a in getattr(cur, "args", ()) if isinstance(a, BaseException)]):
            if nxt is not None:
                stack.append(nxt)
        reason = getattr(cur, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return "other"
