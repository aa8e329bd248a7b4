"""The account panel in the sidebar and the sandbox banner at the top of every page."""

from __future__ import annotations

import streamlit as st

from heygen.api.errors import AuthenticationError, HeyGenError, PermissionDeniedError

from . import connection
from .text import md

SANDBOX_BANNER = "Sandbox — no real videos, no credits used"


@st.cache_data(ttl=300, show_spinner=False)
def _account_summary(account: str, _conn: connection.Connection) -> dict:
    try:
        user = _conn.client.users.me()
    except HeyGenError as exc:
        return {"ok": False, "error": exc.to_dict(), "rejected": isinstance(exc, (AuthenticationError, PermissionDeniedError))}
    return {"ok": True, "name": user.display_name, "balance": user.balance_text, "email": user.email}


def refresh() -> None:
    _account_summary.clear()


def render(conn: connection.Connection) -> None:
    """Top-of-page banner (sandbox) and the sidebar account panel."""
    if conn.sandbox:
        st.info(f"**{SANDBOX_BANNER}.** Add your HeyGen API key in Settings to make real videos.", icon=":material/science:")
    with st.sidebar:
        st.markdown("#### Account")
        if conn.sandbox:
            st.caption(f":material/science: {SANDBOX_BANNER}")
            return
        summary = _account_summary(conn.account, conn)
        if summary["ok"]:
            st.markdown(f"**{md(summary['name'])}**")
            st.caption(md(summary["balance"]))
        elif summary.get("rejected"):
            st.error(md(summary["error"]["message"]) + " Open Settings to fix the key.", icon=":material/key:")
        else:
            st.warning(f"{md(summary['error']['message'])} Account details are unavailable for now.", icon=":material/wifi_off:")
            if st.button("Try again", key="account_retry"):
                refresh()
                st.rerun()
        if conn.source == "session":
            st.caption("Using the key pasted in Settings for this browser session.")
