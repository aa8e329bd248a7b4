"""Who is using this browser session: the owner, a team member, or a visitor.

The owner and team members prove it with a cookie (set by the owner address or an invite link, see
``ui.server``); everyone else is a visitor, who only ever reaches review rooms. The network address a
browser came from plays no part. An app run in process (AppTest: no server, no browser, no network)
belongs to the owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from . import process, server


@dataclass(frozen=True)
class Who:
    """The role of this session ("owner", "member" or "visitor") and a member's name."""

    role: str
    name: str | None = None

    @property
    def visitor(self) -> bool:
        return self.role == "visitor"

    @property
    def owner(self) -> bool:
        return self.role == "owner"


_KEY = "_studio_who"


def remember(who: Who) -> Who:
    """Keep this run's role for the pieces of the page that need it (set once per run by the app)."""
    st.session_state[_KEY] = who
    return who


def remembered() -> Who:
    """The role the app found at the start of this run (the owner for pieces run without the app)."""
    found = st.session_state.get(_KEY)
    return found if isinstance(found, Who) else Who("owner")


def current() -> Who:
    """This session's role, from its cookies (checked again on every run, so a revoked invite ends at once),
    or, where sign-in with an identity provider is set up, from the signed-in user's verified e-mail."""
    if not process.served():
        return Who("visitor") if process.settings().review_only else Who("owner")
    role, name = server.role_for(dict(st.context.cookies))
    if role == "visitor" and not process.settings().review_only:
        email = signed_in_email()
        if email and process.settings().on_team(email):
            return Who("member", str(st.user.get("name") or email))
    return Who(role, name)


def sign_in_offered() -> bool:
    """Whether sign-in with an identity provider is set up (an ``[auth]`` section in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one that cannot be read: no sign-in
        return False


def signed_in_email() -> str | None:
    """The e-mail of the user signed in with the identity provider, if any (and the provider verified it)."""
    if not sign_in_offered() or not st.user.get("is_logged_in"):
        return None
    if st.user.get("email_verified") is False:
        return None
    email = st.user.get("email")
    return email if isinstance(email, str) else None
