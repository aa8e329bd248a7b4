"""A send the studio refuses (heygen.studio.errors.NotSendable) is a fact with its reason; the pages show it in the
same sentence and hint as always (ui.copy), never as a failure of HeyGen's and never with HeyGen's details."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from heygen.api import errors
from heygen.studio import reconcile
from heygen.studio.batch.store import BatchNotFoundError, BatchStore
from heygen.studio.errors import NotFound, NotSendable, StudioError, Unsendable
from heygen.studio.jobs import JobNotFoundError, JobStore
from ui import copy, feedback
from ui.text import md

WORDS = {
    Unsendable.CHECKING: ("HeyGen may have received this: the studio is checking your HeyGen account before anything "
                          "is sent again.",
                          "Watch this video on the Videos page; it offers “Send again” if nothing turns up."),
    Unsendable.SENDING_NOW: ("HeyGen may have received this: this video is being sent right now.",
                             "Watch it on the Videos page."),
    Unsendable.ALREADY_STARTED: ("This language's render has already been started.", "Watch it on the Videos page."),
}


def _show_refused(reason: str) -> None:
    from heygen.studio.errors import NotSendable
    from ui.feedback import failure_record, show_error

    show_error(failure_record(NotSendable(reason, "job-1")), title="The render was not started")


@pytest.mark.parametrize("reason", list(Unsendable), ids=[r.value for r in Unsendable])
def test_each_reason_reads_as_its_sentence_and_hint(reason):
    message, hint = WORDS[reason]
    refused = NotSendable(reason, "job-1")
    assert copy.not_sendable(refused) == {"kind": "NotSendable", "message": message, "hint": hint}
    assert feedback.failure_record(refused) == copy.not_sendable(refused)
    at = AppTest.from_function(_show_refused, args=(reason.value,))
    at.run()
    assert not at.exception
    (shown,) = at.error
    assert shown.value == f"{md('The render was not started')}: {md(message)}  \n{md(hint)}"
    assert not at.expander  # no HeyGen details: HeyGen said nothing


def test_every_reason_has_its_words_and_the_reason_is_a_fact():
    assert set(copy.NOT_SENDABLE) == set(Unsendable) == set(WORDS)
    refused = NotSendable("checking", "job-1")
    assert refused.reason is Unsendable.CHECKING and refused.job_id == "job-1"
    assert isinstance(refused, StudioError) and not isinstance(refused, errors.HeyGenError)
    with pytest.raises(ValueError):
        NotSendable("tired")


def test_a_missing_job_or_batch_is_a_studio_not_found(tmp_path):
    store = JobStore(tmp_path)
    with pytest.raises(NotFound) as job:
        store.set_status("no-such-job", "failed")
    assert isinstance(job.value, JobNotFoundError) and isinstance(job.value, LookupError)
    with pytest.raises(NotFound) as batch:
        BatchStore(store).require("no-such-batch")
    assert isinstance(batch.value, BatchNotFoundError)


class _Claimed(JobStore):
    """A store in which another step has just claimed every job for sending."""

    def start_sending(self, job_id, may_send):
        return None


def test_a_job_another_step_is_sending_is_refused_as_sending_now(tmp_path):
    store = _Claimed(tmp_path)
    job = store.create(account="acct", kind="avatar", title="Racing", inputs={})
    with pytest.raises(NotSendable) as refused:
        reconcile.send_once(store, job, lambda: pytest.fail("nothing may be sent"))
    assert refused.value.reason == Unsendable.SENDING_NOW and refused.value.job_id == job.id


def test_a_job_heygen_may_have_is_refused_as_checking(tmp_path):
    store = JobStore(tmp_path)
    job = reconcile.mark_checking(store, store.create(account="acct", kind="avatar", title="Lost", inputs={}), None)
    with pytest.raises(NotSendable) as refused:
        reconcile.send_once(store, job, lambda: pytest.fail("nothing may be sent"))
    assert refused.value.reason == Unsendable.CHECKING
