"""Scenes: build a storyboard of scenes (avatar, photo, still image, clip) and render it as one video."""

import streamlit as st

from heygen.studio import scenes
from heygen.studio.jobs import JobStoreError
from ui import catalogue, connection, pickers, shell
from ui.feedback import show_error
from ui import scenes_form as form

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Scenes", "icon": ":material/view_carousel:", "order": 20, "form": "scenes"}

shell.require(__file__)
conn = connection.require()

head, tools = st.columns([5, 1], vertical_alignment="bottom")
head.title("Scenes")
head.caption("Put scenes in order — an avatar, your photo, a still image, a clip — check the summary, then "
             "generate them as one video.")
tools.button("Refresh lists", key="scenes_refresh", on_click=catalogue.refresh, width="stretch",
             icon=":material/refresh:", help="Fetch the avatar and voice lists from HeyGen again.")

cat = catalogue.load(conn, partial=True, first_screen=pickers.PAGE_SIZE)
if cat is None:
    st.stop()
catalogue.follow(conn, cat)

try:
    form.start(conn)
except (JobStoreError, OSError) as exc:
    show_error(exc, title="The storyboard drafts could not be opened")
    st.stop()
board = form.collect(conn, cat)
found = scenes.problems(board)
form.show_notice()

with st.container(border=True, key="scenes_drafts"):
    choices = form.draft_choices(conn.account)
    pick, new, copy, delete = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
    pick.selectbox("Draft", list(choices), key=form.PICK_DRAFT, format_func=lambda d: choices.get(d, d),
                   on_change=form.switch_draft, help="Every storyboard is kept as a draft, also after a restart.")
    new.button("New", key="scenes_new", icon=":material/add:", width="stretch",
               on_click=form.new_draft, args=(conn.account,))
    copy.button("Duplicate", key="scenes_duplicate", icon=":material/content_copy:", width="stretch",
                on_click=form.duplicate_draft, help="Start a new storyboard from a copy of this one.")
    delete.button("Delete", key="scenes_delete", icon=":material/delete:", width="stretch",
                  on_click=form.delete_draft, args=(conn.account,))

left, right = st.columns([1.4, 1], gap="large")
with left:
    st.subheader("Storyboard")
    form.storyboard_section(conn, cat, board, found)
with right:
    st.subheader("Video settings")
    form.settings_section(board)
    form.launch_section(conn, board, found)
