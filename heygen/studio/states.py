"""A job's status words: one enum shared by the store, the worker, the watchers and the pages.

``JobStatus`` values are plain strings (a ``StrEnum``), so they are stored and compared as text.
HeyGen's own render statuses (waiting, pending, processing, completed, failed) are among them; the
rest are the studio's: where a launch stands, or why watching stopped.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """Where a job stands."""

    QUEUED = "queued"  # recorded, waiting for a free slot among its request's translations (the worker sends it)
    SUBMITTING = "submitting"  # recorded, its create not answered yet
    CHECKING = "checking"  # the create's answer was lost; the account is being searched for it
    WAITING = "waiting"  # HeyGen has it (queued)
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"  # HeyGen's verdict: the render failed
    NOT_FOUND = "not_found"  # HeyGen no longer knows the video
    REJECTED = "rejected"  # the key was refused while watching
    SUBMIT_FAILED = "submit_failed"  # surely not sent
    UNCLEAR = "unclear"  # looked for in vain; the user decides whether to send again
    PROOFREADING = "proofreading"  # a translation's subtitles are being prepared for the user's review
    REVIEW = "review"  # a translation's subtitles wait for the user's review (nothing to ask HeyGen)


# Nothing more happens to a job in one of these without the user.
TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.NOT_FOUND, JobStatus.REJECTED,
                      JobStatus.SUBMIT_FAILED, JobStatus.UNCLEAR})
# HeyGen's own verdicts: once a job has one, no later answer changes it.
FINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED})
# A create whose answer was lost, before and after the account was searched.
UNSETTLED = frozenset({JobStatus.CHECKING, JobStatus.UNCLEAR})
# Statuses a background worker keeps watching (a queued job: until it is sent).
WATCHED = (JobStatus.QUEUED, JobStatus.SUBMITTING, JobStatus.CHECKING, JobStatus.WAITING, JobStatus.PENDING, JobStatus.PROCESSING,
           JobStatus.PROOFREADING)
# Still on its way at HeyGen (the history's "Running" filter).
RUNNING = WATCHED
