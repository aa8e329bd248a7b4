"""Full reruns asked for by a fragment that refreshes itself.

A fragment's body runs in its own timed runs and also inline in every full run of the page. A rerun
raised inline ends that full run before the widgets below the fragment are drawn, so a button press
the run carries (read with ``if st.button(...)``) is never seen: the click is lost. A fragment
therefore asks for the whole page only from its own runs; inline, the page is being drawn afresh
already and the fragment's next run asks again if it still has to.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx


def whole_page() -> None:
    """Rerun the whole page from a fragment's own run (then it does not return); inline in a full run,
    return and let the caller draw what it has."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        st.rerun()
