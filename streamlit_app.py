"""HeyGen Studio: page set-up, navigation, and the account/sandbox banner shown on every page."""

import logging

import streamlit as st

from ui import account, connection, nav, present, review_room, shell, worker
from ui.feedback import show_error

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
if review_room.active():  # a client's review link: the review room and nothing else
    st.set_page_config(page_title="Review", page_icon="🎬", layout="wide", initial_sidebar_state="collapsed")
    review_room.run()
    st.stop()

st.set_page_config(page_title="HeyGen Studio", page_icon="🎬", layout="wide")
page = st.navigation(nav.pages())
shell.mark()
shell.follow_deep_link()
try:
    conn = connection.current()
except connection.ConnectionProblem as exc:
    show_error(exc, title="The studio is not configured correctly")
    conn = None
if conn is not None:
    if not present.showing():  # a presentation shows the videos only
        account.render(conn)
    try:
        worker.ensure(conn)
    except Exception as exc:  # the studio still works page by page without its worker
        connection.log.exception("The background worker could not start")
        show_error(exc, title="The background worker could not start; nothing is watched until it runs")
try:
    page.run()
except Exception as exc:  # the last safety net: never a traceback on the page
    show_error(exc)
