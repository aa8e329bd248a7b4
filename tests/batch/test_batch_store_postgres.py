"""The batch store tests of test_batch_store.py again, on a throwaway PostgreSQL database (team mode).

Every test there that does not build a SQLite file by hand runs here unchanged: ``db`` is the
database URL (a new empty database per test) and ``store`` a BatchStore on it.
"""

from __future__ import annotations

import pytest

from heygen.studio.batch import BatchStore
from heygen.studio.jobs import JobStore
from tests.batch.test_batch_store import (  # noqa: F401 - collected here a second time, on PostgreSQL
    test_create_refuses_template_problems_no_ready_rows_and_bad_settings,
    test_create_stores_rows_problems_and_settings_and_a_new_store_sees_them,
    test_delete_forgets_the_batch,
    test_retry_failed_requeues_each_kind_of_failure,
    test_results_csv_escapes_formulas_in_every_column_and_keeps_all_inputs,
    test_results_csv_renames_result_columns_that_clash_with_inputs,
    test_state_rules_before_anything_is_sent,
)

pytestmark = pytest.mark.team


@pytest.fixture
def db(postgres_url: str) -> str:
    return postgres_url


@pytest.fixture
def store(db: str):
    s = BatchStore(JobStore(db))
    yield s
    s.jobs.close()
