"""Templates: fill one of your HeyGen templates by hand and render it."""

import streamlit as st

from ui import catalogue, connection, shell
from ui import template_form as form

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Templates", "icon": ":material/dashboard_customize:", "order": 40, "form": "tplf"}

shell.require(__file__)
conn = connection.require()

st.title("Templates")
st.caption("Pick a template made in HeyGen's editor, fill in its variables (empty ones keep the template's "
           "defaults), then generate the video.")

form.start(conn)
template = form.picker(conn)
if template is None:
    st.stop()
cat = catalogue.load(conn, key="templates_catalogue", partial=True) if form.needs_catalogue(template) else None
draft = form.collect(template, cat)
form.show_notice()
form.intro(template)

left, right = st.columns([1.4, 1], gap="large")
with left:
    st.subheader("1 · Variables")
    form.variables_section(draft, cat)
with right:
    st.subheader("2 · Generate")
    form.launch_section(conn, draft)
