"""Videos: the status panel of the chosen render and the history of every render."""

import streamlit as st

from ui import connection, history, import_panel, nav, shell, status_panel, translate_panel

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Videos", "icon": ":material/video_library:", "order": 50}

shell.require(__file__)

st.title("Videos")
conn = connection.require()

# The open job lives in the URL too, so a reload comes back to the same panel.
selected = nav.selected_job()
if selected:
    nav.select_job(selected)
    if st.query_params.get(nav.JOB_PARAM) != selected:
        st.query_params[nav.JOB_PARAM] = selected
    with st.container(border=True):
        if st.button("All videos", key="back_to_history", type="tertiary", icon=":material/arrow_back:"):
            nav.forget_selected_job()
            st.rerun()
        status_panel.panel(conn, selected)

import_panel.section(conn)
translate_panel.upload_section(conn)
translate_panel.many_section(conn)
history.render(conn)
