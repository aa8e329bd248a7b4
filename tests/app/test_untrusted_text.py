"""Untrusted text (names, titles, file values, HeyGen's messages) is shown literally, never as Markdown or HTML."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ui.text import html_text, md

HOSTILE = "**bold** [click](javascript:alert(1)) <b>x</b> $x$"
NASTY = [
    HOSTILE,
    "_it_ `code` ~~gone~~ ![pic](http://x/p.png) <http://x> &amp; a|b|c",
    "# heading\n> quote\n- item\n1. first\n    indented code\n===\n---",
    ":material/home: :red[red] :streamlit: :smile: \\ back\\slash {attr} = + !",
    "C:\\Users\\me\\photo (final).png",
]
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def shown(source: str) -> str:
    """What a CommonMark renderer shows for ``source`` made only of text, escapes and hard line breaks."""
    assert not re.search(r"(?m)^[ \t]", source), "no line may start indented"
    text = source.replace("  \n", "\n").replace("\u2060", "")
    return re.sub(r"\\([" + re.escape(_PUNCTUATION) + "])", r"\1", text)


def unescaped_specials(source: str) -> list[str]:
    """Markdown-significant characters in ``source`` that no backslash protects."""
    found = []
    escaped = False
    for char in source:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "\\`*_{}[]()<>#+-=.!|~$:&/":
            found.append(char)
    return found


@pytest.mark.parametrize("raw", NASTY)
def test_md_escapes_every_special_character_and_shows_the_text_as_written(raw: str) -> None:
    source = md(raw)
    assert unescaped_specials(source) == []
    assert shown(source) == re.sub(r"(?m)^[ \t]+", "", raw)


def test_md_keeps_line_breaks_and_never_starts_a_code_block() -> None:
    assert md("one\n    two\r\nthree") == "one  \ntwo  \nthree"
    assert md(None) == "" and md(7) == "7"


def test_md_stops_the_icon_and_logo_codes_streamlit_looks_for_around_escapes() -> None:
    source = md("icon :material/home: logo :streamlit:")
    assert ":material/" not in source  # Streamlit rewrites this in the raw source before parsing
    text_node = re.sub(r"\\(.)", r"\1", source)  # the parsed text, where the logo code is looked for
    assert ":streamlit:" not in text_node and ":material_" not in text_node
    assert shown(source) == "icon :material/home: logo :streamlit:"


def test_html_text_escapes_markup_and_cannot_end_an_html_block() -> None:
    assert html_text('<b a="1">x</b> & y') == "&lt;b a=&quot;1&quot;&gt;x&lt;/b&gt; &amp; y"
    assert "\n" not in html_text("a\n\n**b**\r\n") and html_text(None) == ""


def _show_hostile_error() -> None:
    from heygen.api.errors import InvalidRequestError
    from ui.feedback import show_error

    hostile = "**bold** [click](javascript:alert(1)) <b>x</b> $x$"
    show_error(InvalidRequestError(hostile, code=hostile, detail=hostile, param="title", hint=hostile), title=hostile)


def test_show_error_shows_heygen_messages_literally() -> None:
    at = AppTest.from_function(_show_hostile_error)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert error.value == f"{md(HOSTILE)}: {md(HOSTILE)}  \n{md(HOSTILE)}"
    details = [m.value for m in at.markdown]
    assert f"**HeyGen code:** {md(HOSTILE)}" in details
    assert f"**HeyGen message:** {md(HOSTILE)}" in details
    for value in [error.value, *details]:
        assert "[click](" not in value and "<b>" not in value and "**bold**" not in value
