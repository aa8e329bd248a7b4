"""Making sure every page runs inside the app shell (navigation, banner, account panel).

Streamlit runs a page file on its own when a fresh server's first visitor arrives by a direct link
to that page (its legacy pages-folder mode). Such a run goes through the entry point first and then
on to the page that was asked for.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_SHELL_RAN = "_studio_shell_ran"
_DEEP_LINK = "_studio_deep_link"
ENTRY_POINT = "streamlit_app.py"


def mark() -> None:
    """Called by the entry point on every run, before the page runs."""
    st.session_state[_SHELL_RAN] = True


def follow_deep_link() -> None:
    """In the entry point: continue to the page a direct link asked for, once the shell is up."""
    target = st.session_state.pop(_DEEP_LINK, None)
    if target:
        page, params = target
        st.switch_page(page, query_params=params or None)


def require(page_file: str) -> None:
    """At the top of each page: when the shell did not run, go through it and come back here."""
    if st.session_state.get(_SHELL_RAN):
        return
    st.session_state[_DEEP_LINK] = (f"pages/{Path(page_file).name}", st.query_params.to_dict())
    st.switch_page(ENTRY_POINT)
