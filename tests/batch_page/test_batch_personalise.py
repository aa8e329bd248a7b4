"""The Batch page's personalisation in AppTest against a sandbox over real HTTP: placeholder defaults
({{first_name|there}}) in the preview and the checks, a row's own avatar look, voice (by id or name)
and background checked before anything is sent and sent as HeyGen expects, and the pronunciation
list: edited on the page, applied to the script sent, kept with the batch and on each row's job."""

from __future__ import annotations

from collections import Counter

from heygen import Client
from tests.batch_page.page_helpers import (
    API_KEY, errors, has_button, metric, open_page, run, table_with, text, tick_until, upload, video_posts,
)


def fill(at, look_id: str, script: str, title: str = "For {{first_name|you}}"):
    at.text_area(key="batch_script").input(script)
    at.text_input(key="batch_title").input(title)
    run(at)
    at.button(key=f"batch_av_pick_{look_id}").click()
    return run(at)


def checks(at):
    return table_with(at, "Check").set_index("Row")["Check"]


def edit_pronunciations(at, *lines: dict):
    """Type lines into the (empty) pronunciation table, as the browser's editor reports them."""
    editor = next(e for e in at.data_editor if e.key == "batch_pronounce_editor")
    at.session_state[editor.key] = {"edited_rows": {}, "added_rows": list(lines), "deleted_rows": []}
    return run(at)


# -- defaults -----------------------------------------------------------------------------------


def test_a_default_stands_in_for_an_empty_cell_in_the_preview_and_the_checks(cat):
    at = upload(open_page(), b"first_name,company\nAna,Acme\n,Harbour\nChloe,\n")
    assert "{{first_name|there}}" in text(at), "the template step says how to write a default"
    fill(at, cat[0][0], "Hi {{ first_name | there }}! Hello to everyone at {{company}}.")
    table = checks(at)
    assert table[1] == table[2] == "✓ Ready", "an empty first_name says the default instead of being skipped"
    assert "The column “company” is empty, and the script uses it." in table[3]
    assert metric(at, "Ready rows") == "2 of 3"

    at.selectbox(key="batch_preview_row").set_value(2)
    run(at)
    preview = text(at)
    assert "**For you**" in preview
    assert "Hi :violet[there]! Hello to everyone at **Harbour**." in preview
    assert "defaults in violet" in preview

    at.text_area(key="batch_script").input("Hi {{first_name|}}, hello to everyone at {{company}}.")
    run(at)
    assert "Hi, hello to everyone at **Harbour**." in text(at), "an empty default says nothing"
    assert checks(at)[2] == "✓ Ready"


def test_an_unknown_column_is_named_without_its_default(cat):
    at = upload(open_page(), b"first_name,company\nAna,Acme\n")
    fill(at, cat[0][0], "Hi {{ firstname | there }}!")
    assert "uses {{firstname}}, but the file has no column “firstname” (did you mean “first_name”?)" in errors(at)
    assert at.button(key="batch_start_sample").disabled


# -- a row's own look, voice and background -----------------------------------------------------


def test_each_rows_look_voice_and_background_are_checked_then_sent(cat, sandbox, worker):
    ready, _, english = cat
    with Client(API_KEY, sandbox.base_url) as client:
        voices = client.voices.list()
    names = Counter(v.name.casefold() for v in voices)
    unique = next(v for v in voices if v.voice_id in english and names[v.name.casefold()] == 1)
    shared = next(v.name for v in voices if names[v.name.casefold()] == 2)
    data = (
        "first_name,avatar_id,voice_id,background\n"
        f"Ana,,{unique.name.lower()},https://cdn.example.com/office.png\n"
        "Ben,no_such_look,,\n"
        f"Chloe,,{shared},\n"
        "Dev,,,https://cdn.example.com/loop.mp4\n"
        "Ema,,,the blue one\n"
        f"Finn,{ready[1]},{english[1]},\n"
    ).encode()
    at = upload(open_page(), data)
    note = "\n".join(str(i.value) for i in at.info)
    assert "**background** column" in note and "a voice's name" in note and "replaces" in note
    fill(at, ready[0], "Hi {{first_name}}!")
    table = checks(at)
    assert table[1] == table[6] == "✓ Ready"
    assert "The avatar “no_such_look” from the column “avatar_id” is not one of this account's avatar looks." in table[2]
    assert f"The voice name “{shared}” in the column “voice_id” fits 2 voices" in table[3]
    assert "is a video (.mp4); HeyGen can put only a picture behind the avatar" in table[4]
    assert "“the blue one” in the column “background” is neither a link" in table[5]
    assert metric(at, "Ready rows") == "2 of 6"
    assert "**Row 3:** The voice name" in text(at)

    at.selectbox(key="batch_preview_row").set_value(3)
    run(at)
    assert "names a voice that is not in the voice list (or that several voices are called)" in text(at)
    at.selectbox(key="batch_preview_row").set_value(1)
    run(at)
    assert "Background from the “background” column: https://cdn.example.com/office.png" in text(at)
    assert "names a voice" not in text(at), "row 1's voice is found by its name"

    at.selectbox(key="batch_sample_row").set_value(1)
    run(at)
    at.button(key="batch_start_sample").click()
    run(at)
    tick_until(at, worker, lambda a: video_posts(sandbox))
    body = video_posts(sandbox)[0]["request_json"]
    assert body["script"] == "Hi Ana!"
    assert body["voice_id"] == unique.voice_id, "the name is sent as the voice's id"
    assert body["background"] == {"type": "image", "url": "https://cdn.example.com/office.png"}
    assert body["avatar_id"] == ready[0]


# -- pronunciations -----------------------------------------------------------------------------


def test_pronunciations_change_what_is_said_and_stay_with_the_batch(cat, sandbox, worker):
    at = upload(open_page(), b"first_name,company\nSiobhan,Acme\nBen,Harbour\n")
    fill(at, cat[0][0], "Hi {{first_name}}! Siobhan from {{company}} here.")
    edit_pronunciations(at, {"Written": "Siobhan", "Spoken": "shi-VAWN"}, {"Written": "Nguyen", "Spoken": None})
    assert "Pronunciation line 2: say how “Nguyen” is spoken, or remove the line." in text(at)
    assert metric(at, "Ready rows") == "0 of 2", "an unfinished line holds every row back"

    edit_pronunciations(at, {"Written": "Siobhan", "Spoken": "shi-VAWN"})
    preview = text(at)
    assert "Hi **Siobhan**! Siobhan from **Acme** here." in preview, "the preview shows the script as written"
    assert "Said as: Hi shi-VAWN! shi-VAWN from Acme here." in preview
    assert metric(at, "Ready rows") == "2 of 2"

    at.button(key="batch_start_sample").click()
    run(at)
    batch_id = at.query_params.get("batch")
    tick_until(at, worker, lambda a: video_posts(sandbox))
    assert video_posts(sandbox)[0]["request_json"]["script"] == "Hi shi-VAWN! shi-VAWN from Acme here."
    assert "Said as: Hi shi-VAWN! shi-VAWN from Acme here." in text(at), "the sample shows what is said"
    assert "1 pronunciation" in text(at)
    job = worker.store.get(worker.batches.row(batch_id, 1).job_id)
    assert job.inputs["script"] == "Hi shi-VAWN! shi-VAWN from Acme here."
    assert job.inputs["written_script"] == "Hi Siobhan! Siobhan from Acme here."
    assert job.inputs["values"] == {"first_name": "Siobhan", "company": "Acme"}

    at.button(key="batch_edit").click()
    run(at)
    assert not has_button(at, "batch_approve")
    editor = next(e for e in at.data_editor if e.key == "batch_pronounce_editor")
    assert editor.value.to_dict("records") == [{"Written": "Siobhan", "Spoken": "shi-VAWN"}]
    assert "Said as: Hi shi-VAWN! shi-VAWN from Acme here." in text(at), "the list comes back with the template"
