"""The studio's own refusals, as facts: a job that may not be sent now, a record that is not there.

What HeyGen answered is ``heygen.api.errors``; these are what the studio itself decided. They carry
no sentences: the pages word them (``ui.copy``).
"""

from __future__ import annotations

from enum import StrEnum


class StudioError(Exception):
    """Something the studio refuses or cannot find (never an answer of HeyGen's)."""


class Unsendable(StrEnum):
    """Why a job's create (or its render) may not go out now."""

    CHECKING = "checking"  # an earlier send may have reached HeyGen: the account is looked at first
    SENDING_NOW = "sending_now"  # another step is sending it right now
    ALREADY_STARTED = "already_started"  # the render this would start has been started already


class NotSendable(StudioError):
    """A send refused before anything went out; ``reason`` is an ``Unsendable``, ``job_id`` the job's."""

    def __init__(self, reason: Unsendable | str, job_id: str | None = None) -> None:
        self.reason = Unsendable(reason)
        self.job_id = job_id
        super().__init__(f"job {job_id} not sendable: {self.reason.value}")


class NotFound(StudioError, LookupError):
    """No record with the given id (a job, a batch)."""
