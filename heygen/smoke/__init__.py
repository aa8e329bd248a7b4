"""``python -m heygen.smoke``: check that a HeyGen account answers the way the studio assumes.

Read-only by default (the key, looks, voices, bulk statuses, Video Agent sessions, whether
``Idempotency-Key`` is echoed); ``--render`` also makes one short video and follows it to the end.
The result is a table of assumptions, each held, differs, noted or skipped.
"""

from .run import main, run

__all__ = ["main", "run"]
