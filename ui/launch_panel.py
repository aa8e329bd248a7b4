"""The "Ready to generate" panel of every launch form, and the progress box of a launch being sent.

It draws only what ``launch_form.LaunchForm`` hands it: a summary of what will be sent, the request
body itself, the problems to fix, the last launch error and a Generate button that is disabled while
a launch runs. It keeps nothing in the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from .feedback import show_error
from .text import html_text, md


def panel(
    key: str,
    *,
    summary: Iterable[tuple[str, str]],
    body: dict[str, Any],
    problems: dict[str, str],
    error: dict[str, Any] | None,
    launching: bool,
    button: str,
    button_key: str,
    on_generate: Callable[[], None],
    icon: str,
    kept: str,
    run: Callable[[], None],
    footnote: str | None = None,
) -> None:
    """Draw the panel (its container keyed ``<key>_summary``); while ``launching``, ``run`` performs the launch
    inside it. ``problems`` are those to show now, ``error`` the failed launch's error to show."""
    with st.container(border=True, key=f"{key}_summary"):
        st.markdown("#### Ready to generate", anchors=False)
        rows = "".join(
            "<tr><td style='color:#6b6880;padding:2px 12px 2px 0;white-space:nowrap;vertical-align:top;border:none'>"
            f"{html_text(label)}</td><td style='padding:2px 0;border:none'>{html_text(text)}</td></tr>"
            for label, text in summary
        )
        st.markdown(f"<table style='border:none;font-size:0.92rem;margin-bottom:0.5rem;width:100%'>{rows}</table>",
                    unsafe_allow_html=True)
        with st.expander("What will be sent to HeyGen"):
            st.json(body, expanded=True)
        if problems:
            count = len(problems)
            items = "\n".join(f"- {md(message)}" for message in problems.values())
            st.error(f"Fix {'this' if count == 1 else f'these {count} things'} before generating:\n{items}",
                     icon=":material/back_hand:")
        if error:
            show_error(error, title="The video was not sent")
            st.caption(f"{kept} {retry_advice(error)}")
        st.button("Generating…" if launching else button, key=button_key, type="primary", icon=icon,
                  width="stretch", disabled=launching, on_click=on_generate)
        if footnote:
            st.caption(footnote)
        if launching:
            run()


def retry_advice(error: dict[str, Any]) -> str:
    """What happens next after a launch that surely sent nothing: the user presses Generate again."""
    if error.get("kind") == "RateLimitError":
        wait = error.get("retry_after")
        when = f"in {max(1, round(float(wait)))} s" if isinstance(wait, (int, float)) else "in a minute"
        return (f"HeyGen asked for a pause. Nothing retries on its own: press Generate again {when}. "
                "Nothing was made or charged.")
    return "Nothing reached HeyGen, so nothing was made or charged. Press Generate again to retry."


@contextmanager
def sending(label: str) -> Iterator[Callable[[str, float], None]]:
    """A status box with a progress bar while a launch is sent; yields the progress callback.

    The final report (fraction 1.0) is not drawn: it can come before the job is marked sent, and
    touching the page then could cut the run short and lose HeyGen's answer.
    """
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text="Starting…")

        def progress(message: str, fraction: float) -> None:
            if fraction < 1.0:
                bar.progress(max(fraction, 0.0), text=md(message))

        yield progress
        status.update(label="Sent to HeyGen", state="complete")
