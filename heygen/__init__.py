"""HeyGen Studio's library: the HeyGen v3 client, its models and errors, media checks, jobs, and the sandbox.

Names are loaded on first use, so ``import heygen.sandbox`` (the other side of the wire) does not
load the client.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Client": "client", "DEFAULT_BASE_URL": "client",
    "AvatarGroup": "avatars", "AvatarLook": "avatars",
    "Asset": "assets", "User": "users", "Voice": "voices",
    "Video": "videos", "VideoCreated": "videos", "VideoSpec": "videos", "new_idempotency_key": "videos",
    "AgentSpec": "agents", "AgentSession": "agents", "StyleItem": "agents", "VideoAgents": "agents",
    "HeyGenError": "errors", "AuthenticationError": "errors", "PermissionDeniedError": "errors",
    "NotFoundError": "errors", "InvalidRequestError": "errors", "InsufficientCreditError": "errors",
    "ConflictError": "errors", "PayloadTooLargeError": "errors", "RateLimitError": "errors",
    "ServerError": "errors", "NetworkError": "errors", "UnexpectedResponseError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'heygen' has no attribute {name!r}")
