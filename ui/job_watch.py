"""The user's own checks of a job in this browser session: their state, the stop they reached, and a
check asked for with a button ("Check now", "Keep waiting", "Retry").

A page refresh never calls HeyGen; between the user's checks the background worker asks.
"""

from __future__ import annotations

import time

import streamlit as st

from heygen.api import errors
from heygen.studio import kinds, watch
from heygen.studio.jobs import Job

from . import connection

TICK_SECONDS = 2.0  # how often a live panel rereads the job store


def watch_state(job_id: str) -> dict:
    """Per-session state of the user's own checks of one job: failures in a row, deadline restart, stop
    reason, last error."""
    all_states = st.session_state.setdefault("watch_state", {})
    return all_states.setdefault(job_id, {"failures": 0, "deadline_from": None, "stopped": None, "error": None})


def stopped_outcome(job: Job) -> str | None:
    """Why watching this job has stopped in this session (or for good), or None."""
    known = watch.outcome_of(job) or watch_state(job.id)["stopped"]
    if known is None and job.video_id is not None:
        policy = connection.poll_policy(job.kind)
        started = (job.inputs or {}).get("deadline_from") or job.submitted_at or job.created_at
        if time.time() - started > policy.deadline:
            return watch.OVERDUE  # the worker stopped asking too; "Keep waiting" restarts both
    return known


def check_now(conn: connection.Connection, job: Job) -> watch.CheckResult:
    """One status request for ``job``, asked for by the user, keeping the session's state of such checks.

    Never called by a page refresh: between the user's checks the background worker asks HeyGen.
    """
    state = watch_state(job.id)
    policy = connection.poll_policy(job.kind)
    result = kinds.of(job).check(conn.client, connection.job_store(), job, policy, consecutive_failures=state["failures"],
                                deadline_from=state["deadline_from"] or (job.inputs or {}).get("deadline_from"))
    transient = result.error is not None and not isinstance(result.error, errors.RateLimitError)
    state.update(failures=state["failures"] + 1 if transient else 0,
                 error=result.error.to_dict() if result.error is not None else None)
    if result.stopped:
        state["stopped"] = result.outcome
    return result
