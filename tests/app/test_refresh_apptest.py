"""A fragment that asks for the whole page (ui.refresh) never loses the press of a button drawn below it.

The fragment's body also runs inline in the full run a press starts; a plain ``st.rerun()`` there ends
that run before the button is drawn, and ``if st.button(...)`` never sees the press. The plain rerun is
the control: it shows the press this test looks for can be lost.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def page(plain: bool) -> None:
    import streamlit as st

    from ui import refresh

    st.session_state.setdefault("presses", 0)
    st.session_state.setdefault("arrived", False)

    def follow() -> None:
        if st.session_state.arrived:  # what the fragment waited for has just come: draw the page afresh
            st.session_state.arrived = False
            if plain:
                st.rerun()
            refresh.whole_page()
            return
        st.caption("Waiting…")

    st.fragment(follow, run_every=60)()
    if st.button("Approve", key="approve"):
        st.session_state.presses += 1


@pytest.mark.parametrize("plain, presses", [(True, 0), (False, 1)], ids=["plain rerun (control)", "whole_page"])
def test_a_press_made_as_the_fragment_asks_for_the_page_is_kept(plain, presses):
    at = AppTest.from_function(page, args=(plain,)).run()
    assert at.session_state.presses == 0 and at.caption[0].value == "Waiting…"
    at.session_state.arrived = True
    at.button(key="approve").click().run()
    assert not at.exception
    assert at.session_state.presses == presses
