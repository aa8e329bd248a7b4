"""Brand kits of the workspace (``GET /v3/brand-kits``): colors, fonts and logos a Video Agent session can apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

PAGE_MAX = 100


@dataclass
class BrandKit:
    """One brand kit; pass ``brand_kit_id`` in an ``AgentSpec``."""

    brand_kit_id: str = ""
    name: str = ""
    colors: list[str] = field(default_factory=list)
    logo_url: str | None = None


class BrandKits:
    """``client.brand_kits``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, limit: int | None = None) -> list[BrandKit]:
        """Every brand kit of the workspace (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/brand-kits", {}, page_size=PAGE_MAX, limit=limit,
                                      operation="GET /v3/brand-kits")
        return [kit for kit in (from_api(BrandKit, item) for item in items) if kit.brand_kit_id]
