"""A video from a HeyGen template, against the sandbox over HTTP: the client reads and renders templates;
the "template" kind is sent once, a lost answer is found on the account (never sent twice), it is watched
in bulk, kept on disk by the worker, and its check compares it with the filled-in script."""

from __future__ import annotations

import time

import pytest

from heygen import Client
from heygen.api import errors
from heygen.sandbox import Sandbox
from heygen.studio import archive, inspection, kinds, reconcile, templates, watch
from heygen.studio.batch.store import BatchStore
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import JobStore
from heygen.studio.worker import Accounts, Worker, make_huey
from tests.support import wait_for

KEY = "sk-template-kind-0123456789abcdef"
ACCOUNT = "acct-template-test"
WELCOME = "tpl_customer_welcome"
POLICY = watch.PollPolicy(first=0.05, maximum=0.1, deadline=600)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.4, max_concurrent_renders=None).start()
    yield sb
    sb.stop()


@pytest.fixture
def sb(sandbox):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.4, render_outcome="complete", honour_idempotency_key=True)
    return sandbox


@pytest.fixture
def client(sb):
    c = Client(KEY, sb.base_url, sleep=lambda s: None)
    yield c
    c.close()


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


def posts(sb, path):
    return [e for e in sb.requests_log() if e["method"] == "POST" and e["path"] == path]


def welcome_job(client, store, name="Ada", title="Welcome Ada"):
    template = client.templates.get(WELCOME)
    return templates.create_job(store, account=ACCOUNT, template=template, values={"first_name": name}, title=title)


def test_the_client_lists_describes_and_renders_templates(client):
    listed = client.templates.list()
    assert [t.id for t in listed][:1] == [WELCOME] and all(t.name for t in listed)
    template = client.templates.get(WELCOME)
    assert {v.type for v in template.variables.values()} == {"text", "character", "voice", "image"}
    assert template.variables["company"].properties == {"content": "Northwind"}
    assert [s.scene_id for s in template.scenes] == template.scene_ids and template.scenes[0].variables
    created = client.templates.generate(WELCOME, {"first_name": {"type": "text", "properties": {"content": "Bo"}}},
                                        title="Direct")
    assert created.video_id.startswith("v_") and created.status == "pending"
    with pytest.raises(errors.InvalidRequestError) as refused:
        client.templates.generate(WELCOME, {"nickname": {"type": "text", "properties": {"content": "B"}}})
    assert refused.value.param == "variables.nickname"


def test_values_are_checked_by_type_before_anything_is_recorded(client):
    template = client.templates.get("tpl_product_launch")
    looks, voices = {"look_1"}, {"voice_1"}
    found = templates.problems(template, {"product": "x" * (templates.TEXT_MAX + 1), "backdrop": "logo.png",
                                          "demo": "ftp://files/demo.mp4", "presenter": "someone", "narrator": "voice_1"},
                               looks=looks, voices=voices)
    assert {(p.variable, p.code) for p in found} == {
        ("product", templates.TOO_LONG), ("backdrop", templates.NOT_URL), ("demo", templates.NOT_URL),
        ("presenter", templates.UNKNOWN_LOOK)}
    assert [(p.variable, p.code) for p in templates.problems(template, {})] == [("product", templates.MISSING)]
    assert templates.problems(template, {"product": "Lumen", "backdrop": ""}, files={"backdrop"}) == []


def test_a_template_video_is_sent_once_watched_in_bulk_and_says_its_filled_in_script(sb, client, store):
    job = welcome_job(client, store)
    assert job.kind == "template" and job.status == "submitting"
    sent = kinds.of(job).send(client, store, job)
    assert sent.video_id and sent.status == "pending"
    assert kinds.of(sent).send(client, store, sent).video_id == sent.video_id  # already at HeyGen: nothing sent
    (post,) = posts(sb, f"/v3/templates/{WELCOME}")
    assert post["idempotency_key"] == job.idempotency_key
    deadline = time.time() + 30
    while not (done := store.get(job.id)).status == "completed":
        assert time.time() < deadline, done.status
        watch.check_many(client, store, [done], lambda j: POLICY, due=lambda j: True, kind_of=kinds.of)
        time.sleep(0.05)
    paths = [e["path"] for e in sb.requests_log() if e["method"] == "GET"]
    assert "/v3/videos/statuses" in paths
    meant = kinds.of(done).meant(done)
    assert meant.text == ("Hello Ada, welcome to Northwind. Your account is ready, and we are glad you are here.")
    report = inspection.inspect(meant, watch.fetch_file(client, store, done, "subtitle_url").decode())
    assert report.status == "ok" and not report.findings, report


@pytest.mark.parametrize("fault", [{"kind": "drop", "after": True}, {"status": 502, "kind": "html", "after": True}],
                         ids=["dropped after", "502 after"])
def test_a_render_whose_answer_was_lost_is_found_never_sent_twice(sb, client, store, fault):
    sb.configure(honour_idempotency_key=False)  # a resend would make a second video
    job = welcome_job(client, store, title="Lost welcome")
    sb.add_fault(method="POST", path=f"/v3/templates/{WELCOME}", **fault)
    with pytest.raises(errors.HeyGenError):
        kinds.of(job).send(client, store, job)
    job = store.get(job.id)
    assert job.status == "checking" and job.video_id is None
    with pytest.raises(NotSendable, match="checking"):
        kinds.of(job).send(client, store, job)  # refused: HeyGen may have it
    result = kinds.of(job).check(client, store, job, POLICY)  # one look: GET /v3/videos?title=…
    (made,) = [v.id for v in client.videos.list(title="Lost welcome")]
    assert result.job.video_id == made and len(posts(sb, f"/v3/templates/{WELCOME}")) == 1


def test_a_render_lost_before_it_arrived_waits_for_the_user_then_sends_the_same_key(sb, client, store):
    job = welcome_job(client, store, title="Never arrived")
    sb.add_fault(method="POST", path=f"/v3/templates/{WELCOME}", kind="drop")
    with pytest.raises(errors.HeyGenError):
        kinds.of(job).send(client, store, job)
    start = time.time()
    first = reconcile.look(client, store, store.get(job.id), now=start, find_lost=kinds.of(job).find_lost)
    second = reconcile.look(client, store, first.job, now=start + reconcile.SPAN_NEEDED + 1,
                            find_lost=kinds.of(job).find_lost)
    assert second.outcome == reconcile.NOT_FOUND and second.job.status == "unclear"
    again = kinds.of(job).send(client, store, second.job)  # "Send again": the user's choice
    assert again.video_id
    keys = [e["idempotency_key"] for e in posts(sb, f"/v3/templates/{WELCOME}")]
    assert len(keys) == 2 and keys[0] == keys[1] == job.idempotency_key


def test_an_uploaded_file_becomes_the_variables_asset_once(sb, client, store):
    template = client.templates.get("tpl_product_launch")
    job = templates.create_job(store, account=ACCOUNT, template=template, values={"product": "Lumen"},
                               title="Lumen launch", files={"backdrop"})
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    chosen = templates.TemplateFile("backdrop", png, "backdrop.png", "image/png")
    sent = kinds.of(job).send(client, store, job, [chosen])
    asset_id = templates.details_of(sent)["variables"]["backdrop"]["properties"]["asset_id"]
    assert asset_id and len(posts(sb, "/v3/assets")) == 1
    (post,) = posts(sb, "/v3/templates/tpl_product_launch")
    assert post["request_json"]["variables"]["backdrop"] == {"type": "image", "properties": {"asset_id": asset_id}}


def test_the_worker_watches_and_keeps_a_finished_template_video(sb, client, store, tmp_path):
    accounts = Accounts()
    accounts.register(ACCOUNT, client)
    worker = Worker(make_huey(tmp_path / "queue"), store, BatchStore(store), policy_for=lambda kind: POLICY,
                    accounts=accounts, media_root=tmp_path / "media", retention=lambda: "everything")
    job = kinds.of("template").send(client, store, welcome_job(client, store, title="Kept welcome"))

    def kept():
        worker.run_once()
        return archive.VIDEO in archive.local_files(store.get(job.id), tmp_path / "media")

    wait_for(kept, timeout=60, message="the worker never kept the template video")
    assert store.get(job.id).status == "completed"
    video = archive.local_files(store.get(job.id), tmp_path / "media")[archive.VIDEO]
    assert video.read_bytes()[4:8] == b"ftyp"
