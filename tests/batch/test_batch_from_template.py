"""A batch from a HeyGen template, against the sandbox over HTTP: variables mapped to CSV columns or fixed
values, every row checked (missing value, not a link, over-long text), then the same sample → approve → run
flow as a script batch, each row a "template" job sent once, watched in bulk, saying its filled-in script."""

from __future__ import annotations

import pytest

from heygen import Client
from heygen.studio import templates
from heygen.studio.batch import check_rows, read_csv
from heygen.studio.batch import from_template
from tests.batch.helpers import ACCOUNT, API_KEY, drive

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def launch(sandbox):
    with Client(API_KEY, sandbox.base_url) as c:
        return c.templates.get("tpl_product_launch")


def _template(launch, **extra):
    mapping = {"product": {"column": "product"}, "backdrop": {"column": "picture"},
               "headline": {"value": "Ready when you are."}, **extra}
    return from_template.batch_template(launch, mapping, title="{{product}} launch")


def test_the_script_and_each_rows_values_come_from_the_mapping(launch):
    template = _template(launch)
    row = {"product": "Lumen", "picture": "https://cdn.example.com/lumen.jpg"}
    assert template.text_for(row).written == ("Meet Lumen. Ready when you are. Here is Lumen at work. "
                                              "Try Lumen today.")
    assert from_template.values_for(template, row) == {"product": "Lumen", "backdrop": row["picture"],
                                                       "headline": "Ready when you are."}
    assert template.title_for(row, 1) == "Lumen launch"
    assert from_template.template_of(template) == launch


def test_every_row_is_checked_by_its_variables_types(launch):
    df = read_csv("product,picture\nLumen,https://cdn.example.com/a.jpg\n,https://cdn.example.com/b.jpg\n"
                  f"Orbit,orbit.jpg\n{'x' * (templates.TEXT_MAX + 1)},https://cdn.example.com/c.jpg\n")
    checks = check_rows(df, _template(launch))
    assert checks.problems == [] and checks.ready_rows == [1]
    found = checks.row_problems()
    assert found[2] == ["The column “product” is empty, and the script uses it."]
    assert found[3] == ["The column “picture” should be a link (https://…) to the image for “backdrop”, "
                        "not “orbit.jpg”."]
    assert any("holds 1,001 characters; a text variable takes at most 1,000" in p for p in found[4])
    missing = check_rows(read_csv("name\nAda\n"), _template(launch))
    assert "The variable “product” takes the column “product”, but the file has no such column." in missing.problems


def test_a_template_batch_samples_then_runs_every_row_once(store, runner, client, sandbox, launch):
    df = read_csv("product,picture\nLumen,https://cdn.example.com/a.jpg\nOrbit,https://cdn.example.com/b.jpg\n"
                  "Comet,https://cdn.example.com/c.jpg\n")
    template = _template(launch)
    batch = store.create(ACCOUNT, df, template, checks=check_rows(df, template), concurrency=2, name="Launches")
    store.start_sample(batch.id, 2)
    drive(runner, client, batch.id, until=lambda r: r.counts.get("completed") == 1)
    (sample,) = [r for r in store.rows(batch.id) if r.job_id]
    job = store.jobs.get(sample.job_id)
    assert job.kind == "template" and job.title == "Orbit launch" and job.status == "completed"
    store.approve_sample(batch.id)
    store.start(batch.id)
    drive(runner, client, batch.id)
    rows = store.rows(batch.id)
    assert [r.status for r in rows] == ["completed"] * 3
    posts = [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"].startswith("/v3/templates/")]
    assert len(posts) == 3 and len({e["idempotency_key"] for e in posts}) == 3
    sent = {e["request_json"]["variables"]["product"]["properties"]["content"] for e in posts}
    assert sent == {"Lumen", "Orbit", "Comet"}
    assert all(e["request_json"]["variables"]["backdrop"]["properties"]["url"].startswith("https://") for e in posts)
    bulk = [e for e in sandbox.requests_log() if e["path"] == "/v3/videos/statuses"]
    assert bulk and not [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos"]
    first = store.jobs.get(rows[0].job_id)
    assert first.inputs["written_script"] == "Meet Lumen. Ready when you are. Here is Lumen at work. Try Lumen today."
