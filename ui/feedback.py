"""Showing problems to the user: one plain sentence, what to do, and HeyGen's details folded away."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from heygen.api.errors import HeyGenError
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import JobStoreError

from .copy import not_sendable
from .text import md

log = logging.getLogger("heygen.studio")

UNEXPECTED = "Something unexpected went wrong in the studio. Your inputs are kept; please try again."


def failure_record(error: Exception) -> dict[str, Any]:
    """What a page keeps of a failure to show it later (``show_error``): HeyGen's answer, a refused send in words,
    or the error's own sentence."""
    if isinstance(error, NotSendable):
        return not_sendable(error)
    return error.to_dict() if isinstance(error, HeyGenError) else {"message": str(error)}


def show_error(error: BaseException | dict[str, Any], *, where: Any = None, title: str | None = None) -> None:
    """Render an error (an exception, or a stored error record) without any traceback.

    Every part of it (message, hint, title, details) is shown literally, never as Markdown.
    """
    target = where or st
    if isinstance(error, NotSendable):
        error = not_sendable(error)
    if isinstance(error, HeyGenError):
        message, hint, details = error.message, error.hint, error.details()
    elif isinstance(error, dict):
        message = error.get("message") or UNEXPECTED
        hint = error.get("hint")
        details = {
            label: error.get(key)
            for label, key in (("HTTP status", "status"), ("HeyGen code", "code"),
                               ("HeyGen message", "heygen_message"), ("Field", "param"))
            if error.get(key) not in (None, "")
        }
    elif isinstance(error, ValueError) and str(error):
        message, hint, details = str(error), None, {}
    elif isinstance(error, JobStoreError):
        message, hint, details = str(error), "Check the studio's data folder (HEYGEN_STUDIO_DATA_DIR).", {}
    else:
        log.exception("Unexpected error", exc_info=error)
        message, hint, details = UNEXPECTED, None, {"Kind": type(error).__name__}
    text = f"{md(title)}: {md(message)}" if title else md(message)
    if hint:
        text += f"  \n{md(hint)}"
    target.error(text, icon=":material/error:")
    if details:
        with target.expander("Details"):
            for label, value in details.items():
                st.markdown(f"**{md(label)}:** {md(value)}")
