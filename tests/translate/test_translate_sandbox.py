"""The sandbox's video translations over plain HTTP: strict bodies, sources it can and cannot read,
proofread subtitles behind presigned links, corrected subtitles checked, and chosen languages failed."""

from __future__ import annotations

import time

import pytest
import requests

from heygen.sandbox import Sandbox

KEY = "sk-translate-sandbox-0123456789abcdef"


@pytest.fixture(scope="module")
def sb():
    with Sandbox(api_key=KEY, render_seconds=0.3, elsewhere_videos=1, max_concurrent_renders=None) as sandbox:
        requests.post(f"{sandbox.base_url}/_sandbox/translations", json={"proofread_seconds": 0.1}, timeout=5)
        yield sandbox


def call(sb, method, path, headers=None, **kwargs):
    return requests.request(method, f"{sb.base_url}{path}", headers={"X-Api-Key": KEY, **(headers or {})},
                            timeout=5, **kwargs)


def source_url(sb):
    return call(sb, "GET", "/v3/videos/v_elsewhere_01").json()["data"]["video_url"]


def wait_for(fetch, done, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.05)
    raise AssertionError(f"never done: {value}")


def test_languages_and_glossaries_are_listed(sb):
    languages = call(sb, "GET", "/v3/video-translations/languages").json()["data"]["languages"]
    assert "Spanish (Spain)" in languages and len(languages) == len(set(languages)) >= 10
    glossaries = call(sb, "GET", "/v3/brand-glossaries", params={"limit": 1}).json()
    assert [g["name"] for g in glossaries["data"]] == ["Product names"] and glossaries["has_more"] is False


@pytest.mark.parametrize("change, param, words", [
    ({"output_languages": []}, "output_languages", "at least one"),
    ({"output_languages": ["Klingon"]}, "output_languages", "Unsupported output language 'Klingon'"),
    ({"output_languages": ["Italian", "Italian"]}, "output_languages", "twice"),
    ({"mode": "fast"}, "mode", "speed, precision"),
    ({"colour": "red"}, "colour", "Unknown field"),
    ({"brand_glossary_id": "bg_nope"}, "brand_glossary_id", "not found"),
    ({"video": {"type": "url", "url": "https://elsewhere.example/v.mp4"}}, "video.url", "could not download"),
    ({"video": {"type": "asset_id", "asset_id": "nope"}}, "video.asset_id", ""),
])
def test_bad_creates_are_refused_with_the_field_named_and_nothing_made(sb, change, param, words):
    before = len(call(sb, "GET", "/v3/video-translations", params={"limit": 100}).json()["data"])
    body = {"video": {"type": "url", "url": source_url(sb)}, "output_languages": ["Italian"], **change}
    answer = call(sb, "POST", "/v3/video-translations", json=body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["param"] == param and words in error["message"]
    assert len(call(sb, "GET", "/v3/video-translations", params={"limit": 100}).json()["data"]) == before


def test_a_chosen_language_fails_with_its_reason_while_the_others_finish(sb):
    call(sb, "POST", "/_sandbox/translations", json={"fail_languages": ["Korean"]})
    try:
        ids = call(sb, "POST", "/v3/video-translations", json={
            "video": {"type": "url", "url": source_url(sb)}, "output_languages": ["Korean", "Swedish"],
            "enable_caption": True}).json()["data"]["video_translation_ids"]
    finally:
        call(sb, "POST", "/_sandbox/translations", json={"fail_languages": []})
    found = [wait_for(lambda i=i: call(sb, "GET", f"/v3/video-translations/{i}").json()["data"],
                      lambda d: d["status"] in ("completed", "failed")) for i in ids]
    assert [(d["output_language"], d["status"]) for d in found] == [("Korean", "failed"), ("Swedish", "completed")]
    assert found[0]["failure_message"] == "The speech could not be translated into Korean." and not found[0]["video_url"]
    assert requests.get(found[1]["video_url"], timeout=5).content[4:8] == b"ftyp"
    unsigned = found[1]["srt_caption_url"].split("?")[0]
    assert requests.get(unsigned, timeout=5).status_code == 403  # presigned only


def test_proofread_subtitles_are_replaced_only_by_a_well_timed_srt_then_rendered(sb):
    def create():
        return call(sb, "POST", "/v3/video-translations/proofreads", json={
            "video": {"type": "url", "url": source_url(sb)}, "output_languages": ["Turkish"], "title": "Review"
        }).json()["data"]["proofread_ids"][0]

    sb.configure(render_seconds=600)  # one that is surely still processing when asked (not a race with the clock)
    try:
        held = create()
    finally:
        sb.configure(render_seconds=0.3)
    early = call(sb, "GET", f"/v3/video-translations/proofreads/{held}/srt")
    assert early.status_code == 400 and "still processing" in early.json()["error"]["message"]
    pid = create()
    wait_for(lambda: call(sb, "GET", f"/v3/video-translations/proofreads/{pid}").json()["data"]["status"],
             lambda s: s == "completed")
    links = call(sb, "GET", f"/v3/video-translations/proofreads/{pid}/srt").json()["data"]
    translated = requests.get(links["srt_url"], timeout=5).text
    assert "[Turkish] Hello" in translated and "[Turkish]" not in requests.get(links["original_srt_url"], timeout=5).text

    def upload(text):
        files = {"file": ("fixed.srt", text.encode(), "application/x-subrip")}
        asset = call(sb, "POST", "/v3/assets", files=files).json()["data"]["asset_id"]
        return call(sb, "PUT", f"/v3/video-translations/proofreads/{pid}/srt",
                    json={"srt": {"type": "asset_id", "asset_id": asset}})

    overlapping = upload("1\n00:00:00,000 --> 00:00:03,000\nA\n\n2\n00:00:02,000 --> 00:00:04,000\nB\n")
    assert overlapping.status_code == 400 and "overlap" in overlapping.json()["error"]["message"]
    past_end = upload("1\n00:00:00,000 --> 00:09:00,000\nA\n")
    assert past_end.status_code == 400 and "past the end" in past_end.json()["error"]["message"]
    fixed = upload(translated.replace("[Turkish] Hello", "Merhaba Zentrix"))
    assert fixed.status_code == 200 and fixed.json()["data"]["submitted_for_review"] is True
    made = call(sb, "POST", f"/v3/video-translations/proofreads/{pid}/generate", json={"captions": True},
                headers={"Idempotency-Key": "render-once"}).json()["data"]
    replay = call(sb, "POST", f"/v3/video-translations/proofreads/{pid}/generate", json={"captions": True},
                  headers={"Idempotency-Key": "render-once"}).json()["data"]
    assert replay == made and made["status"] == "processing"
    done = wait_for(lambda: call(sb, "GET", f"/v3/video-translations/{made['video_translation_id']}").json()["data"],
                    lambda d: d["status"] == "completed")
    assert "Merhaba Zentrix" in requests.get(done["srt_caption_url"], timeout=5).text


def test_unknown_ids_are_404(sb):
    assert call(sb, "GET", "/v3/video-translations/vt_nope").status_code == 404
    assert call(sb, "GET", "/v3/video-translations/proofreads/pr_nope").status_code == 404


def test_bulk_statuses_answer_every_id_without_links_and_name_a_failure(sb):
    call(sb, "POST", "/_sandbox/translations", json={"fail_languages": ["Polish"]})
    try:
        body = {"video": {"type": "url", "url": source_url(sb)}, "output_languages": ["Swedish", "Polish"]}
        ids = call(sb, "POST", "/v3/video-translations", json=body).json()["data"]["video_translation_ids"]
        path = "/v3/video-translations/statuses"
        first = call(sb, "GET", path, params={"video_translation_ids": ",".join([*ids, "vt_nope"])}).json()["data"]
        # Just made: queued for the first quarter of a 0.3 s render, then processing (a busy machine may
        # answer after that quarter).
        assert [e["video_id"] for e in first] == [*ids, "vt_nope"]
        assert {e["status"] for e in first[:2]} <= {"queued", "processing"}
        assert first[2]["status"] == "not_found"
        done = wait_for(lambda: call(sb, "GET", path, params={"video_translation_ids": ",".join(ids)}).json()["data"],
                        lambda d: all(e["status"] in ("completed", "failed") for e in d))
        assert [e["status"] for e in done] == ["completed", "failed"]
        assert done[1]["error"]["message"] == "The speech could not be translated into Polish."
        assert not any("video_url" in e for e in done)
    finally:
        call(sb, "POST", "/_sandbox/translations", json={"fail_languages": []})
    too_many = call(sb, "GET", path, params={"video_translation_ids": ",".join(f"vt_{n}" for n in range(101))})
    assert too_many.status_code == 400 and too_many.json()["error"]["param"] == "video_translation_ids"
    assert call(sb, "GET", path).status_code == 400
