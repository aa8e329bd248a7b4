"""The batch runner tests of test_runner.py again, with the store on a throwaway PostgreSQL database (team mode).

Every test there runs here unchanged: the ``db`` fixture of tests/batch/conftest.py becomes the
database URL (a new empty database per test), so ``store`` and ``runner`` work on PostgreSQL.
"""

from __future__ import annotations

import pytest

from tests.batch import test_runner as _sqlite_module

# Collected here a second time, on PostgreSQL (new tests there are included too).
globals().update({name: test for name, test in vars(_sqlite_module).items() if name.startswith("test_")})

pytestmark = pytest.mark.team


@pytest.fixture
def db(postgres_url: str) -> str:
    return postgres_url
