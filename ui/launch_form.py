"""The one launch form every page that composes a render uses (Studio, Prompt to video, Scenes, Templates).

A ``LaunchForm`` owns every session key of a page's launch (``Keys``): Generate pressed and the launch
waiting to run, what is being launched, the last failed launch and its error, whether the form's
problems show, the one-shot notice, and the job "Edit & retry" fills the form from. It fills the form
from that job once (``start``), settles a requested launch against the form's problems, gives the
message under each field, hands the "Ready to generate" panel (``launch_panel``) what to draw, and
runs the launch: record the job once, send it once, and on any failure keep every input, remember
the error and offer Generate again (with the same job and idempotency key while the inputs are
unchanged). A launch whose answer was lost opens its status panel, where HeyGen is asked before
anything is sent again.

Each page configures it with what it collects (a ``Launch``) and draws its own sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from heygen.api.errors import HeyGenError
from heygen.studio import kinds, reconcile
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import Job, JobStore, JobStoreError

from . import connection, launch_panel, nav
from .feedback import failure_record, show_error
from .text import html_text, md

Progress = Callable[[str, float], None]
NOT_FOUND = ("warning", "That video's settings could not be found, so nothing was filled in.")


def settings_loaded(job: Job) -> str:
    """The notice after a form was filled from ``job``."""
    return f"Settings loaded from “{md(job.title)}”. Change what you need, then generate again."


@dataclass(frozen=True)
class Keys:
    """The session keys of one form's launch, all ``<prefix>_…``."""

    launching: str  # Generate was pressed: the launch runs in the panel (the button is disabled meanwhile)
    inflight: str  # {"job_id", "payload", "signature"} while a launch is under way
    failed: str  # {"job_id", "signature"} of the last launch that failed
    launch_error: str  # the error record (dict) of the last failed launch
    show_errors: str  # the form's problems show (from the first Generate on)
    generate: str  # the Generate button
    notice: str  # a one-shot (kind, message) shown on the form's next run
    prefill: str  # set by Edit & retry: the id of a job whose inputs fill the form

    @classmethod
    def of(cls, page: nav.PageInfo) -> Keys:
        names = ("launching", "inflight", "failed", "launch_error", "show_errors", "generate", "notice")
        return cls(**{name: f"{page.form}_{name}" for name in names}, prefill=nav.prefill_key(page))


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
    """The launch bookkeeping of the form on ``page``, under its session-key prefix (``page.form``)."""

    def __init__(self, page: nav.PageInfo, *, param_fields: dict[str, str] | None = None) -> None:
        self.page = page
        self.prefix = str(page.form)
        self.keys = Keys.of(page)
        self.param_fields = param_fields or {}  # HeyGen's error ``param`` -> the form field it is about

    # -- state ------------------------------------------------------------------------------------

    @property
    def launching(self) -> bool:
        return bool(st.session_state.get(self.keys.launching))

    @property
    def showing_errors(self) -> bool:
        return bool(st.session_state.get(self.keys.show_errors))

    @property
    def error(self) -> dict[str, Any] | None:
        """The last failed launch's error record, if it still applies."""
        return st.session_state.get(self.keys.launch_error)

    def start(self, conn: connection.Connection, fill: Callable[[Job], str | None], *,
              accepts: Callable[[Job], bool] = lambda job: True,
              missing: tuple[str, str] | None = NOT_FOUND) -> None:
        """Each run's start: the launch's defaults, then, once after Edit & retry, the form filled from its job.

        The job must be this account's, of a kind this page edits, and ``accepts`` it; else ``missing``
        is the notice (None: none). ``fill(job)`` fills the form's own inputs and returns the notice to
        show (None: none); the last launch's bookkeeping is forgotten before it runs.
        """
        state = st.session_state
        state.setdefault(self.keys.launching, False)
        state.setdefault(self.keys.show_errors, False)
        job_id = nav.take_prefill(self.page)
        if not job_id:
            return
        try:
            job = connection.job_store().get(str(job_id))
        except JobStoreError as exc:
            self.notify("error", str(exc))
            return
        if job is None or job.account != conn.account or not self._edits(job) or not accepts(job):
            if missing:
                self.notify(*missing)
            return
        self.forget()
        message = fill(job)
        if message:
            self.notify("info", message)

    def _edits(self, job: Job) -> bool:
        kind = kinds.of(job)
        return kind.editable and nav.editor(kind.editor) == self.page

    def forget(self) -> None:
        """Forget the last launch (what was in flight, its failure and error); the problems show after the
        next Generate."""
        state = st.session_state
        for key in (self.keys.inflight, self.keys.failed, self.keys.launch_error):
            state.pop(key, None)
        state[self.keys.show_errors] = False

    def request(self) -> None:
        """The Generate button's callback: one launch at a time, and from now on show every problem."""
        state = st.session_state
        if state.get(self.keys.launching):
            return
        state[self.keys.launching] = True
        state[self.keys.show_errors] = True

    def settle(self, problems: dict[str, str] | list[str], signature: str | None = None) -> None:
        """A launch requested with problems in the form does not start (the messages show instead);
        the last launch error is forgotten once the inputs changed since (when ``signature`` is given)."""
        state = st.session_state
        if state.get(self.keys.launching) and not state.get(self.keys.inflight) and problems:
            state[self.keys.launching] = False
        failed = state.get(self.keys.failed)
        if signature is None:
            return
        if state.get(self.keys.launch_error) and failed and failed.get("signature") != signature:
            state.pop(self.keys.launch_error, None)

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
        st.session_state[self.keys.notice] = (kind, message)

    def show_notice(self) -> None:
        notice = st.session_state.pop(self.keys.notice, None)
        if notice:
            kind, message = notice
            if kind == "error":
                show_error(ValueError(message))
            else:
                getattr(st, kind)(message, icon=":material/info:" if kind == "info" else ":material/warning:")

    # -- the panel and the run --------------------------------------------------------------------

    def panel(self, *, summary: Iterable[tuple[str, str]], body: dict[str, Any], problems: dict[str, str],
              button: str, icon: str, kept: str, run: Callable[[], None], footnote: str | None = None) -> None:
        """The "Ready to generate" panel; while a launch is requested, ``run`` performs it inside the panel."""
        launching = self.launching
        launch_panel.panel(
            self.prefix, summary=summary, body=body, problems=problems if self.showing_errors else {},
            error=None if launching else self.error, launching=launching, button=button,
            button_key=self.keys.generate, on_generate=self.request, icon=icon, kept=kept, run=run,
            footnote=footnote,
        )

    def run(self, conn: connection.Connection, launch: Launch) -> None:
        """Record (once) and send (once) the launch, then open its status panel; on failure keep
        every input, remember the error and rerun the page. Ends this run either way."""
        state = st.session_state
        store = connection.job_store()
        inflight = state.get(self.keys.inflight)
        job: Job | None = None
        payload = launch.payload
        try:
            if inflight:
                job = store.get(inflight["job_id"])
                payload = inflight.get("payload")
            if job is None:
                failed_id = self._failed_job_id(launch.signature)
                previous = store.get(failed_id) if failed_id else None
                job = previous if previous is not None and launch.reusable(previous) else None
                if job is None:
                    job = launch.create(store)
                payload = launch.payload
                state[self.keys.inflight] = {"job_id": job.id, "payload": payload, "signature": launch.signature}
            if not launch.sent(job):
                with launch_panel.sending(launch.sending) as progress:
                    job = kinds.of(job).send(conn.client, store, job, payload or [], progress=progress)
        except (HeyGenError, NotSendable) as exc:
            checking = _checking(store, job)
            if checking is not None:  # HeyGen may have it: its status panel looks for it, nothing is resent
                launch.after(checking)
                self._open_launched(checking.id)
            self._failed(launch, failure_record(exc), job)
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
        self._open_launched(job.id)

    def fail(self, error: dict[str, Any]) -> None:
        """A launch that could not even be prepared: remember its error, keep every input, rerun the page."""
        self._record_failure(error, None, "")
        st.rerun()

    def _failed(self, launch: Launch, error: dict[str, Any], job: Job | None) -> None:
        launch.after_failure(job)
        self._record_failure(error, getattr(job, "id", None), launch.signature)
        launch.on_failure(error)
        st.rerun()

    def _failed_job_id(self, signature: str) -> str | None:
        """The job of the last failed launch when the inputs are unchanged since (to re-send it, same key)."""
        failed = st.session_state.get(self.keys.failed)
        return failed["job_id"] if failed and failed.get("signature") == signature else None

    def _record_failure(self, error: dict[str, Any], job_id: str | None, signature: str) -> None:
        """Remember a failed launch and its error; the page keeps every input."""
        state = st.session_state
        state[self.keys.launching] = False
        inflight = state.pop(self.keys.inflight, None) or {}
        state[self.keys.launch_error] = error
        job_id = job_id or inflight.get("job_id")
        if job_id:
            state[self.keys.failed] = {"job_id": job_id, "signature": inflight.get("signature") or signature}

    def _open_launched(self, job_id: str) -> None:
        """After a launch: forget its bookkeeping and open the job's status panel on the Videos page."""
        self.forget()
        st.session_state[self.keys.launching] = False
        nav.open_job(job_id)


def _checking(store: JobStore, job: Job | None) -> Job | None:
    """The launch's job from the store if HeyGen may have received it (status "checking"), else None."""
    job_id = getattr(job, "id", None)
    fresh = store.get(job_id) if job_id else None
    return fresh if fresh is not None and fresh.status == reconcile.CHECKING else None
