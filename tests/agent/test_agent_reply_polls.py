"""While a Video Agent chat waits on the agent after the user spoke, the session is checked at least every
5 s for the first minutes: the back-off starts again from the message (an injected clock: the check times
the worker's schedule gives, no sleeps)."""

from __future__ import annotations

import dataclasses

from heygen import AgentSpec
from heygen.studio import agent_chat, kinds, watch
from heygen.studio.agent_launch import create_job, submit
from heygen.studio.config import Settings
from heygen.studio.kinds import poll_policy

T0 = 1_800_000_000.0
POLICY = poll_policy(Settings(), "agent")  # the settings' defaults: first check of an agent job after 15 s


def check_times(job, start: float, until: float) -> list[float]:
    """When the worker checks ``job`` between ``start`` and ``until``, each check recorded as the store does."""
    times = []
    while True:
        at = watch.next_check_at(job, POLICY)
        if at > until:
            return times
        times.append(round(at - start, 3))
        job = dataclasses.replace(job, polls=job.polls + 1, last_polled_at=at)


def chat_job(store, account, **inputs):
    job = store.create(account=account, kind="agent", title="Agent: webinar",
                       inputs={"spec": {"prompt": "A webinar invitation", "mode": "chat"},
                               "session": {"session_id": "sess_x", "status": "waiting_for_input"}, **inputs})
    return dataclasses.replace(job, created_at=T0, polls=6, last_polled_at=T0 + 80.0)


def gaps(times):
    return [round(b - a, 3) for a, b in zip([0.0, *times], times)]


def test_the_policy_of_agent_jobs_has_the_reply_schedule_as_data():
    assert kinds.of("agent").reply_poll_seconds == 5.0 and kinds.of("avatar").reply_poll_seconds is None
    assert POLICY.reply_maximum == 5.0 and POLICY.reply_window == 300.0
    assert poll_policy(Settings(), "avatar").reply_maximum is None


def test_after_the_user_spoke_the_session_is_checked_every_5_s_then_slower(store, account):
    spoke = T0 + 100.0
    job = chat_job(store, account, **{watch.REPLY_FROM: spoke})
    times = check_times(job, spoke, spoke + 340)
    assert times[:4] == [5.0, 10.0, 15.0, 20.0], "the first look comes 5 s after the message, not after a back-off"
    assert gaps([t for t in times if t <= 300]) == [5.0] * 60
    assert gaps(times)[60:] == [5.0, 8.0, 12.8], "after the first minutes it slows down gradually"


def test_without_a_message_the_back_off_goes_on(store, account):
    job = chat_job(store, account)
    times = check_times(job, T0 + 100.0, T0 + 400)
    assert min(gaps(times)[1:]) > 5.0, "the schedule the reply resets (so the test above can fail)"


def test_other_kinds_ignore_the_mark(store, account):
    job = dataclasses.replace(store.create(account=account, kind="avatar", title="A video",
                                           inputs={"script": "Hello.", watch.REPLY_FROM: T0 + 100.0}),
                              created_at=T0, polls=6, last_polled_at=T0 + 80.0)
    policy = poll_policy(Settings(), "avatar")
    assert watch.next_check_at(job, policy) == T0 + 80.0 + policy.wait_after_poll(
        dataclasses.replace(job, inputs={"script": "Hello."}), T0 + 80.0)


def test_sending_a_message_marks_the_job_and_an_answering_question_clears_it(client, store, account, sandbox):
    sandbox.configure(render_seconds=0.3, agent_render_seconds=1.0)
    job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt="A webinar", mode="chat")))
    fast = watch.PollPolicy(first=0.2, maximum=0.5, deadline=600)
    for _ in range(200):
        job = store.get(job.id)
        if agent_chat.session_record(job).get("status") == "waiting_for_input":
            break
        kinds.of(job).check(client, store, job, fast)
    assert watch.REPLY_FROM not in job.inputs, "waiting for the user: no reply schedule"
    job = agent_chat.send_message(client, store, job, "For customers.")
    spoke = job.inputs[watch.REPLY_FROM]
    assert spoke == agent_chat.outbox(job)[-1]["sent_at"]
    assert watch.next_check_at(job, POLICY) <= spoke + 5.0
