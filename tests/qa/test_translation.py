"""check_translation: a translation keeps its source's numbers, names and addresses."""

from __future__ import annotations

from heygen.studio.qa import Kind, check_translation
from tests.qa.subtitles import cue_starts, srt_of

SOURCE = srt_of("Hi, I'm Priya from HeyGen.", "Our plan costs $1,299 from 14 March.", "Visit heygen.com to save 25%.")


def test_a_faithful_translation_in_other_words_and_formats():
    spanish = srt_of("Hola, soy Priya de HeyGen.", "Nuestro plan cuesta 1.299 $ desde el 14 de marzo.",
                     "Visita heygen.com para ahorrar un 25 %.")
    german = srt_of("Hallo, ich bin Priya von HeyGen.", "Unser Plan kostet 1.299 $ ab dem 14. März.",
                    "Besuchen Sie heygen.com und sparen Sie 25 %.")
    french = srt_of("Bonjour, je suis Priya de HeyGen.", "Notre offre coûte 1 299 $ à partir du 14 mars.",
                    "Rendez-vous sur heygen.com pour économiser 25 %.")
    for translated in (spanish, german, french):
        report = check_translation(SOURCE, translated)
        assert report.status == "ok" and report.mode == "translation", report.findings


def test_a_changed_number_is_found_next_to_its_source_with_the_moment_of_the_translation():
    translated = srt_of("Hola, soy Priya de HeyGen.", "Nuestro plan cuesta 1.399 $ desde el 14 de marzo.",
                        "Visita heygen.com para ahorrar un 25 %.")
    report = check_translation(SOURCE, translated)
    assert [(f.kind, f.expected, f.spoken, f.fact) for f in report.open] == [(Kind.NUMBER, "$1,299", "1.399 $", "price")]
    assert report.open[0].moment == cue_starts(translated)[1] and report.open[0].cues == (2, 2)


def test_a_lost_name_and_a_changed_date():
    translated = srt_of("Hola, soy Pria de HeyGen.", "Nuestro plan cuesta 1.299 $ desde el 15 de marzo.",
                        "Visita heygen.com para ahorrar un 25 %.")
    found = [(f.kind, f.expected, f.spoken) for f in check_translation(SOURCE, translated).open]
    assert found == [(Kind.NAME, "Priya", "Pria"), (Kind.NUMBER, "14 March", "15 de marzo")]


def test_spelled_numbers_in_the_source_need_not_survive():
    source = srt_of("We have three plans for Acme.")
    assert check_translation(source, srt_of("Tenemos tres planes para Acme.")).status == "ok"


def test_missing_subtitles():
    assert check_translation("", SOURCE).status == "no_subtitles"
    assert check_translation(SOURCE, None).status == "no_subtitles"


def test_only_the_names_given_are_required_when_given():
    source = srt_of("Visit our Growth Hub, Priya.")
    translated = srt_of("Visita nuestro centro de crecimiento, Priya.")
    assert [(f.kind, f.expected) for f in check_translation(source, translated).open] == [(Kind.NAME, "Growth Hub")]
    assert check_translation(source, translated, names=["Priya"]).status == "ok"
    lost = check_translation(source, srt_of("Visita nuestro centro de crecimiento."), names=["Priya"])
    assert [(f.kind, f.expected) for f in lost.open] == [(Kind.NAME, "Priya")]
