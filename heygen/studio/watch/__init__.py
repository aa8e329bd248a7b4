"""Watching a render: when to ask HeyGen next, and what each answer means for the job.

One ``check()`` makes at most one status request, records what it learned in the job store, and
says whether watching goes on (and after how long) or has stopped for good, and why.
``check_many()`` does the same for many jobs at once: one bulk status request for up to 100 due
renders of a kind (``GET /v3/videos/statuses``, ``GET /v3/video-translations/statuses``), plus one
detail request for each that has just finished.

``policy``: the schedule and the outcomes; ``checks``: one job; ``bulk``: many jobs; ``links``: a render's
answer saved, its files.
"""

from .bulk import VIDEO_STATUSES, BulkStatuses, check_many
from .checks import Check, CheckResult, Watched, check, watch_error
from .links import Refresh, fetch_file, record_video, refresh_links, video_link
from .policy import (
    COMPLETED, CONNECTION_LOST, FAILED, NOT_FOUND, NOT_SUBMITTED, OVERDUE, REJECTED, REPLY_FROM, RUNNING, STOPPED,
    SUBMIT_GRACE_SECONDS, UNCLEAR, PollPolicy, next_check_at, outcome_of,
)

__all__ = [
    "COMPLETED", "CONNECTION_LOST", "FAILED", "NOT_FOUND", "NOT_SUBMITTED", "OVERDUE", "REJECTED", "REPLY_FROM",
    "RUNNING", "STOPPED", "SUBMIT_GRACE_SECONDS", "UNCLEAR", "VIDEO_STATUSES", "BulkStatuses", "Check", "CheckResult",
    "PollPolicy", "Refresh", "Watched", "check", "check_many", "fetch_file", "next_check_at", "outcome_of",
    "record_video", "refresh_links", "video_link", "watch_error",
]
