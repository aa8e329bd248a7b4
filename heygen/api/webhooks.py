"""Webhooks (``/v3/webhooks/…``): endpoints that receive HeyGen's events, their signing secrets, the event
types, and the feed of events HeyGen has sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

PAGE_MAX = 100


@dataclass
class WebhookEndpoint:
    """A registered endpoint. ``secret`` is only given by ``create_endpoint`` (and ``rotate_secret``)."""

    endpoint_id: str = ""
    url: str = ""
    status: str = ""
    created_at: str = ""
    events: list[str] | None = None
    secret: str | None = field(default=None, repr=False)

    @property
    def enabled(self) -> bool:
        return self.status == "enabled"


@dataclass
class WebhookEvent:
    """One event HeyGen has sent: ``event_data`` holds e.g. ``video_id`` and ``url`` or ``msg``."""

    event_id: str = ""
    event_type: str = ""
    created_at: str = ""
    event_data: dict[str, Any] = field(default_factory=dict)


@dataclass
class EventType:
    event_type: str = ""
    description: str = ""


class Webhooks:
    """``client.webhooks``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def endpoints(self, limit: int | None = None) -> list[WebhookEndpoint]:
        """Every registered endpoint (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/webhooks/endpoints", {}, page_size=PAGE_MAX, limit=limit,
                                      operation="GET /v3/webhooks/endpoints")
        return [from_api(WebhookEndpoint, item) for item in items]

    def create_endpoint(self, url: str, events: list[str] | None = None) -> WebhookEndpoint:
        """Register ``url`` for ``events`` (None: every event); the answer carries the signing secret."""
        body = self._client.request("POST", "/v3/webhooks/endpoints", json={"url": url, "events": events},
                                    retry="unsent", operation="POST /v3/webhooks/endpoints")
        return from_api(WebhookEndpoint, body.get("data"))

    def update_endpoint(self, endpoint_id: str, *, url: str | None = None,
                        events: list[str] | None = None) -> WebhookEndpoint:
        """Change an endpoint's url and/or its events (the list is replaced as a whole)."""
        payload: dict[str, Any] = {}
        if url is not None:
            payload["url"] = url
        if events is not None:
            payload["events"] = events
        body = self._client.request("PATCH", f"/v3/webhooks/endpoints/{endpoint_id}", json=payload,
                                    operation="PATCH /v3/webhooks/endpoints/{endpoint_id}")
        return from_api(WebhookEndpoint, body.get("data"))

    def delete_endpoint(self, endpoint_id: str) -> None:
        """Remove an endpoint for good."""
        self._client.request("DELETE", f"/v3/webhooks/endpoints/{endpoint_id}",
                             operation="DELETE /v3/webhooks/endpoints/{endpoint_id}")

    def rotate_secret(self, endpoint_id: str) -> str:
        """A new signing secret for the endpoint (HeyGen stops signing with the old one at once)."""
        body = self._client.request("POST", f"/v3/webhooks/endpoints/{endpoint_id}/rotate-secret", retry=False,
                                    operation="POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret")
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        secret = data.get("secret")
        return secret if isinstance(secret, str) else ""

    def event_types(self) -> list[EventType]:
        """The event types HeyGen can send."""
        body = self._client.request("GET", "/v3/webhooks/event-types", operation="GET /v3/webhooks/event-types")
        items = body.get("data") if isinstance(body.get("data"), list) else []
        return [from_api(EventType, item) for item in items if isinstance(item, dict)]

    def events(self, *, event_type: str | None = None, entity_id: str | None = None,
               limit: int | None = None) -> Iterator[WebhookEvent]:
        """The events HeyGen has sent, newest first, page by page as they are read (stop early at will)."""
        params = {"event_type": event_type, "entity_id": entity_id}
        for item in self._client.paginate("/v3/webhooks/events", params, page_size=PAGE_MAX, limit=limit,
                                          operation="GET /v3/webhooks/events"):
            yield from_api(WebhookEvent, item)
