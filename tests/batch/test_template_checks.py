"""Tests for heygen.studio.batch.template and heygen.studio.batch.checks: placeholders, rendering, and every row check."""

from __future__ import annotations

import pandas as pd
import pytest

from heygen.studio.batch import (
    BatchTemplate, available_columns, check_rows, placeholders, read_csv, render, spoken_minutes,
)
from heygen.api.voices import Voice

AVATARS = {"look_ready": True, "look_other": True, "look_training": False}
VOICES = {"voice_a", "voice_b"}


def _df(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=str)


def _template(**kw) -> BatchTemplate:
    base = dict(script="Hi {{name}}, welcome to {{ city }}!", title="For {{name}}", avatar_id="look_ready",
                voice_id="voice_a")
    base.update(kw)
    return BatchTemplate(**base)


# -- templating

def test_placeholders_tolerate_spaces_keep_order_and_dedupe() -> None:
    assert placeholders("{{a}} {{ b }} {{a}} {{  first name  }} {{b}}") == ["a", "b", "first name"]
    assert placeholders("no braces { here } {{ }} {{x") == [""]
    assert placeholders(None) == []


def test_render_replaces_every_occurrence_case_sensitively() -> None:
    row = {"name": "Ann", "Name": "ANN", "first name": "A."}
    assert render("{{name}}/{{ Name }}/{{first name}}/{{name}}", row) == "Ann/ANN/A./Ann"
    with pytest.raises(KeyError):
        render("{{NAME}}", row)


def test_render_does_not_reinterpret_values_that_look_like_placeholders() -> None:
    assert render("{{a}} {{b}}", {"a": "{{b}}", "b": "x"}) == "{{b}} x"


def test_available_columns_are_written_as_placeholders() -> None:
    assert available_columns(["name", "first name"]) == ["{{name}}", "{{first name}}"]


def test_template_lists_placeholders_of_script_and_title() -> None:
    t = _template(title="{{company}} for {{name}}")
    assert t.placeholders() == ["name", "city", "company"]


def test_spec_for_a_row_uses_overrides_and_options() -> None:
    t = _template(resolution="1080p", aspect_ratio="9:16", background_color="#112233", speed=1.1, pitch=5)
    spec = t.spec_for({"name": "Ann", "city": "Oslo", "avatar_id": " look_other ", "voice_id": ""}, 4)
    assert spec.avatar_id == "look_other" and spec.voice_id == "voice_a"
    assert spec.script == "Hi Ann, welcome to Oslo!" and spec.title == "For Ann"
    body = spec.to_body()
    assert body["background"] == {"type": "color", "value": "#112233"}
    assert body["voice_settings"] == {"speed": 1.1, "pitch": 5}
    assert body["resolution"] == "1080p" and body["aspect_ratio"] == "9:16"


def test_empty_title_falls_back_to_the_row_number() -> None:
    assert _template(title="").title_for({"name": "Ann"}, 7) == "Row 7"
    assert _template(title="  {{name}}  \n x ").title_for({"name": "Ann"}, 7) == "Ann x"


def test_template_round_trips_through_a_dict() -> None:
    t = _template(speed=0.9, remove_background=True)
    assert BatchTemplate.from_dict({**t.to_dict(), "unknown": 1}) == t


# -- template problems

def test_unknown_placeholder_is_a_template_problem_with_a_suggestion() -> None:
    df = _df([{"name": "Ann", "City": "Oslo"}])
    checked = check_rows(df, _template(), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.problems == ["The script uses {{city}}, but the file has no column “city” (did you mean “City”?)."]
    assert not checked.ok and checked.ready_rows == [] and checked.minutes == 0.0


def test_unknown_placeholder_in_title_and_empty_placeholder() -> None:
    df = _df([{"name": "Ann", "city": "Oslo"}])
    checked = check_rows(df, _template(title="{{company}} {{ }}"))
    assert "The title uses {{company}}, but the file has no column “company”." in checked.problems
    assert any("empty placeholder" in p for p in checked.problems)


def test_missing_avatar_and_voice_and_bad_options_are_template_problems() -> None:
    df = _df([{"name": "Ann", "city": "Oslo"}])
    t = _template(avatar_id=None, voice_id="", resolution="8k", aspect_ratio="4:3", background_color="red",
                  speed=3.0, pitch=-80)
    problems = check_rows(df, t).problems
    assert any(p.startswith("No avatar is chosen") for p in problems)
    assert any(p.startswith("No voice is chosen") for p in problems)
    assert any("resolution" in p for p in problems) and any("aspect ratio" in p for p in problems)
    assert any("background colour" in p for p in problems)
    assert any("speed" in p for p in problems) and any("pitch" in p for p in problems)


def test_empty_script_is_a_template_problem() -> None:
    assert "The script is empty." in check_rows(_df([{"name": "A"}]), _template(script="  ")).problems


def test_avatar_and_voice_columns_replace_the_template_choice() -> None:
    df = _df([{"name": "Ann", "city": "Oslo", "avatar_id": "look_ready", "voice_id": "voice_b"}])
    checked = check_rows(df, _template(avatar_id=None, voice_id=None), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.problems == [] and checked.ready_rows == [1]


# -- row checks

def test_ready_rows_and_minutes() -> None:
    words = " ".join(["word"] * 146)
    df = _df([{"name": "Ann", "city": "Oslo"}, {"name": "Bob", "city": words}])
    checked = check_rows(df, _template(), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.ok and checked.ready_rows == [1, 2]
    first, second = checked.rows
    assert first.ready and first.script_chars == len("Hi Ann, welcome to Oslo!")
    assert second.minutes == pytest.approx(150 / 150)
    assert checked.minutes == pytest.approx((5 + 150) / 150)
    assert spoken_minutes("one two three") == pytest.approx(3 / 150)


def test_empty_value_for_a_used_column_names_the_column() -> None:
    df = _df([{"name": "Ann", "city": " "}, {"name": "", "city": "Rome"}, {"name": "Cid", "city": "Oslo", "unused": ""}])
    checked = check_rows(df, _template(title="{{name}}"), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.rows[0].problems == ("The column “city” is empty, and the script uses it.",)
    assert checked.rows[1].problems == ("The column “name” is empty, and the script uses it.",)
    assert checked.rows[2].ready and checked.ready_rows == [3]
    assert checked.row_problems() == {1: list(checked.rows[0].problems), 2: list(checked.rows[1].problems)}


def test_empty_value_used_only_by_the_title_says_title() -> None:
    df = _df([{"name": "Ann", "city": "Oslo", "company": ""}])
    checked = check_rows(df, _template(title="{{company}}"))
    assert checked.rows[0].problems == ("The column “company” is empty, and the title uses it.",)


def test_script_that_renders_empty() -> None:
    df = _df([{"name": "   "}])
    t = _template(script="{{name}}", title="x")
    checked = check_rows(df, t)
    assert checked.rows[0].problems == ("The column “name” is empty, and the script uses it.",)
    assert check_rows(df, t).rows[0].script_chars == 0


def test_script_over_the_limit_names_its_length() -> None:
    df = _df([{"name": "x" * 4990, "city": "Oslo"}, {"name": "y", "city": "Oslo"}])
    checked = check_rows(df, _template())
    assert checked.rows[0].problems == (
        f"The script is {4990 + 21:,} characters long for this row; HeyGen takes at most 5,000.",
    )
    assert checked.rows[1].ready
    assert check_rows(df, _template(), max_chars=10_000).rows[0].ready


def test_exactly_the_limit_is_fine() -> None:
    df = _df([{"name": "x" * (5000 - 21), "city": "Oslo"}])
    row = check_rows(df, _template()).rows[0]
    assert row.script_chars == 5000 and row.ready


def test_unknown_avatar_and_voice_ids_name_their_source() -> None:
    df = _df([
        {"name": "Ann", "city": "Oslo", "avatar_id": "look_gone", "voice_id": ""},
        {"name": "Bob", "city": "Rome", "avatar_id": "", "voice_id": "voice_gone"},
    ])
    checked = check_rows(df, _template(voice_id="voice_missing"), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.rows[0].problems == (
        "The avatar “look_gone” from the column “avatar_id” is not one of this account's avatar looks.",
        "The voice “voice_missing” from the template is not one of this account's voices.",
    )
    assert checked.rows[1].problems == (
        "The voice “voice_gone” from the column “voice_id” is not one of this account's voices.",
    )


def test_look_not_ready_is_reported() -> None:
    df = _df([{"name": "Ann", "city": "Oslo"}])
    checked = check_rows(df, _template(avatar_id="look_training"), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.rows[0].problems == (
        "The avatar “look_training” from the template is still being prepared at HeyGen and cannot be used yet.",
    )


def test_empty_override_cell_without_template_choice() -> None:
    df = _df([{"name": "Ann", "city": "Oslo", "avatar_id": "", "voice_id": ""}])
    checked = check_rows(df, _template(avatar_id=None, voice_id=None), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.problems == []
    assert checked.rows[0].problems == (
        "The column “avatar_id” is empty and no avatar was chosen for all rows.",
        "The column “voice_id” is empty and no voice was chosen for all rows.",
    )


def test_known_voices_may_be_a_mapping_of_voice_objects() -> None:
    df = _df([{"name": "Ann", "city": "Oslo"}])
    voices = {"voice_a": Voice(voice_id="voice_a", name="A")}
    assert check_rows(df, _template(), known_avatars=AVATARS, known_voices=voices).ok
    assert not check_rows(df, _template(voice_id="voice_b"), known_avatars=AVATARS, known_voices=voices).ok


def test_catalogue_checks_are_skipped_when_not_given() -> None:
    df = _df([{"name": "Ann", "city": "Oslo"}])
    assert check_rows(df, _template(avatar_id="anything", voice_id="whatever")).ok


def test_checks_on_a_file_read_from_csv_with_multiline_cells() -> None:
    df = read_csv('name,city\n"Ann\nMarie",Oslo\n')
    checked = check_rows(df, _template())
    assert checked.ok and checked.rows[0].script_chars == len("Hi Ann\nMarie, welcome to Oslo!")
