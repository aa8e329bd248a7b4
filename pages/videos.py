"""Videos: the status panel of the chosen render and the history of every render."""

import streamlit as st

from ui import connection, history, shell, status_panel

shell.require(__file__)

st.title("Videos")
conn = connection.require()

# The open job lives in the URL too, so a reload comes back to the same panel.
selected = st.session_state.get("selected_job") or st.query_params.get("job")
if selected:
    st.session_state["selected_job"] = selected
    if st.query_params.get("job") != selected:
        st.query_params["job"] = selected
    with st.container(border=True):
        if st.button("All videos", key="back_to_history", type="tertiary", icon=":material/arrow_back:"):
            st.session_state.pop("selected_job", None)
            st.query_params.pop("job", None)
            st.rerun()
        status_panel.panel(conn, selected)

history.render(conn)
