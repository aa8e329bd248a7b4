"""The "Ready to generate" panel of the Studio and of Prompt to video.

A summary of what will be sent, the request body itself, the problems still to fix, the last launch
error, and a Generate button that cannot start a second launch while one is in flight; plus the
session bookkeeping of a launch (in flight, failed, succeeded). Session keys are ``<prefix>_launching``,
``_launch_error``, ``_show_errors``, ``_generate``, ``_inflight`` and ``_failed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from heygen.studio import reconcile

from . import connection, nav
from .feedback import show_error
from .text import html_text, md


def keys(prefix: str) -> dict[str, str]:
    """The session keys the panel uses for a page."""
    names = ("launching", "launch_error", "show_errors", "generate", "inflight", "failed")
    return {name: f"{prefix}_{name}" for name in names}


def request_launch(prefix: str) -> None:
    """The Generate button's callback: one launch at a time, and from now on show every problem."""
    k = keys(prefix)
    if st.session_state.get(k["launching"]):
        return
    st.session_state[k["launching"]] = True
    st.session_state[k["show_errors"]] = True


def panel(
    prefix: str,
    *,
    summary: Iterable[tuple[str, str]],
    body: dict[str, Any],
    problems: dict[str, str],
    button: str,
    icon: str,
    kept: str,
    run: Callable[[], None],
    footnote: str | None = None,
) -> None:
    """Draw the panel; while a launch is requested, ``run`` performs it inside the panel."""
    k = keys(prefix)
    state = st.session_state
    launching = bool(state.get(k["launching"]))
    with st.container(border=True, key=f"{prefix}_summary"):
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
        if state.get(k["show_errors"]) and problems:
            count = len(problems)
            items = "\n".join(f"- {md(message)}" for message in problems.values())
            st.error(f"Fix {'this' if count == 1 else f'these {count} things'} before generating:\n{items}",
                     icon=":material/back_hand:")
        launch_error = state.get(k["launch_error"])
        if launch_error and not launching:
            show_error(launch_error, title="The video was not sent")
            st.caption(f"{kept} {retry_advice(launch_error)}")
        st.button("Generating…" if launching else button, key=k["generate"], type="primary", icon=icon,
                  width="stretch", disabled=launching, on_click=request_launch, args=(prefix,))
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


def checking_job(job: Any) -> Any:
    """The launch's job from the store if HeyGen may have received it (status "checking"), else None."""
    job_id = getattr(job, "id", None)
    fresh = connection.job_store().get(job_id) if job_id else None
    return fresh if fresh is not None and fresh.status == reconcile.CHECKING else None


def failed_job_id(prefix: str, signature: str) -> str | None:
    """The job of the last failed launch when the inputs are unchanged since (to re-send it, same key)."""
    failed = st.session_state.get(keys(prefix)["failed"])
    return failed["job_id"] if failed and failed.get("signature") == signature else None


def record_failure(prefix: str, error: dict[str, Any], job_id: str | None, signature: str) -> None:
    """Remember a failed launch and its error; the page keeps every input."""
    k = keys(prefix)
    state = st.session_state
    state[k["launching"]] = False
    inflight = state.pop(k["inflight"], None) or {}
    state[k["launch_error"]] = error
    job_id = job_id or inflight.get("job_id")
    if job_id:
        state[k["failed"]] = {"job_id": job_id, "signature": inflight.get("signature") or signature}


def open_launched(prefix: str, job_id: str) -> None:
    """After a launch: forget its bookkeeping and open the job's status panel on the Videos page."""
    k = keys(prefix)
    state = st.session_state
    for name in ("inflight", "failed", "launch_error"):
        state.pop(k[name], None)
    state[k["launching"]] = False
    state[k["show_errors"]] = False
    nav.open_job(job_id)


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
