"""Batch videos: one script personalised for every row of a CSV, rendered safely and resumably.

The flow a page follows::

    df = read_csv(uploaded_bytes)                        # BatchInputError with a plain message
    template = BatchTemplate(script="Hi {{name}}!", title="For {{name}}", avatar_id=..., voice_id=...)
    checked = check_rows(df, template, known_avatars={look.id: look.ready ...}, known_voices={v.voice_id ...})
    batch = store.create(account, df, template, checks=checked, concurrency=3)    # "draft"
    store.start_sample(batch.id, row=1)                  # "sampling": the runner sends that row alone
    runner = BatchRunner(store)                          # store = BatchStore(job_store)
    runner.step(client, batch.id)                        # once per page refresh; never waits
                                                         # (client = Client(key, max_retries=0))
    store.approve_sample(batch.id); store.start(batch.id)    # "approved" → "running"
    runner.step(client, batch.id)  ...                   # until report.finished
    store.pause / resume / retry_failed
    results_csv(store, batch.id); results_zip(client, store, batch.id, fileobj)

Modules: ``csvfile`` (reading the file), ``template`` (placeholders and the per-row video),
``checks`` (row checks and the minutes estimate), ``store`` (batches in the jobs' SQLite file),
``runner`` (one step at a time), ``export`` (results CSV and zip).
"""

from __future__ import annotations

from .checks import MAX_SCRIPT_CHARS, WORDS_PER_MINUTE, BatchCheck, RowCheck, check_rows, spoken_minutes
from .csvfile import MAX_ROWS, BatchInputError, read_csv
from .export import RESULT_COLUMNS, ZipReport, results_csv, results_zip, safe_cell, slug, video_filename
from .runner import BatchRunner, StepReport, idempotency_key
from .store import (
    ROW_STATUSES, STATES, Batch, BatchNotFoundError, BatchRow, BatchStateError, BatchStore, count_statuses,
)
from .template import AVATAR_COLUMN, VOICE_COLUMN, BatchTemplate, available_columns, placeholders, render

__all__ = [
    "AVATAR_COLUMN", "Batch", "BatchCheck", "BatchInputError", "BatchNotFoundError", "BatchRow", "BatchRunner",
    "BatchStateError", "BatchStore", "BatchTemplate", "MAX_ROWS", "MAX_SCRIPT_CHARS", "RESULT_COLUMNS",
    "ROW_STATUSES", "RowCheck", "STATES", "StepReport", "VOICE_COLUMN", "WORDS_PER_MINUTE", "ZipReport",
    "available_columns", "check_rows", "count_statuses", "idempotency_key", "placeholders", "read_csv", "render",
    "results_csv", "results_zip", "safe_cell", "slug", "spoken_minutes", "video_filename",
]
