"""The one launch form every page that composes a render uses (Studio, Prompt to video, Scenes).

A ``LaunchForm`` owns a page's launch session keys (``<prefix>_launching``, ``_inflight``, …, see
``launch_panel.keys``), settling a requested launch against the form's problems, the message under
each field, one-shot notices, and the launch run itself: record the job once, send it once, and on
any failure keep every input, remember the error and offer Generate again (with the same job and
idempotency key while the inputs are unchanged). A launch whose answer was lost opens its status
panel, where HeyGen is asked before anything is sent again.

Each page configures it with what it collects (a ``Launch``) and draws its own sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from heygen.api.errors import HeyGenError
from heygen.studio import kinds
from heygen.studio.jobs import Job, JobStore, JobStoreError

from . import connection, launch_panel
from .feedback import show_error
from .text import html_text

Progress = Callable[[str, float], None]


@dataclass
class Launch:
    """One page's launch, as the form runs it.

    ``create(store)`` records the job (nothing is sent); its kind's ``send`` (``heygen.studio.kinds``)
    uploads ``payload`` (files waiting to be uploaded, kept in the session while the launch is under
    way) and sends it once. ``sent(job)`` says whether HeyGen already has it;
    ``reusable(job)`` whether a failed launch's job may be sent again as is. ``after(job)`` runs
    once the launch went out (or may have: offer the uploaded files again by asset id);
    ``after_failure(job)`` when it surely did not (the form's files stay as they are by default).
    ``errors`` turns the page's own exception types into error records.
    """

    signature: str
    create: Callable[[JobStore], Job]
    payload: Any = None
    sending: str = "Sending your video to HeyGen…"
    what: str = "the video"  # in "Something unexpected went wrong while sending the video"
    sent: Callable[[Job], bool] = lambda job: job.video_id is not None
    reusable: Callable[[Job], bool] = lambda job: job.video_id is None
    after: Callable[[Job | None], None] = lambda job: None
    after_failure: Callable[[Job | None], None] = lambda job: None
    errors: dict[type, Callable[[Exception], dict[str, Any]]] = field(default_factory=dict)
    on_failure: Callable[[dict[str, Any]], None] = lambda error: None


class LaunchForm:
    """The launch bookkeeping of one page's form, under the session-key prefix ``prefix``."""

    def __init__(self, prefix: str, *, param_fields: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.keys = launch_panel.keys(prefix)
        self.param_fields = param_fields or {}  # HeyGen's error ``param`` -> the form field it is about
        self.notice_key = f"{prefix}_notice"

    # -- state ------------------------------------------------------------------------------------

    @property
    def launching(self) -> bool:
        return bool(st.session_state.get(self.keys["launching"]))

    @property
    def showing_errors(self) -> bool:
        return bool(st.session_state.get(self.keys["show_errors"]))

    @property
    def error(self) -> dict[str, Any] | None:
        """The last failed launch's error record, if it still applies."""
        return st.session_state.get(self.keys["launch_error"])

    def settle(self, problems: dict[str, str] | list[str], signature: str | None = None) -> None:
        """A launch requested with problems in the form does not start (the messages show instead);
        the last launch error is forgotten once the inputs changed since (when ``signature`` is given)."""
        state = st.session_state
        if state.get(self.keys["launching"]) and not state.get(self.keys["inflight"]) and problems:
            state[self.keys["launching"]] = False
        failed = state.get(self.keys["failed"])
        if signature is None:
            return
        if state.get(self.keys["launch_error"]) and failed and failed.get("signature") != signature:
            state.pop(self.keys["launch_error"], None)

    def field_message(self, name: str, problems: dict[str, str]) -> str | None:
        """The message for one field: its problem after a launch attempt, or HeyGen's answer about it."""
        if self.showing_errors and name in problems:
            return problems[name]
        error = self.error or {}
        param = str(error.get("param") or "")
        about = self.param_fields.get(param) or self.param_fields.get(param.split("[")[0].split(".")[0])
        if about == name:
            return error.get("heygen_message") or error.get("message")
        return None

    def field_error(self, name: str, problems: dict[str, str], *, shown_elsewhere: bool = False) -> None:
        """Draw the message for one field under it (nothing when ``shown_elsewhere``)."""
        message = None if shown_elsewhere and self.showing_errors else self.field_message(name, problems)
        if message:
            st.markdown(f'<div class="hg-field-error">{html_text(message)}</div>', unsafe_allow_html=True)

    def notify(self, kind: str, message: str) -> None:
        """A one-shot message ("info", "warning" or "error") shown on the form's next run."""
        st.session_state[self.notice_key] = (kind, message)

    def show_notice(self) -> None:
        notice = st.session_state.pop(self.notice_key, None)
        if notice:
            kind, message = notice
            if kind == "error":
                show_error(ValueError(message))
            else:
                getattr(st, kind)(message, icon=":material/info:" if kind == "info" else ":material/warning:")

    # -- the run ----------------------------------------------------------------------------------

    def run(self, conn: connection.Connection, launch: Launch) -> None:
        """Record (once) and send (once) the launch, then open its status panel; on failure keep
        every input, remember the error and rerun the page. Ends this run either way."""
        state = st.session_state
        store = connection.job_store()
        inflight = state.get(self.keys["inflight"])
        job: Job | None = None
        payload = launch.payload
        try:
            if inflight:
                job = store.get(inflight["job_id"])
                payload = inflight.get("payload")
            if job is None:
                failed_id = launch_panel.failed_job_id(self.prefix, launch.signature)
                previous = store.get(failed_id) if failed_id else None
                job = previous if previous is not None and launch.reusable(previous) else None
                if job is None:
                    job = launch.create(store)
                payload = launch.payload
                state[self.keys["inflight"]] = {"job_id": job.id, "payload": payload, "signature": launch.signature}
            if not launch.sent(job):
                with launch_panel.sending(launch.sending) as progress:
                    job = kinds.of(job).send(conn.client, store, job, payload or [], progress=progress)
        except HeyGenError as exc:
            checking = launch_panel.checking_job(job)
            if checking is not None:  # HeyGen may have it: its status panel looks for it, nothing is resent
                launch.after(checking)
                launch_panel.open_launched(self.prefix, checking.id)
            self._failed(launch, exc.to_dict(), job)
        except JobStoreError as exc:
            self._failed(launch, {"message": str(exc), "hint": "Check the studio's data folder, then try again."}, job)
        except Exception as exc:  # never leave the button disabled after a surprise
            known = next((make for kind, make in launch.errors.items() if isinstance(exc, kind)), None)
            if known is not None:
                self._failed(launch, known(exc), job)
            connection.log.exception("Launch failed unexpectedly")
            self._failed(launch, {"message": f"Something unexpected went wrong while sending {launch.what}. Your "
                                             "inputs are kept; please try again.", "kind": type(exc).__name__}, job)
        launch.after(job)
        launch_panel.open_launched(self.prefix, job.id)

    def _failed(self, launch: Launch, error: dict[str, Any], job: Job | None) -> None:
        launch.after_failure(job)
        launch_panel.record_failure(self.prefix, error, getattr(job, "id", None), launch.signature)
        launch.on_failure(error)
        st.rerun()
