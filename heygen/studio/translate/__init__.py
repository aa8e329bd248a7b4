"""Translating finished videos into other languages; the names other modules use, from the modules below.

One request of the user becomes one job of kind "translation" per language, all recorded before
anything is sent and tied together by a ``group`` id and their source job (``request``). Each job sends
its own create with one output language (``POST /v3/video-translations``, or ``…/proofreads`` when its
subtitles are reviewed first), through ``reconcile.send_once``: a failed language is retried alone,
and a create whose answer was lost is looked for with ``GET /v3/video-translations`` before anything
is sent again (``watch``). The job's ``video_id`` holds HeyGen's translation id (the proofread id while
the subtitles are being reviewed).

Several finished videos translated at once (``create_many``) make one job per video and language,
all recorded at once in status "queued" with a cap on how many of them run at a time; the background
worker sends them in turn (``queue.send_queued``), as earlier ones finish, through the same ``submit``.

Phases (``inputs["translation"]["phase"]``): "translate" (a translation HeyGen renders), "proofread"
(HeyGen prepares the subtitles; job status "proofreading"), "review" (the user edits them; status
"review", ``review``), "generate" (the corrected subtitles are uploaded and the render is started, once).
"""

from .common import (DEFAULT_AT_ONCE, FAILED_CODE, KIND, LABEL, MAX_AT_ONCE, MAX_MANY, PROOFREADING, QUEUED, REVIEW,
                     REVIEW_WAIT, STATUS_OF, LinkOf, details_of, update_details)
from .queue import (HOLDS_A_SLOT, QUEUE_TROUBLE_WAIT, QueueReport, group_of, not_sent_of, queue_again, retry,
                    send_queued)
from .request import (Code, Options, Problem, Problems, TranslationRequestError, check_many, check_request, create_jobs,
                      create_many, source_problem, source_problems, title_for)
from .review import SRT_MIME, Line, check_lines, finish_review, load_review
from .watch import (BULK_STATUSES, check, find_lost, id_name, record, refresh_links, source_key, source_link, spec_of,
                    submit, video_link)

__all__ = [
    "BULK_STATUSES", "DEFAULT_AT_ONCE", "FAILED_CODE", "HOLDS_A_SLOT", "KIND", "LABEL", "MAX_AT_ONCE", "MAX_MANY",
    "PROOFREADING", "QUEUED", "QUEUE_TROUBLE_WAIT", "REVIEW", "REVIEW_WAIT", "SRT_MIME", "STATUS_OF", "Code", "Line",
    "LinkOf", "Options", "Problem", "Problems", "QueueReport", "TranslationRequestError", "check", "check_lines",
    "check_many", "check_request", "create_jobs", "create_many", "details_of", "find_lost", "finish_review",
    "group_of", "id_name", "load_review", "not_sent_of", "queue_again", "record", "refresh_links", "retry",
    "send_queued", "source_key", "source_link", "source_problem", "source_problems", "spec_of", "submit", "title_for",
    "update_details", "video_link",
]
