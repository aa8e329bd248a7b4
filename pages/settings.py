"""Settings: which HeyGen account the studio uses, and how to set the key for good."""

import streamlit as st


from heygen.api.errors import HeyGenError
from ui import account, checks, connection, kept_media, shell, team, webhooks_panel
from ui.feedback import show_error
from ui.text import md

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Settings", "icon": ":material/settings:", "order": 80}

shell.require(__file__)

st.title("Settings")

try:
    conn = connection.current()
except connection.ConnectionProblem:
    conn = None

st.subheader("HeyGen account")
if conn is None:
    st.warning("Fix the configuration shown above, then reload the page.")
elif conn.sandbox:
    st.info(
        "The studio is running on its **built-in sandbox**: everything works, but videos are samples "
        "and no credits are used. Paste an API key below to use your HeyGen account.",
        icon=":material/science:",
    )
else:
    where = {"session": "pasted on this page", "secrets": "from .streamlit/secrets.toml",
             "environment": "from the HEYGEN_API_KEY environment variable"}[conn.source]
    st.success(f"Using a HeyGen API key {where}, on {md(conn.base_url)}.", icon=":material/key:")

with st.form("api_key_form", clear_on_submit=True):
    pasted = st.text_input(
        "API key", type="password", placeholder="Paste your HeyGen API key",
        help="Find it in your HeyGen account under Settings → API. It is used only in this browser "
             "session and never shown again.",
    )
    submitted = st.form_submit_button("Check and use this key", type="primary")

if submitted:
    if not pasted.strip():
        st.error("Paste a key first: the field was empty.")
    else:
        try:
            with st.spinner("Checking the key with HeyGen…"):
                user = connection.check_key(pasted)
        except HeyGenError as exc:
            show_error(exc, title="This key cannot be used")
        except ValueError as exc:
            show_error(exc, title="The server address is not valid")
        else:
            connection.use_session_key(pasted)
            account.refresh()
            st.session_state["settings_notice"] = f"Connected as {md(user.display_name)} — {md(user.balance_text)}."
            st.rerun()

notice = st.session_state.pop("settings_notice", None)
if notice:
    st.success(notice, icon=":material/check_circle:")

if conn is not None and conn.source == "session":
    if st.button("Forget the pasted key"):
        connection.forget_session_key()
        account.refresh()
        st.rerun()

st.subheader("Set the key permanently")
st.markdown(
    """
A key pasted above lasts until this browser tab is closed. To use it every time, either

* set the environment variable before starting the studio:
  ```bash
  export HEYGEN_API_KEY=your-key
  ```
* or put it in `.streamlit/secrets.toml` in the studio's folder (this file is ignored by git):
  ```toml
  HEYGEN_API_KEY = "your-key"
  ```

With no key at all, the studio runs on its built-in sandbox. `HEYGEN_API_BASE_URL` (environment
or secrets) points the studio at another HeyGen-compatible server.
"""
)
st.caption(f"API server: {md(connection.configured_base_url())}")

kept_media.settings_section()

checks.settings_section()

team.settings_section()

webhooks_panel.settings_section()
