"""Tests for placeholder defaults ({{column|default}}), the pronunciation list and what a row's job keeps
(heygen.studio.batch.placeholders, pronounce, rowtext, template and checks)."""

from __future__ import annotations

import pandas as pd
import pytest

from heygen.studio.batch import (
    BatchTemplate, Pronunciation, RowText, check_rows, keep_known, parse, pieces, placeholders, read_csv, render,
    stored_text,
)
from heygen.studio.batch.pronounce import MAX_PRONUNCIATIONS, PronunciationIssue, apply, clean, issues

AVATARS = {"look_ready": True}
VOICES = {"voice_a"}


def _df(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=str)


def _template(**kw) -> BatchTemplate:
    base = dict(script="Hi {{first_name|there}}, welcome to {{city}}!", title="For {{first_name|you}}",
                avatar_id="look_ready", voice_id="voice_a")
    base.update(kw)
    return BatchTemplate(**base)


# -- defaults: reading and rendering


def test_a_default_follows_the_bar_and_spaces_around_it_do_not_count() -> None:
    found = parse("{{first_name|there}} {{ first name | dear friend }} {{name|}} {{plain}} {{ |x}} {{a|b|c}}")
    assert [(p.name, p.default) for p in found] == [
        ("first_name", "there"), ("first name", "dear friend"), ("name", ""), ("plain", None), ("", "x"),
        ("a", "b|c"),
    ]
    assert placeholders("{{name|there}} {{ name }} {{name|}}") == ["name"]


def test_an_empty_cell_says_the_default_and_a_filled_cell_ignores_it() -> None:
    assert render("Hi {{name|there}}!", {"name": ""}) == "Hi there!"
    assert render("Hi {{name | there}}!", {"name": "  "}) == "Hi there!"
    assert render("Hi {{name|there}}!", {"name": None}) == "Hi there!"
    assert render("Hi {{name|there}}!", {"name": "Ann"}) == "Hi Ann!"
    assert render("Hi {{name}}!", {"name": ""}) == "Hi !"  # no default: the row is skipped by the checks
    with pytest.raises(KeyError):
        render("Hi {{nme|there}}!", {"name": "Ann"})


def test_an_empty_default_says_nothing_and_takes_the_space_before_it_along() -> None:
    assert render("Hi {{name|}}, welcome.", {"name": ""}) == "Hi, welcome."
    assert render("Hello {{name|}} and welcome.", {"name": ""}) == "Hello and welcome."
    assert render("See you, {{name|}}", {"name": ""}) == "See you,"
    assert render("Hi {{name|}}, welcome.", {"name": "Ann"}) == "Hi Ann, welcome."
    assert render("{{greeting|}} {{name}}", {"greeting": "", "name": "Ann"}) == " Ann"


def test_pieces_tell_values_defaults_and_empty_cells_apart() -> None:
    parts = pieces("Hi {{a|there}} {{b}} {{c}}", {"a": "", "b": "Bo", "c": " "})
    assert [(p.text, p.column, p.defaulted, p.empty) for p in parts] == [
        ("Hi ", None, False, False), ("there", "a", True, False), (" ", None, False, False),
        ("Bo", "b", False, False), (" ", None, False, False), (" ", "c", False, True),
    ]


def test_keep_known_keeps_defaults_as_written() -> None:
    assert keep_known("Hi {{ first_name | there }} from {{firstname|x}}!", ["first_name"]) == \
        "Hi {{ first_name | there }} from !"


# -- defaults: checks


def test_a_row_with_an_empty_cell_uses_the_default_instead_of_being_skipped() -> None:
    df = _df([{"first_name": "Ann", "city": "Oslo"}, {"first_name": " ", "city": "Rome"}, {"first_name": "Cy", "city": ""}])
    checked = check_rows(df, _template(), known_avatars=AVATARS, known_voices=VOICES)
    assert checked.problems == []
    assert checked.ready_rows == [1, 2]
    assert checked.rows[1].script_chars == len("Hi there, welcome to Rome!")
    assert checked.rows[2].problems == ("The column “city” is empty, and the script uses it.",)
    template = _template()
    assert template.spec_for(df.iloc[1].to_dict(), 2).script == "Hi there, welcome to Rome!"
    assert template.title_for(df.iloc[1].to_dict(), 2) == "For you"


def test_a_placeholder_without_default_still_needs_the_value_where_it_is_used() -> None:
    df = _df([{"first_name": "", "city": "Oslo"}])
    in_title = check_rows(df, _template(title="For {{first_name}}"))
    assert in_title.rows[0].problems == ("The column “first_name” is empty, and the title uses it.",)
    twice = check_rows(df, _template(script="Hi {{first_name|there}}. Bye {{first_name}}.", title=""))
    assert twice.rows[0].problems == ("The column “first_name” is empty, and the script uses it.",)
    assert _template().needs_value() == {"city": "script"}


def test_a_script_of_only_an_empty_default_comes_out_empty() -> None:
    df = _df([{"first_name": ""}])
    checked = check_rows(df, _template(script="{{first_name|}}", title="x"))
    assert checked.rows[0].problems == ("The script comes out empty for this row.",)


def test_unknown_columns_are_named_by_what_comes_before_the_bar() -> None:
    df = _df([{"first_name": "Ann", "city": "Oslo"}])
    checked = check_rows(df, _template(script="Hi {{ firstname | there }} in {{city}}", title="{{ |x}}"))
    assert checked.problems[0] == ("The script uses {{firstname}}, but the file has no column “firstname” "
                                   "(did you mean “first_name”?).")
    assert any("The title has an empty placeholder" in p for p in checked.problems)
    assert not any("there" in p for p in checked.problems)


def test_values_kept_for_a_row_include_defaults_and_leave_out_what_said_nothing() -> None:
    template = _template(script="Hi {{first_name|there}}{{ title|}}, from {{city}}. {{city}} again.")
    text = template.text_for({"first_name": "", "title": "", "city": " Oslo "})
    assert text == RowText(written="Hi there, from  Oslo .  Oslo  again.", spoken="Hi there, from  Oslo .  Oslo  again.",
                           values={"first_name": "there", "city": "Oslo"})


# -- pronunciations


def test_pronunciations_replace_whole_words_with_their_case_longest_first_and_once() -> None:
    entries = clean([("Siobhan", "shi-VAWN"), ("Anne", "an"), ("Anne Marie", "an ma-REE"), ("shi", "SHE")])
    assert apply("Siobhan's call: Siobhan, siobhan, Siobhanx, Anne Marie and Anne.", entries) == \
        "shi-VAWN's call: shi-VAWN, siobhan, Siobhanx, an ma-REE and an."
    assert apply("", entries) == "" and apply("Siobhan", ()) == "Siobhan"


def test_the_list_is_cleaned_from_any_of_its_stored_forms() -> None:
    expected = (Pronunciation("Siobhan", "shi-VAWN"), Pronunciation("Nguyen", "win"))
    assert clean([(" Siobhan ", "shi-VAWN"), ("", None), ("Nguyen", " win ")]) == expected
    assert clean({"Siobhan": "shi-VAWN", "Nguyen": "win"}) == expected
    assert clean([{"written": "Siobhan", "spoken": "shi-VAWN"}, ["Nguyen", "win"], "junk", ("a", "b", "c")]) == expected
    assert clean(None) == ()
    assert clean([("Ny  Ånd", float("nan"))]) == (Pronunciation("Ny Ånd", ""),)


def test_what_keeps_the_list_from_being_used_is_found_line_by_line() -> None:
    entries = clean([("Siobhan", ""), ("", "win"), ("Siobhan", "shi-VAWN"), ("{{name}}", "x"), ("Ok", "y" * 101)])
    assert issues(entries) == [
        PronunciationIssue("no_spoken", 1, "Siobhan"), PronunciationIssue("no_written", 2),
        PronunciationIssue("repeated", 3, "Siobhan"), PronunciationIssue("braces", 4, "{{name}}"),
        PronunciationIssue("too_long", 5, "Ok"),
    ]
    many = clean([(f"w{i}", "x") for i in range(MAX_PRONUNCIATIONS + 1)])
    assert issues(many) == [PronunciationIssue("too_many", MAX_PRONUNCIATIONS + 1)]


def test_list_problems_are_template_problems_in_plain_sentences() -> None:
    df = _df([{"first_name": "Ann", "city": "Oslo"}])
    checked = check_rows(df, _template(pronunciations=[("Siobhan", ""), ("Siobhan", "shi-VAWN")]))
    assert checked.problems == [
        "Pronunciation line 1: say how “Siobhan” is spoken, or remove the line.",
        "Pronunciation line 2: “Siobhan” is already listed above; keep one line for it.",
    ]
    assert checked.ready_rows == []


def test_the_script_sent_is_pronounced_while_the_row_keeps_the_written_one() -> None:
    template = _template(script="Hi {{first_name}}, Siobhan here from {{city}}.",
                         pronunciations=[("Siobhan", "shi-VAWN"), ("Nguyen", "win")])
    row = {"first_name": "Nguyen", "city": "Cork"}
    text = template.text_for(row)
    assert text.written == "Hi Nguyen, Siobhan here from Cork."
    assert text.spoken == "Hi win, shi-VAWN here from Cork."
    assert text.values == {"first_name": "Nguyen", "city": "Cork"}
    assert template.spec_for(row, 1).script == text.spoken
    assert template.title_for(row, 1) == "For Nguyen"  # titles keep the written names


def test_the_length_check_counts_the_script_as_sent() -> None:
    df = _df([{"first_name": "Al", "city": "x" * (5000 - len("Hi Al, welcome to !"))}])
    exact = check_rows(df, _template()).rows[0]
    assert exact.ready and exact.script_chars == 5000
    longer = check_rows(df, _template(pronunciations=[("Al", "Alfonso")])).rows[0]
    assert longer.script_chars == 5005 and not longer.ready


def test_a_template_keeps_its_pronunciations_and_voice_names_and_older_ones_still_load() -> None:
    template = _template(pronunciations=[("Siobhan", "shi-VAWN")], voice_names={"Ana - Calm": "voice_a"})
    data = template.to_dict()
    assert data["pronunciations"] == [{"written": "Siobhan", "spoken": "shi-VAWN"}]
    assert data["voice_names"] == {"Ana - Calm": "voice_a"}
    assert BatchTemplate.from_dict(data) == template
    older = {k: v for k, v in data.items() if k not in ("pronunciations", "voice_names")}
    loaded = BatchTemplate.from_dict(older)
    assert loaded.pronunciations == () and loaded.voice_names == ()
    assert loaded.spec_for({"first_name": "Siobhan", "city": "Cork"}, 1).script == "Hi Siobhan, welcome to Cork!"
    assert BatchTemplate.from_dict({**older, "pronunciations": "junk", "voice_names": [1, 2]}).pronunciations == ()


# -- what a row's job keeps


def test_stored_text_reads_a_row_job_and_falls_back_for_older_jobs() -> None:
    text = RowText(written="Hi Siobhan.", spoken="Hi shi-VAWN.", values={"first_name": "Siobhan"})
    inputs = {"spec": {"script": "Hi shi-VAWN."}, "batch": {"row": 1}, **text.to_inputs()}
    assert inputs["script"] == "Hi shi-VAWN." and inputs["written_script"] == "Hi Siobhan."
    assert stored_text(inputs) == text
    assert stored_text({"spec": {"script": "Hello."}, "batch": {"row": 2}}) == RowText("Hello.", "Hello.", {})
    assert stored_text({"spec": {"audio_url": "https://x/a.mp3"}}) is None
    assert stored_text(None) is None


def test_the_runner_keeps_written_script_and_values_on_each_job(store, runner, client, sandbox, catalogue) -> None:
    ready, _, voices = catalogue
    df = read_csv("first_name,city\nSiobhan,Cork\n,Galway\n")
    template = BatchTemplate(script="Hi {{first_name|there}}, Siobhan from {{city}} here.", title="For {{first_name|you}}",
                             avatar_id=ready[0], voice_id=voices[0], pronunciations=[("Siobhan", "shi-VAWN")])
    checks = check_rows(df, template, known_avatars={i: True for i in ready}, known_voices=set(voices))
    batch = store.create("sandbox:batchtest", df, template, checks=checks)
    assert store.require(batch.id).template.pronunciations == (Pronunciation("Siobhan", "shi-VAWN"),)
    store.start_sample(batch.id, 1)
    runner.step(client, batch.id)
    job = store.jobs.get(store.row(batch.id, 1).job_id)
    assert job.inputs["script"] == job.inputs["spec"]["script"] == "Hi shi-VAWN, shi-VAWN from Cork here."
    assert job.inputs["written_script"] == "Hi Siobhan, Siobhan from Cork here."
    assert job.inputs["values"] == {"first_name": "Siobhan", "city": "Cork"}
    assert job.inputs["batch"] == {"id": batch.id, "name": batch.name, "row": 1}
    assert job.title == "For Siobhan"
    sent = [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    assert sent[0]["request_json"]["script"] == "Hi shi-VAWN, shi-VAWN from Cork here."
    assert stored_text(job.inputs) == RowText("Hi Siobhan, Siobhan from Cork here.",
                                              "Hi shi-VAWN, shi-VAWN from Cork here.",
                                              {"first_name": "Siobhan", "city": "Cork"})
    row_two = batch.template.text_for(store.row(batch.id, 2).data)
    assert row_two.written == "Hi there, Siobhan from Galway here." and row_two.values["first_name"] == "there"
