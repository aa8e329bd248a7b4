"""v3 error envelopes: the exception API handlers raise and the default codes and messages."""

from __future__ import annotations

DEFAULT_CODES = {
    400: "invalid_parameter",
    401: "authentication_failed",
    402: "insufficient_credit",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "request_in_progress",
    413: "payload_too_large",
    429: "rate_limit_exceeded",
    504: "gateway_timeout",
}

DEFAULT_MESSAGES = {
    "invalid_parameter": "Invalid request parameters.",
    "authentication_failed": "Invalid or expired API key. Verify your x-api-key header.",
    "insufficient_credit": "Your account does not have enough credit for this request.",
    "forbidden": "You do not have access to this resource.",
    "not_found": "Resource not found.",
    "method_not_allowed": "Method not allowed for this endpoint.",
    "request_in_progress": (
        "A request with this Idempotency-Key is already being processed. "
        "Retry after it completes."
    ),
    "payload_too_large": "The request body is too large. The maximum upload size is 32 MB.",
    "rate_limit_exceeded": (
        "Too many requests. Retry after the duration specified in the Retry-After header."
    ),
    "internal_error": "An internal error occurred. Please try again later.",
    "gateway_timeout": "The request timed out while downloading an input file. Please try again later.",
}


def default_code(status: int) -> str:
    """The v3 error code that usually goes with an HTTP status."""
    if status in DEFAULT_CODES:
        return DEFAULT_CODES[status]
    return "internal_error" if status >= 500 else "invalid_parameter"


def error_body(code: str, message: str | None = None, param: str | None = None) -> dict:
    """A v3 error envelope."""
    return {
        "error": {
            "code": code,
            "message": message or DEFAULT_MESSAGES.get(code, "Request failed."),
            "param": param,
            "doc_url": None,
        }
    }


class ApiError(Exception):
    """A v3 error answer: HTTP status, code, message, offending parameter, extra headers."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        message: str | None = None,
        param: str | None = None,
        headers: dict | None = None,
    ):
        self.status = status
        self.code = code or default_code(status)
        self.message = message or DEFAULT_MESSAGES.get(self.code, "Request failed.")
        self.param = param
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.code}: {self.message}")

    def body(self) -> dict:
        """The JSON body of this error."""
        return error_body(self.code, self.message, self.param)


def invalid(param: str | None, message: str) -> ApiError:
    """A 400 invalid_parameter error naming the offending field."""
    return ApiError(400, "invalid_parameter", message, param)
