"""HeyGen Studio: page set-up, navigation, and the account/sandbox banner shown on every page.

``streamlit run streamlit_app.py`` finds ``app`` below and serves it: Streamlit inside the studio's
own web server (``ui.server``), which knows the owner by a cookie, streams kept videos, and starts the
worker once per process. Each browser session then runs ``main``.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui import account, connection, identity, nav, present, review_room, server, shell, worker
from ui.feedback import show_error


def main() -> None:
    """One run of the app for one browser session."""
    who = identity.remember(identity.current())
    if review_room.active(who):  # a review link, or a browser that is not the owner's: review rooms only
        st.set_page_config(page_title="Review", page_icon="🎬", layout="wide", initial_sidebar_state="collapsed")
        review_room.run(who)
        return
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


if __name__ == "__main__":  # a browser session's run
    main()
else:  # imported by the web server that `streamlit run streamlit_app.py` starts
    app = st.App(__file__, routes=server.routes, middleware=[Middleware(server.Gate)], lifespan=server.lifespan)
