"""MISSING_SENTENCE / EXTRA_SENTENCE from the word alignment, which is robust to punctuation, case,
contractions, hyphens and number forms."""

from __future__ import annotations

from heygen.studio.qa import Kind, check_script
from tests.qa.subtitles import cue_starts, srt_of

SCRIPT = ("Hi Anna, welcome aboard. We're thrilled you've joined the well-known team at Acme. "
          "Your first shift starts on Monday at nine. Don't hesitate to ask questions. See you soon!")


def test_a_clean_video_with_contractions_hyphens_case_and_punctuation_changed():
    srt = srt_of("hi anna welcome aboard", "We are thrilled you have joined the well known", "team at ACME!",
                 "Your first shift starts on Monday at 9.", "Do not hesitate to ask questions.", "See you soon.")
    report = check_script(SCRIPT, srt, values={"first_name": "Anna", "company": "Acme"})
    assert report.status == "ok" and report.findings == ()
    assert {p.op for p in report.pairs} == {"equal"}


def test_a_missing_sentence_is_found_where_it_should_have_been():
    srt = srt_of("Hi Anna, welcome aboard.", "We're thrilled you've joined the well-known team at Acme.",
                 "Don't hesitate to ask questions.", "See you soon!")
    report = check_script(SCRIPT, srt)
    missing = [f for f in report.open if f.kind == Kind.MISSING_SENTENCE]
    assert [f.expected for f in missing] == ["Your first shift starts on Monday at nine."]
    starts = cue_starts(srt)
    assert starts[1] < missing[0].moment <= starts[2] and missing[0].cues == (2, 3)
    assert missing[0].spoken is None


def test_an_extra_sentence_is_found_with_its_words_and_moment():
    srt = srt_of("Hi Anna, welcome aboard.", "We're thrilled you've joined the well-known team at Acme.",
                 "Your first shift starts on Monday at nine.", "Please bring your passport and two photos.",
                 "Don't hesitate to ask questions. See you soon!")
    report = check_script(SCRIPT, srt)
    extra = [f for f in report.open if f.kind == Kind.EXTRA_SENTENCE]
    assert [(f.expected, f.spoken) for f in extra] == [(None, "Please bring your passport and two photos.")]
    assert extra[0].moment == cue_starts(srt)[3] and extra[0].cues == (4, 4)


def test_one_changed_word_does_not_make_a_sentence_missing():
    srt = srt_of("Hi Anna, welcome aboard. We're thrilled you've joined the famous team at Acme.",
                 "Your first shift starts on Monday at nine. Don't hesitate to ask questions. See you soon!")
    assert check_script(SCRIPT, srt).status == "ok"


def test_the_side_by_side_pairs_show_each_operation_with_its_moment():
    srt = srt_of("Hi Anna, welcome aboard.", "Your first shift starts on Tuesday at nine.",
                 "Don't hesitate to ask questions, really. See you soon!")
    pairs = check_script(SCRIPT, srt).pairs
    ops = {p.op for p in pairs}
    assert {"equal", "delete", "replace", "insert"} <= ops
    replaced = next(p for p in pairs if p.op == "replace")
    assert (replaced.script, replaced.spoken) == (("Monday",), ("Tuesday",))
    assert replaced.moment == cue_starts(srt)[1] and replaced.cues == (2, 2)
    inserted = next(p for p in pairs if p.op == "insert")
    assert inserted.spoken == ("really",)
    deleted = next(p for p in pairs if p.op == "delete")
    assert deleted.script[0] == "We're" and deleted.spoken == ()


def test_a_number_said_with_another_value_is_a_replaced_pair():
    pairs = check_script("It costs $10 a month.", srt_of("It costs eleven dollars a month.")).pairs
    assert [(p.op, p.script, p.spoken) for p in pairs] == [
        ("equal", ("It", "costs"), ("It", "costs")), ("replace", ("$10",), ("eleven dollars",)),
        ("equal", ("a", "month"), ("a", "month"))]


def test_styling_tags_in_cues_are_not_words():
    srt = srt_of("<i>Hi Anna, welcome aboard.</i>", "{\\an8}We're thrilled you've joined the well-known team at Acme.",
                 '<font color="#fff">Your first shift starts on Monday at nine.</font>',
                 "Don't hesitate to ask questions. See you soon!")
    assert check_script(SCRIPT, srt).status == "ok"


def test_a_video_that_says_the_sentences_in_another_order():
    sentences = [f"Sentence number {n} talks about {topic} for {who}." for n, (topic, who) in enumerate(
        zip(["pricing", "support", "onboarding", "security", "billing", "training", "reports", "exports", "teams",
             "roles", "alerts", "search"],
            ["Anna", "Ben", "Chidi", "Dana", "Emeka", "Fatima", "Giulia", "Hiro", "Ines", "Jon", "Kwame", "Lars"]),
        start=1)]
    report = check_script(" ".join(sentences), srt_of(*reversed(sentences)))
    assert report.status == "findings"
    assert {f.kind for f in report.open} <= {Kind.MISSING_SENTENCE, Kind.EXTRA_SENTENCE, Kind.NUMBER}
    assert Kind.MISSING_SENTENCE in {f.kind for f in report.open}
