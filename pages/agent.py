"""Prompt to video: describe the video, and HeyGen's Video Agent writes, casts and renders it."""

import streamlit as st

from ui import agent_form as form
from ui import catalogue, connection, shell

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Prompt to video", "icon": ":material/auto_awesome:", "order": 30, "form": "agent"}

shell.require(__file__)

conn = connection.require()

head, tools = st.columns([5, 1], vertical_alignment="bottom")
head.title("Prompt to video")
head.caption("Describe the video you want. HeyGen's Video Agent writes the script, chooses the scenes, "
             "casts a presenter and renders it.")
tools.button("Refresh lists", key="agent_refresh", on_click=form.refresh_lists, width="stretch",
             icon=":material/refresh:", help="Fetch the styles, avatars and voices from HeyGen again.")

form.start(conn)
styles = form.load_styles(conn)
cat = catalogue.load(conn, key="agent_catalogue") if form.needs_catalogue() else None
draft = form.collect(styles, cat)
form.settle(draft)
form.show_notice()

left, right = st.columns([1.65, 1], gap="large")

with left:
    st.subheader("1 · Describe your video")
    form.prompt_section(draft)
    st.subheader("2 · Add your material")
    form.files_section(draft)
    st.subheader("3 · Visual style")
    form.style_section(draft, styles)
    st.subheader("4 · Presenter")
    form.presenter_section(draft, cat)

with right, st.container(key="agent_side"):
    st.subheader("Format")
    form.orientation_section(draft)
    st.subheader("Mode")
    form.mode_section(conn, draft)
    form.launch_section(conn, draft)
