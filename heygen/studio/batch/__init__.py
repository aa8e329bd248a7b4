"""Batch videos: one script personalised for every row of a CSV, rendered safely and resumably.

The flow a page follows::

    df = read_csv(uploaded_bytes)                        # BatchInputError with a plain message
    template = BatchTemplate(script="Hi {{name|there}}!", title="For {{name}}", avatar_id=..., voice_id=...,
                             pronunciations=[("Siobhan", "shi-VAWN")])
    checked = check_rows(df, template, known_avatars={look.id: look.ready ...}, known_voices={v.voice_id: v ...},
                         known_assets=asset_kinds(client, asset ids in the background column))
    batch = store.create(account, df, template, checks=checked, concurrency=3)    # "draft"
    store.start_sample(batch.id, row=1)                  # "sampling": the runner sends that row alone
    runner = BatchRunner(store)                          # store = BatchStore(job_store)
    runner.step(client, batch.id)                        # once per page refresh; never waits
                                                         # (client = Client(key, max_retries=0))
    store.approve_sample(batch.id); store.start(batch.id)    # "approved" → "running"
    runner.step(client, batch.id)  ...                   # until report.finished
    store.pause / resume / retry_failed
    results_csv(store, batch.id); results_zip(client, store, batch.id, fileobj)

Each row's job keeps its script as sent and as written, and the values filled in
(``rowtext``: inputs "script", "written_script", "values"; read them with ``stored_text``).

Modules: ``csvfile`` (reading the file), ``placeholders`` (``{{column}}`` and ``{{column|default}}``),
``template`` (the per-row video), ``pronounce`` (the pronunciation list), ``media`` (a row's own
background and voice), ``rowtext`` (a row's written and spoken script), ``checks`` (row checks and
the minutes estimate), ``store`` (batches in the jobs' database), ``runner`` (one step at a time),
``timing`` (when the runner asks about its renders), ``export`` (results CSV and zip).
"""

from __future__ import annotations

from .checks import MAX_SCRIPT_CHARS, WORDS_PER_MINUTE, BatchCheck, RowCheck, check_rows, spoken_minutes
from .csvfile import MAX_ROWS, BatchInputError, read_csv
from .export import RESULT_COLUMNS, ZipReport, results_csv, results_zip, safe_cell, slug, video_filename
from .runner import BatchRunner, StepReport, idempotency_key
from .store import (
    ROW_STATUSES, STATES, Batch, BatchNotFoundError, BatchRow, BatchStateError, BatchStore, count_statuses,
)
from .media import BackgroundCell, VoiceMatch, asset_kinds, match_voice, read_background
from .placeholders import Piece, Placeholder, keep_known, parse, pieces
from .pronounce import Pronunciation
from .rowtext import RowText, stored_text
from .template import (
    AVATAR_COLUMN, BACKGROUND_COLUMN, OVERRIDE_COLUMNS, VOICE_COLUMN, BatchTemplate, available_columns, placeholders,
    render,
)

__all__ = [
    "AVATAR_COLUMN", "BACKGROUND_COLUMN", "BackgroundCell", "Batch", "BatchCheck", "BatchInputError",
    "BatchNotFoundError", "BatchRow", "BatchRunner", "BatchStateError", "BatchStore", "BatchTemplate", "MAX_ROWS",
    "MAX_SCRIPT_CHARS", "OVERRIDE_COLUMNS", "Piece", "Placeholder", "Pronunciation", "RESULT_COLUMNS",
    "ROW_STATUSES", "RowCheck", "RowText", "STATES", "StepReport", "VOICE_COLUMN", "VoiceMatch", "WORDS_PER_MINUTE",
    "ZipReport", "asset_kinds", "available_columns", "check_rows", "count_statuses", "idempotency_key", "keep_known",
    "match_voice", "parse", "pieces", "placeholders", "read_background", "read_csv", "render", "results_csv",
    "results_zip", "safe_cell", "slug", "spoken_minutes", "stored_text", "video_filename",
]
