"""Videos: the status panel of the chosen render and the history of every render."""

import streamlit as st

from ui import connection, history, shell, status_panel

shell.require(__file__)

st.title("Videos")
conn = connection.require()

selected = st.session_state.get("selected_job")
if selected:
    top = st.container(border=True)
    with top:
        if st.button("← All videos", key="back_to_history", type="tertiary"):
            st.session_state.pop("selected_job", None)
            st.rerun()
        status_panel.panel(conn, selected)

history.render(conn)
