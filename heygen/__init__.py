"""HeyGen Studio's library, in three rooms that never call Streamlit.

- ``heygen.api``: everything that speaks HTTP to HeyGen (client, one module per resource, models, errors).
- ``heygen.studio``: the app's own domain (job store, launching, watching, reconciling, batches,
  media checks, catalogue).
- ``heygen.sandbox``: the built-in HeyGen-compatible server (standard library only).

The client's public names are re-exported here and loaded on first use, so ``import heygen.sandbox``
(the other side of the wire) does not load the client.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Client": "api.client", "DEFAULT_BASE_URL": "api.client",
    "AvatarGroup": "api.avatars", "AvatarLook": "api.avatars",
    "Asset": "api.assets", "User": "api.users", "Voice": "api.voices",
    "Video": "api.videos", "VideoCreated": "api.videos", "VideoSpec": "api.videos", "VideoStatus": "api.videos", "new_idempotency_key": "api.videos",
    "AgentSpec": "api.agents", "AgentSession": "api.agents", "StyleItem": "api.agents", "VideoAgents": "api.agents",
    "HeyGenError": "api.errors", "AuthenticationError": "api.errors", "PermissionDeniedError": "api.errors",
    "NotFoundError": "api.errors", "InvalidRequestError": "api.errors", "InsufficientCreditError": "api.errors",
    "ConflictError": "api.errors", "PayloadTooLargeError": "api.errors", "RateLimitError": "api.errors",
    "ServerError": "api.errors", "NetworkError": "api.errors", "UnexpectedResponseError": "api.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'heygen' has no attribute {name!r}")
