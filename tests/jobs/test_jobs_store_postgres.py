"""The job store tests of test_jobs_store.py again, on a throwaway PostgreSQL database (team mode).

Every test there that does not look inside the SQLite file runs here unchanged: ``db_path`` is the
database URL (a new empty database per test) and ``store`` a JobStore on it.
"""

from __future__ import annotations

import pytest

from heygen.studio.jobs import JobStore
from tests.jobs.test_jobs_store import (  # noqa: F401 - collected here a second time, on PostgreSQL
    test_account_plain_tokens_are_accepted,
    test_accounts_are_isolated,
    test_create_defaults,
    test_eight_threads_polling_one_job_lose_no_update,
    test_events_only_on_changes,
    test_failed_and_watch_error_statuses_stay_terminal,
    test_filters_ordering_paging_and_count,
    test_new_store_on_same_path_sees_everything,
    test_submit_failed_and_completed_at_and_elapsed,
    test_terminal_job_is_not_resurrected_but_urls_are_refreshed,
    test_two_processes_write_at_once,
    test_unknown_job_and_delete,
    test_update_inputs_and_bad_arguments,
    test_watch_error_without_status_keeps_status_and_successful_poll_clears_it,
)

pytestmark = pytest.mark.team


@pytest.fixture
def db_path(postgres_url: str) -> str:
    return postgres_url


@pytest.fixture
def store(db_path: str):
    with JobStore(db_path) as s:
        yield s
