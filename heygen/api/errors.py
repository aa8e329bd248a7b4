"""Errors raised by the HeyGen client: one plain sentence for the user, HeyGen's own words for details."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit


class HeyGenError(Exception):
    """A HeyGen call that did not succeed.

    ``str(error)`` is one sentence a marketer understands; ``hint`` says what to do next.
    ``status``, ``code``, ``detail`` (HeyGen's message) and ``param`` keep HeyGen's answer for a
    details view. Nothing here ever holds the API key.
    """

    default_message = "HeyGen could not complete the request."
    default_hint: str | None = "Try again in a moment."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        detail: str | None = None,
        param: str | None = None,
        hint: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.detail = detail
        self.param = param
        self.hint = hint if hint is not None else self.default_hint
        self.operation = operation
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r})"

    def details(self) -> dict[str, Any]:
        """HeyGen's side of the story, for a details expander (no empty entries)."""
        items = {
            "HTTP status": self.status,
            "HeyGen code": self.code,
            "HeyGen message": self.detail,
            "Field": self.param,
            "Request": self.operation,
        }
        return {k: v for k, v in items.items() if v not in (None, "")}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe record of this error, for storing with a job."""
        return {
            "kind": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
            "status": self.status,
            "code": self.code,
            "heygen_message": self.detail,
            "param": self.param,
        }


class AuthenticationError(HeyGenError):
    """401: the API key is missing, wrong or expired."""

    default_message = "HeyGen did not accept the API key."
    default_hint = "Check the key in Settings: copy it again from your HeyGen account (Settings → API)."


class PermissionDeniedError(HeyGenError):
    """403: the key is valid but not allowed to do this."""

    default_message = "Your HeyGen account is not allowed to do this."
    default_hint = "This option may need a different HeyGen plan, or the item belongs to another account."


class NotFoundError(HeyGenError):
    """404: the video, avatar or other item does not exist (any more)."""

    default_message = "HeyGen could not find what was asked for; it may have been deleted."
    default_hint = "Refresh the lists or choose it again; if it was deleted on HeyGen, pick another one."


class InvalidRequestError(HeyGenError):
    """400/422: HeyGen refused the request; ``param`` names the field at fault."""

    default_message = "HeyGen did not accept the request."
    default_hint = "Correct the highlighted field and try again."


class InsufficientCreditError(HeyGenError):
    """402: not enough credit on the account."""

    default_message = "Your HeyGen account does not have enough credit for this."
    default_hint = "Add credits or upgrade the plan in your HeyGen account, then try again."


class ConflictError(HeyGenError):
    """409: the same request is still being processed (idempotency)."""

    default_message = "HeyGen is still working on this same request."
    default_hint = "Wait a few seconds and look at the Videos page before trying again."


class PayloadTooLargeError(HeyGenError):
    """413, or a file refused locally before sending: too large to upload."""

    default_message = "The file is too large for HeyGen (at most 32 MB)."
    default_hint = "Use a smaller or shorter file."


class RateLimitError(HeyGenError):
    """429: too many requests or renders at once; ``retry_after`` is HeyGen's wait in seconds."""

    default_message = "HeyGen is busy with other requests from this account right now."
    default_hint = "HeyGen limits how many requests and renders one account can run at once."

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def details(self) -> dict[str, Any]:
        out = super().details()
        if self.retry_after is not None:
            out["Retry after (s)"] = self.retry_after
        return out

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class ServerError(HeyGenError):
    """5xx: HeyGen (or a gateway in front of it) failed."""

    default_message = "HeyGen is having trouble right now."
    default_hint = "This is on HeyGen's side. Try again in a minute."


class NetworkError(HeyGenError):
    """No usable answer arrived: timeout, refused or dropped connection, unknown host.

    ``reason`` is one of ``timeout``, ``refused``, ``reset``, ``dns``, ``tls`` or ``other``.
    """

    default_message = "The studio could not reach HeyGen."
    default_hint = "Check the internet connection, then try again."

    def __init__(self, message: str | None = None, *, reason: str = "other", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reason = reason

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "reason": self.reason}


class RedirectError(HeyGenError):
    """3xx from the API: the studio never follows a redirect with the API key.

    ``host`` is where the server pointed (never the key, never the full URL's query).
    """

    default_message = "HeyGen's address answered with a redirect; the studio does not follow it with your key."
    default_hint = "Check HEYGEN_API_BASE_URL: it must be the API's own address (for HeyGen, https://api.heygen.com)."

    def __init__(self, message: str | None = None, *, host: str | None = None, **kwargs: Any) -> None:
        if message is None and host:
            message = f"HeyGen's address answered with a redirect to {host}; the studio does not follow it with your key."
        super().__init__(message, **kwargs)
        self.host = host

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "host": self.host}


class UnexpectedResponseError(HeyGenError):
    """HeyGen's answer could not be read (not JSON, e.g. a web page, or not the expected shape)."""

    default_message = "HeyGen sent an answer the studio could not read."
    default_hint = "If this keeps happening, check that HEYGEN_API_BASE_URL points at the HeyGen API."


# Network failures that happen before a request reaches the server: nothing was sent.
NEVER_SENT_REASONS = frozenset({"refused", "dns", "tls"})


def unclear(error: HeyGenError) -> bool:
    """True when a create that failed with ``error`` may still have reached HeyGen.

    Unclear: a read timeout, a connection dropped after sending, any 5xx, a 409
    ``request_in_progress`` (HeyGen has the request) and an answer that could not be read.
    Definitely not sent: a refused connection, an unknown host, a TLS failure, a redirect, and
    every other 4xx (including 429).
    """
    if isinstance(error, NetworkError):
        return error.reason not in NEVER_SENT_REASONS
    return isinstance(error, (ServerError, ConflictError, UnexpectedResponseError))


STATUS_ERRORS: dict[int, type[HeyGenError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: InsufficientCreditError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: InvalidRequestError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[HeyGenError]:
    """The exception class for an HTTP error status."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return ServerError
    return InvalidRequestError if 400 <= status < 500 else UnexpectedResponseError


def redirect_host(location: str | None, base: str) -> str:
    """The host a redirect points to (``host[:port]``), never a path or query that might carry secrets."""
    if not location:
        return "an unnamed address"
    parts = urlsplit(urljoin(base, location))
    host = parts.hostname or "an unnamed address"
    return f"{host}:{parts.port}" if parts.port else host
