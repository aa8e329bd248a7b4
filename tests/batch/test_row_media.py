"""Tests for a row's own media (heygen.studio.batch.media and the checks): the background column (a
picture link or an uploaded picture's asset id), the voice_id column by id or by name, and what the
sandbox receives for them over real HTTP."""

from __future__ import annotations

import pandas as pd
import pytest

from heygen.api.voices import Voice
from heygen.studio.batch import BatchTemplate, check_rows, match_voice, read_background, read_csv
from heygen.studio.batch.media import MAX_URL_CHARS, asset_ids, asset_kinds

from tests.batch.helpers import ACCOUNT, posts

AVATARS = {"look_ready": True, "look_other": True, "look_training": False}
VOICES = {v.voice_id: v for v in (
    Voice(voice_id="v_ana", name="Ana - Calm", language="English"),
    Voice(voice_id="v_sara_en", name="Sara - Soft", language="English"),
    Voice(voice_id="v_sara_es", name="Sara - Soft", language="Spanish"),
    Voice(voice_id="v_ben", name="Ben", language="English"),
)}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _df(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=str)


def _template(**kw) -> BatchTemplate:
    base = dict(script="Hi {{name}}!", title="For {{name}}", avatar_id="look_ready", voice_id="v_ana")
    base.update(kw)
    return BatchTemplate(**base)


def _problems(rows: list[dict], template: BatchTemplate | None = None, **known) -> list[tuple[str, ...]]:
    known = {"known_avatars": AVATARS, "known_voices": VOICES, **known}
    checked = check_rows(_df(rows), template or _template(), **known)
    assert checked.problems == []
    return [r.problems for r in checked.rows]


# -- the background cell


@pytest.mark.parametrize(("cell", "kind", "extension"), [
    ("https://cdn.example.com/bg/office.JPG?size=large#x", "image_url", ".jpg"),
    ("http://example.com/a%20b.webp", "image_url", ".webp"),
    ("HTTPS://example.com/p.png", "image_url", ".png"),
    ("https://example.com/clip.mp4", "video_url", ".mp4"),
    ("https://example.com/clip.MOV", "video_url", ".mov"),
    ("https://example.com/picture", "unknown_type", ""),
    ("https://example.com/file.gif", "unknown_type", ".gif"),
    ("https:///nohost.png", "bad_link", ""),
    ("https://example.com/a b.png", "bad_link", ""),
    ("ftp://example.com/p.png", "not_link", ""),
    ("www.example.com/p.png", "not_link", ""),
    ("office picture", "not_link", ""),
    ("a1b2c3d4e5f6", "asset", ""),
    ("asset_Bg-01", "asset", ""),
    ("https://example.com/" + "x" * MAX_URL_CHARS + ".png", "too_long", ""),
])
def test_a_background_cell_is_read_by_what_it_holds(cell, kind, extension) -> None:
    found = read_background(f"  {cell} ")
    assert (found.kind, found.extension, found.value) == (kind, extension, cell)
    assert found.usable == (kind in ("image_url", "asset"))


def test_empty_background_cells_give_nothing() -> None:
    assert read_background("") is None and read_background("   ") is None and read_background(None) is None
    assert asset_ids(["", "https://x.example/p.png", "a1b2c3d4", "a1b2c3d4", "nope nope", "b5c6d7e8"]) == \
        ["a1b2c3d4", "b5c6d7e8"]


def test_a_row_background_replaces_the_template_colour_for_that_row_only() -> None:
    template = _template(background_color="#112233")
    picture = template.spec_for({"name": "Ann", "background": " https://cdn.example.com/office.png "}, 1)
    assert picture.background_url == "https://cdn.example.com/office.png" and picture.background_color is None
    assert picture.to_body()["background"] == {"type": "image", "url": "https://cdn.example.com/office.png"}
    uploaded = template.spec_for({"name": "Ann", "background": "a1b2c3d4e5"}, 2)
    assert uploaded.to_body()["background"] == {"type": "image", "asset_id": "a1b2c3d4e5"}
    plain = template.spec_for({"name": "Ann", "background": ""}, 3)
    assert plain.to_body()["background"] == {"type": "color", "value": "#112233"}


def test_every_row_background_is_checked_with_a_plain_reason() -> None:
    rows = [
        {"name": "Ann", "background": "https://cdn.example.com/office.png"},
        {"name": "Bob", "background": "https://cdn.example.com/loop.mp4"},
        {"name": "Cy", "background": "https://cdn.example.com/office"},
        {"name": "Dee", "background": "office.png"},
        {"name": "Eve", "background": "https://cdn.example.com/" + "x" * 2100 + ".png"},
        {"name": "Fay", "background": "https://cdn.example.com/my office.png"},
        {"name": "Gus", "background": ""},
    ]
    problems = _problems(rows)
    assert problems[0] == () and problems[6] == ()
    assert problems[1] == ("The background “https://cdn.example.com/loop.mp4” in the column “background” is a video "
                           "(.mp4); HeyGen can put only a picture behind the avatar (a link ending in .jpg, .jpeg, "
                           ".png, .webp).",)
    assert problems[2] == ("The background link “https://cdn.example.com/office” in the column “background” does not "
                           "end in .jpg, .jpeg, .png, .webp, so it is not known to be a picture.",)
    assert problems[3] == ("The background “office.png” in the column “background” is neither a link starting with "
                           "http:// or https:// nor the id of a file uploaded to HeyGen.",)
    assert problems[4] == ("The background link in the column “background” is 2,128 characters long; a link can be "
                           "at most 2,048.",)
    assert problems[5] == ("The background “https://cdn.example.com/my office.png” in the column “background” is not "
                           "a usable link (it has spaces in it, or no site name).",)


def test_uploaded_backgrounds_are_checked_against_what_heygen_says_they_are() -> None:
    rows = [{"name": "Ann", "background": "img000001"}, {"name": "Bob", "background": "vid000001"},
            {"name": "Cy", "background": "gone00001"}, {"name": "Dee", "background": "unasked01"}]
    assets = {"img000001": "image", "vid000001": "video", "gone00001": None}
    problems = _problems(rows, known_assets=assets)
    assert problems[0] == () and problems[3] == ()  # not asked about: left to HeyGen
    assert problems[1] == ("The background “vid000001” in the column “background” is a file of type “video” at "
                           "HeyGen; only a picture can go behind the avatar.",)
    assert problems[2] == ("The background “gone00001” in the column “background” is not a file uploaded to this "
                           "HeyGen account.",)
    assert _problems(rows) == [(), (), (), ()]  # without the lookups nothing is said about them


def test_a_transparent_video_has_no_room_for_a_row_background() -> None:
    problems = _problems([{"name": "Ann", "background": "https://cdn.example.com/office.png"}, {"name": "Bob",
                                                                                              "background": ""}],
                         _template(output_format="webm"))
    assert problems == [("This row has its own background, but the videos are transparent (WebM); empty the "
                         "“background” cell or turn the transparent background off.",), ()]


# -- the voice cell, by id or by name


def test_a_voice_cell_may_give_an_id_or_a_name_in_any_case() -> None:
    assert match_voice("v_ben", VOICES).voice_id == "v_ben" and match_voice("v_ben", VOICES).by == "id"
    assert match_voice("  ana -   CALM ", VOICES).voice_id == "v_ana"
    assert match_voice("sara - soft", VOICES).by == "ambiguous"
    assert {v.voice_id for v in match_voice("sara - soft", VOICES).candidates} == {"v_sara_en", "v_sara_es"}
    assert match_voice("Nobody", VOICES).by == "unknown" and match_voice("Nobody", VOICES).voice_id is None
    assert match_voice("", VOICES).by == "unknown"


def test_voice_names_are_resolved_once_checked_and_kept_with_the_stored_template(store) -> None:
    df = _df([{"name": "Ann", "voice_id": "ana - calm"}, {"name": "Bob", "voice_id": "Sara - Soft"},
              {"name": "Cy", "voice_id": "Nobody"}, {"name": "Dee", "voice_id": "v_ben"}, {"name": "Eve", "voice_id": ""}])
    checked = check_rows(df, _template(), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.voice_names == {"ana - calm": "v_ana"}
    assert [r.problems for r in checked.rows] == [
        (),
        ("The voice name “Sara - Soft” in the column “voice_id” fits 2 voices (English, Spanish); write the id of the "
         "one you mean instead (v_sara_en, v_sara_es).",),
        ("The voice “Nobody” from the column “voice_id” is not one of this account's voices.",),
        (), (),
    ]
    batch = store.create(ACCOUNT, df, _template(), checks=checked)
    template = store.require(batch.id).template
    assert template.voice_names == (("ana - calm", "v_ana"),)
    assert template.spec_for({"name": "Ann", "voice_id": "ana - calm"}, 1).voice_id == "v_ana"
    assert template.spec_for({"name": "Dee", "voice_id": "v_ben"}, 4).voice_id == "v_ben"
    assert template.spec_for({"name": "Eve", "voice_id": ""}, 5).voice_id == "v_ana"


def test_voice_ids_alone_cannot_resolve_names() -> None:
    checked = check_rows(_df([{"name": "Ann", "voice_id": "Ana - Calm"}]), _template(), known_voices=set(VOICES))
    assert checked.rows[0].problems == ("The voice “Ana - Calm” from the column “voice_id” is not one of this "
                                        "account's voices.",)
    assert checked.voice_names == {}


def test_unknown_look_ids_in_the_avatar_column_are_still_named() -> None:
    problems = _problems([{"name": "Ann", "avatar_id": "look_gone"}, {"name": "Bob", "avatar_id": "look_other"}])
    assert problems == [("The avatar “look_gone” from the column “avatar_id” is not one of this account's avatar "
                         "looks.",), ()]


# -- over HTTP with the sandbox


def test_asset_kinds_asks_heygen_about_each_uploaded_file_once(client, sandbox) -> None:
    picture = client.assets.upload(PNG, filename="office.png", mime_type="image/png")
    clip = client.assets.upload(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, filename="loop.mp4", mime_type="video/mp4")
    sandbox.clear_requests_log()
    found = asset_kinds(client, [picture.asset_id, clip.asset_id, "0" * 32, picture.asset_id])
    assert found == {picture.asset_id: "image", clip.asset_id: "video", "0" * 32: None}
    assert len([e for e in sandbox.requests_log() if e["path"].startswith("/v3/assets/")]) == 3
    assert asset_kinds(client, ["a" * 10, "b" * 10], limit=1) == {"a" * 10: None}


def test_a_batch_sends_each_row_its_own_background_and_named_voice(store, runner, client, sandbox, catalogue) -> None:
    ready, _, voices = catalogue
    with_names = {v.voice_id: v for v in client.voices.list(limit=50)}
    named = next(v for v in with_names.values() if v.voice_id in voices
                 and sum(1 for w in with_names.values() if w.name.casefold() == v.name.casefold()) == 1)
    picture = client.assets.upload(PNG, filename="office.png", mime_type="image/png")
    df = read_csv(
        "name,background,voice_id\n"
        f"Ann,https://cdn.example.com/office.png,{named.name.upper()}\n"
        f"Bob,{picture.asset_id},\n"
        "Cy,,\n"
        "Dee,https://cdn.example.com/loop.mp4,\n"
    )
    template = BatchTemplate(script="Hello {{name}}!", avatar_id=ready[0], voice_id=voices[0],
                             background_color="#223344")
    checks = check_rows(df, template, known_avatars={i: True for i in ready}, known_voices=with_names,
                        known_assets=asset_kinds(client, asset_ids(df["background"])))
    assert checks.ready_rows == [1, 2, 3]
    batch = store.create(ACCOUNT, df, template, checks=checks, concurrency=3)
    store.set_state(batch.id, "running")  # straight to sending: the sample's approval is tested elsewhere
    report = runner.step(client, batch.id)  # all three ready rows go out in one step, nothing waited for
    assert report.submitted == 3 and report.counts["skipped"] == 1
    bodies = {e["request_json"]["script"]: e["request_json"] for e in posts(sandbox) if e["status"] == 200}
    assert bodies["Hello Ann!"]["background"] == {"type": "image", "url": "https://cdn.example.com/office.png"}
    assert bodies["Hello Ann!"]["voice_id"] == named.voice_id
    assert bodies["Hello Bob!"]["background"] == {"type": "image", "asset_id": picture.asset_id}
    assert bodies["Hello Bob!"]["voice_id"] == voices[0]
    assert bodies["Hello Cy!"]["background"] == {"type": "color", "value": "#223344"}
    assert "Hello Dee!" not in bodies
