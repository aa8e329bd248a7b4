"""HeyGen Studio: page set-up, navigation, and the account/sandbox banner shown on every page."""

import logging

import streamlit as st

from ui import account, connection, shell, worker
from ui.feedback import show_error

st.set_page_config(page_title="HeyGen Studio", page_icon="🎬", layout="wide")
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

PAGES = [
    st.Page("pages/studio.py", title="Studio", icon=":material/movie_edit:", default=True),
    st.Page("pages/agent.py", title="Prompt to video", icon=":material/auto_awesome:"),
    st.Page("pages/videos.py", title="Videos", icon=":material/video_library:"),
    st.Page("pages/batch.py", title="Batch", icon=":material/contacts:"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
]

page = st.navigation(PAGES)
shell.mark()
shell.follow_deep_link()
try:
    conn = connection.current()
except connection.ConnectionProblem as exc:
    show_error(exc, title="The studio is not configured correctly")
    conn = None
if conn is not None:
    account.render(conn)
    try:
        worker.ensure(conn)
    except Exception as exc:  # the studio still works page by page without its worker
        connection.log.exception("The background worker could not start")
        show_error(exc, title="The background worker could not start; open pages still make progress")
try:
    page.run()
except Exception as exc:  # the last safety net: never a traceback on the page
    show_error(exc)
