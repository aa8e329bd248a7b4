"""HeyGen Studio: page set-up, navigation, and the account/sandbox banner shown on every page."""

import logging

import streamlit as st

from ui import account, connection, nav, shell, worker
from ui.feedback import show_error

st.set_page_config(page_title="HeyGen Studio", page_icon="🎬", layout="wide")
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

page = st.navigation(nav.pages())
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
