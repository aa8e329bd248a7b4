"""NAME / VALUE: every substituted value is spoken, spelled as sent (case, accents, punctuation and
hyphens aside); another name in its place, or none, is the top finding."""

from __future__ import annotations

from heygen.studio.qa import Kind, check_script
from tests.qa.subtitles import cue_starts, srt_of

SCRIPT = "Hi John, thanks for joining us today. We're glad you're here, John."


def test_a_name_said_as_another_is_found_with_the_word_said_its_cue_and_column():
    srt = srt_of("Hi John, thanks for joining us today.", "We're glad you're here, Jon.")
    report = check_script(SCRIPT, srt, values={"first_name": "John"})
    top = report.findings[0]
    assert (top.kind, top.expected, top.spoken, top.column) == (Kind.NAME, "John", "Jon", "first_name")
    assert top.moment == cue_starts(srt)[1] and top.cues == (2, 2)
    assert report.status == "findings"


def test_siobhan_said_shivon_is_a_different_name():
    script = "Siobhan, your order has shipped."
    report = check_script(script, srt_of("Shivon, your order has shipped."), values={"first_name": "Siobhan"})
    assert [(f.kind, f.expected, f.spoken) for f in report.open] == [(Kind.NAME, "Siobhan", "Shivon")]


def test_a_name_not_said_is_found_between_its_neighbours():
    script = "Hi Oluwaseun, welcome to the team. See you on Monday."
    srt = srt_of("Hi, welcome to the team.", "See you on Monday.")
    report = check_script(script, srt, values={"first_name": "Oluwaseun"})
    top = report.findings[0]
    assert (top.kind, top.expected, top.spoken) == (Kind.NAME, "Oluwaseun", None)
    assert 0.0 < top.moment < cue_starts(srt)[1] and top.cues == (1, 1)


def test_case_accents_punctuation_and_hyphens_are_not_differences():
    cases = [
        ("Zoë", "Thanks, Zoë!", "thanks ZOË"),
        ("Nguyễn", "Welcome, Nguyễn.", "Welcome, Nguyen."),
        ("José", "Hola José.", "Hola Jose."),
        ("Jürgen", "Danke, Jürgen.", "Danke, Juergen."),
        ("Mary-Ann", "Hi Mary-Ann.", "Hi Mary Ann."),
        ("Mary Ann", "Hi Mary Ann.", "Hi Maryann."),
        ("O'Brien", "Dear Ms O'Brien,", "Dear Ms OBrien,"),
        ("Priya", "This is Priya's plan.", "This is Priya's plan."),
    ]
    for value, script, spoken in cases:
        report = check_script(script, srt_of(spoken), values={"first_name": value})
        assert report.status == "ok", (value, report.findings)


def test_jon_is_not_john_and_ann_is_not_anne():
    for value, said in (("John", "Jon"), ("Anne", "Ann"), ("Sarah", "Sara"), ("Catherine", "Katherine")):
        report = check_script(f"Hello {value}, good to see you.", srt_of(f"Hello {said}, good to see you."),
                              values={"first_name": value})
        assert [(f.expected, f.spoken) for f in report.open] == [(value, said)]


def test_a_name_said_with_an_extra_name_is_found():
    report = check_script("Hey José, thanks for stopping by.", srt_of("Hey Jose Luis, thanks for stopping by."),
                          values={"first_name": "José"})
    assert [(f.kind, f.expected, f.spoken) for f in report.open] == [(Kind.NAME, "José", "Jose Luis")]


def test_a_wrong_name_comes_before_other_findings():
    script = "Hi John. The plan costs $1,299. Talk soon."
    report = check_script(script, srt_of("Hi Jon. The plan costs $1,399. Talk soon."), values={"first_name": "John"})
    assert [f.kind for f in report.findings] == [Kind.NAME, Kind.NUMBER]


def test_a_name_split_across_cues_and_a_company_of_two_words():
    script = "Welcome to the team at Acme Corp, Oluwaseun."
    srt = srt_of("Welcome to the team at Acme", "Corp, Oluwaseun.")
    report = check_script(script, srt, values={"company": "Acme Corp", "first_name": "Oluwaseun"})
    assert report.status == "ok"
    wrong = check_script(script, srt_of("Welcome to the team at Acne Corp, Oluwaseun."),
                         values={"company": "Acme Corp", "first_name": "Oluwaseun"})
    assert [(f.kind, f.expected, f.spoken, f.column) for f in wrong.open] == [
        (Kind.NAME, "Acme Corp", "Acne Corp", "company")]


def test_a_value_that_is_not_a_name_is_a_value_finding():
    script = "You are on the annual plan."
    report = check_script(script, srt_of("You are on the monthly plan."), values={"plan": "annual plan"})
    assert [(f.kind, f.expected, f.spoken, f.column) for f in report.open] == [
        (Kind.VALUE, "annual plan", "monthly plan", "plan")]


def test_a_value_missing_from_the_script_must_still_be_spoken():
    said = check_script("Hello there.", srt_of("Hello there, Priya."), values={"first_name": "Priya"})
    assert said.status == "ok"
    unsaid = check_script("Hello there.", srt_of("Hello there."), values={"first_name": "Priya"})
    assert [(f.kind, f.expected, f.spoken) for f in unsaid.open] == [(Kind.NAME, "Priya", None)]


def test_empty_values_and_a_name_said_right_once_and_dropped_with_a_sentence_elsewhere():
    script = "Hi Priya. Priya, this sentence is dropped entirely from the video. Bye."
    report = check_script(script, srt_of("Hi Priya.", "Bye."), values={"first_name": "Priya", "city": ""})
    assert [f.kind for f in report.open] == [Kind.MISSING_SENTENCE]


def test_a_short_sentence_whose_name_is_swapped_is_not_also_missing():
    report = check_script("Hi Seo-yeon! Welcome to the team.", srt_of("Hi Emeka! Welcome to the team."),
                          values={"first_name": "Seo-yeon"})
    assert [(f.kind, f.expected, f.spoken) for f in report.open] == [(Kind.NAME, "Seo-yeon", "Emeka")]


def test_a_new_sentence_after_a_name_is_not_part_of_it():
    report = check_script("Hi John! Welcome aboard.", srt_of("Hi John! Great to see you. Welcome aboard."),
                          values={"first_name": "John"})
    assert [f.kind for f in report.open] == [Kind.EXTRA_SENTENCE]


def test_subtitles_showing_a_pronunciation_respelling_say_the_written_word():
    script = "Hi Siobhan, welcome to Nguyễn Partners."
    srt = srt_of("Hi shi-VAWN, welcome to nwin Partners.")
    values = {"first_name": "Siobhan", "company": "Nguyễn Partners"}
    said_as = {"Siobhan": "shi-VAWN", "Nguyễn": "nwin"}
    report = check_script(script, srt, values=values, said_as=said_as)
    assert report.status == "ok", report.findings
    assert check_script(script, srt, values=values, said_as=list(said_as.items())).status == "ok"
    assert [f.spoken for f in check_script(script, srt, values=values).open][:1] == ["shi-VAWN"]
    wrong = check_script(script, srt_of("Hi Shivon, welcome to nwin Partners."), values=values, said_as=said_as)
    assert [(f.expected, f.spoken) for f in wrong.open] == [("Siobhan", "Shivon")]
