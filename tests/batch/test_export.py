"""Tests for heygen.studio.batch.export against the sandbox: results CSV of a finished batch, zip of real MP4s."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from heygen.studio import reviews, spreadsheet
from heygen.studio.batch import (
    BatchTemplate, check_rows, read_csv, results_csv, results_zip, safe_cell, slug, video_filename,
)
from tests.batch.helpers import drive


def _finished_batch(store, runner, client, sandbox, make_batch):
    """Five rows: 1, 2 and 5 complete, 3 fails at HeyGen, 4 is skipped by the checks."""
    batch = make_batch(5, concurrency=2, bad=(4,), state="running")
    runner.step(client, batch.id)  # rows 1 and 2
    drive(runner, client, batch.id, until=lambda r: store.row(batch.id, 3).video_id is not None)
    # Only row 3 fails, whichever rows went out in the same step (a loaded machine frees both slots at once).
    sandbox.set_video_outcome(store.row(batch.id, 3).video_id, "fail")
    drive(runner, client, batch.id)
    return batch


def test_slug_and_file_names() -> None:
    assert slug("Hello Zoë & Co — Spring/Summer 2026!") == "hello-zoe-co-spring-summer-2026"
    assert slug("日本語") == "video" and slug("") == "video"
    assert len(slug("x" * 200)) == 60
    assert video_filename(7, "Hello Person 7") == "row-0007-hello-person-7.mp4"
    assert video_filename(12, None) == "row-0012-video.mp4"


def test_results_csv_of_a_finished_batch(store, runner, client, sandbox, make_batch) -> None:
    batch = _finished_batch(store, runner, client, sandbox, make_batch)
    rows = list(csv.reader(io.StringIO(results_csv(store, batch.id).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["row", "name", "city", "avatar_id", "video_id", "status", "video_url", "failure_reason"]
    by_row = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert [by_row[str(n)]["status"] for n in range(1, 6)] == ["completed", "completed", "failed", "skipped", "completed"]
    done = by_row["1"]
    assert done["video_id"].startswith("v_") and done["video_url"].startswith(sandbox.base_url) and not done["failure_reason"]
    assert by_row["3"]["failure_reason"].startswith("Failed to download the input media")
    assert by_row["4"]["failure_reason"] == "The column “city” is empty, and the script uses it."
    assert by_row["2"]["name"] == "Person 2" and by_row["2"]["city"] == "City 2"


def test_zip_holds_the_real_mp4s_and_a_readme_of_missing_rows(store, runner, client, sandbox, make_batch) -> None:
    batch = _finished_batch(store, runner, client, sandbox, make_batch)
    buffer = io.BytesIO()
    report = results_zip(client, store, batch.id, buffer)
    assert report.files == ["row-0001-hello-person-1.mp4", "row-0002-hello-person-2.mp4", "row-0005-hello-person-5.mp4"]
    assert [row for row, _ in report.missing] == [3, 4]
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(report.files + ["README.txt"])
        for name in report.files:
            row = store.row(batch.id, int(name[4:8]))
            expected = b"".join(client.download(row.video_url))
            data = archive.read(name)
            assert data == expected and data[4:8] == b"ftyp" and len(data) > 1000
        readme = archive.read("README.txt").decode()
    assert "Videos in this archive: 3" in readme
    assert "Row 3: Failed: Failed to download the input media" in readme
    assert "Row 4: Not rendered: The column “city” is empty" in readme


def test_zip_refreshes_an_expired_link_once(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(1, state="running")
    sandbox.configure(url_ttl_seconds=0)  # every link HeyGen gives is already expired
    drive(runner, client, batch.id)
    stale = store.row(batch.id, 1).video_url
    sandbox.configure(url_ttl_seconds=3600)
    buffer = io.BytesIO()
    report = results_zip(client, store, batch.id, buffer)
    assert report.files == ["row-0001-hello-person-1.mp4"] and report.missing == []
    fresh = store.row(batch.id, 1).video_url
    assert fresh != stale  # the refreshed link was stored with the job
    mp4s = [e for e in sandbox.requests_log(media=True) if e["path"].endswith(".mp4")]
    assert [e["status"] for e in mp4s] == [403, 200]  # the stale link was refused, the fresh one served
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.read("row-0001-hello-person-1.mp4")[4:8] == b"ftyp"


def test_zip_lists_a_video_that_cannot_be_downloaded(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(2, state="running")
    drive(runner, client, batch.id)
    gone = store.row(batch.id, 2).video_id
    client.videos.delete(gone)
    sandbox.configure(url_ttl_seconds=0)
    store.jobs.record_poll(store.row(batch.id, 2).job_id, status="completed",
                           video_url=sandbox.base_url + f"/media/videos/{gone}.mp4?expires=1&signature=x")
    buffer = io.BytesIO()
    report = results_zip(client, store, batch.id, buffer)
    assert report.files == ["row-0001-hello-person-1.mp4"]
    assert report.missing and report.missing[0][0] == 2 and "could not be refreshed" in report.missing[0][1]
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert "Row 2: The video link could not be refreshed" in archive.read("README.txt").decode()


@pytest.mark.parametrize("value", [
    "  =1+1", "\t=cmd", "\n@SUM(A1)", "\r\n+1", " \u3000-1+1", "\xa0=2",
    "＝1+1", "＋33 6 12", "－1+1", "＠SUM(A1)", "  ＝HYPERLINK(\"http://x\")", "\uFE66 1", "-", "=", "-12 ",
    "-12-1", "-1e5+1", "-HYPERLINK(1)",
])
def test_formulas_are_neutralised_after_white_space_and_in_full_width(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-12", "-3.5", "-0.25", "-.5", "-7.", "-1e5", "-2.5E-3", "  -12", "12", "3.5"])
def test_plain_numbers_stay_numbers(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["a=b", "x-1", "  plain", "\n", "  ", "\u0663", "Zoë"])
def test_text_that_is_not_a_formula_is_unchanged(value: str) -> None:
    assert safe_cell(value) == value


def test_the_batch_export_and_the_review_summary_share_one_formula_guard() -> None:
    assert safe_cell is spreadsheet.safe_cell
    assert reviews.safe_cell is spreadsheet.safe_cell and not hasattr(reviews, "_cell")


def test_results_csv_neutralises_full_width_formulas_and_keeps_negative_numbers(store) -> None:
    text = 'name,city,score\n"  =1+1",＝HYPERLINK(1),-12\n"\t=cmd",Oslo,-3.5\n'
    df = read_csv(text)
    template = BatchTemplate(script="Hi {{name}} from {{city}}", title="{{name}}", avatar_id="look_1",
                             voice_id="voice_1")
    batch = store.create("sandbox:batch01", df, template, checks=check_rows(df, template))
    rows = list(csv.reader(io.StringIO(results_csv(store, batch.id).decode("utf-8-sig"), newline="")))
    # read_csv trims the cells, so only the formula itself is left of the padded ones.
    assert [r[1:4] for r in rows[1:]] == [["'=1+1", "'＝HYPERLINK(1)", "-12"], ["'=cmd", "Oslo", "-3.5"]]
