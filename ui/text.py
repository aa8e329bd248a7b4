"""Untrusted text (from HeyGen, a file or the user) made safe for Streamlit's Markdown.

st.markdown, st.caption, st.error and the other message boxes, st.title and st.subheader, widget
labels and help texts all render Markdown, plus LaTeX between ``$`` signs, ``:material/...:``
icons, emoji short codes and ``:red[...]`` directives. Every name, title, file value or error
message shown there goes through ``md``, so it appears exactly as written: no formatting, links,
pictures, headings, HTML, formulas or icons. Inside the studio's own HTML (st.markdown with
unsafe_allow_html) the same text goes through ``html_text`` instead.
"""

from __future__ import annotations

import html
import re

__all__ = ["html_text", "md"]

# The ASCII punctuation Markdown or Streamlit's extensions give a meaning to ("/" stops :material/x: icons).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-=.!|~$:&/])")
_LINE_START_SPACE = re.compile(r"(?m)^[ \t]+")
# Streamlit swaps this code for its logo after escapes are resolved, so it is split with a word joiner.
_LOGO = ":streamlit:"


def md(text: object) -> str:
    """``text`` (None as "") escaped so Streamlit's Markdown shows it literally; line breaks are kept."""
    plain = "" if text is None else str(text)
    plain = plain.replace("\r\n", "\n").replace("\r", "\n").replace(_LOGO, ":streamlit\u2060:")
    # Leading indentation would start a code block; a paragraph does not show it anyway.
    plain = _LINE_START_SPACE.sub("", plain)
    return _SPECIAL.sub(r"\\\1", plain).replace("\n", "  \n")


def html_text(text: object) -> str:
    """``text`` (None as "") escaped for the studio's own HTML; line breaks become character references.

    A blank line would end the HTML block and let Streamlit read the rest as Markdown.
    """
    plain = "" if text is None else str(text)
    return html.escape(plain, quote=True).replace("\r", "&#13;").replace("\n", "&#10;")
