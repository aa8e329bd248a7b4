"""Streamlit pieces shared by several pages: the connection to HeyGen, the account panel, error display."""
