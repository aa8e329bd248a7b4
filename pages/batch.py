"""Batch: one script personalised for every row of a CSV of contacts, rendered safely and resumably."""

import streamlit as st

from ui import (
    batch_common,
    batch_list,
    batch_panel,
    batch_setup,
    connection,
    shell,
)

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Batch", "icon": ":material/contacts:", "order": 70}

shell.require(__file__)
conn = connection.require()

# The open batch lives in the URL too (?batch=<id>), so a reload or a restart comes back to it.
opened = batch_common.opened_id()
if opened:
    batch_panel.render_batch(conn, opened)
else:
    st.title("Batch")
    st.caption("One script, personalised for every contact in a CSV file. Every row is checked first, one sample "
               "is rendered for you to approve, then the rest goes — a few at a time, and it survives reloads.")
    batch_list.render_list(conn)
    batch_setup.render_setup(conn)
