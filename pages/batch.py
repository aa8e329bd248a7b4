"""Batch: one script personalised for every row of a CSV."""

import streamlit as st

from ui import shell

shell.require(__file__)

st.title("Batch")
st.caption("Coming next: personalise one script for every contact in a CSV file.")
