"""The account behind the API key: ``GET /v3/users/me``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._model import from_api

if TYPE_CHECKING:
    from .client import Client


@dataclass
class Wallet:
    currency: str = "usd"
    remaining_balance: float | None = None


@dataclass
class CreditPool:
    remaining: int | None = None
    resets_at: str | None = None


@dataclass
class SubscriptionCredits:
    premium_credits: CreditPool | None = None
    add_on_credits: CreditPool | None = None


@dataclass
class Subscription:
    plan: str = ""
    credits: SubscriptionCredits = field(default_factory=SubscriptionCredits)


@dataclass
class UsageBased:
    spending_current_usd: float | None = None
    spending_cap_usd: float | None = None


@dataclass
class User:
    """Who the key belongs to and what is left to spend."""

    username: str = ""
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    billing_type: str | None = None
    wallet: Wallet | None = None
    subscription: Subscription | None = None
    usage_based: UsageBased | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.username or self.email or "HeyGen account"

    @property
    def balance_text(self) -> str:
        """The remaining balance in words, e.g. "$120.00 left" or "1,250 credits left (pro plan)"."""
        if self.wallet is not None and self.wallet.remaining_balance is not None:
            amount = self.wallet.remaining_balance
            if self.wallet.currency == "usd":
                return f"${amount:,.2f} left"
            return f"{amount:,.0f} credits left"
        if self.subscription is not None:
            pools = [p for p in (self.subscription.credits.premium_credits, self.subscription.credits.add_on_credits) if p]
            total = sum(p.remaining or 0 for p in pools)
            plan = f" ({self.subscription.plan} plan)" if self.subscription.plan else ""
            return f"{total:,} credits left{plan}"
        if self.usage_based is not None and self.usage_based.spending_current_usd is not None:
            spent = f"${self.usage_based.spending_current_usd:,.2f} spent"
            if self.usage_based.spending_cap_usd is not None:
                spent += f" of ${self.usage_based.spending_cap_usd:,.2f} cap"
            return spent
        return "Balance not available"


class Users:
    """``client.users``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def me(self) -> User:
        """The current user and balance; also the cheapest way to check a key."""
        body = self._client.request("GET", "/v3/users/me")
        return from_api(User, body.get("data"))
