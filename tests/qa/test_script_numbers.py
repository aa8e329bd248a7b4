"""NUMBER: numbers, prices, percentages, dates, times, phone numbers and addresses are compared as
values, however they are written or said."""

from __future__ import annotations

import pytest

from heygen.studio.qa import Kind, check_script
from tests.qa.subtitles import cue_starts, srt_of


def numbers(report):
    return [(f.expected, f.spoken, f.fact) for f in report.open if f.kind == Kind.NUMBER]


@pytest.mark.parametrize("said", [
    "The Pro plan is $1,299 a year.",
    "The Pro plan is 1299 dollars a year.",
    "The Pro plan is one thousand two hundred ninety-nine dollars a year.",
    "The Pro plan is one thousand two hundred and ninety-nine dollars a year.",
    "The Pro plan is twelve ninety-nine a year.",
    "The Pro plan is twelve ninety-nine dollars a year.",
])
def test_a_price_said_in_any_of_its_forms(said):
    assert check_script("The Pro plan is $1,299 a year.", srt_of(said)).status == "ok"


def test_a_different_price_is_found_with_what_was_said_and_when():
    srt = srt_of("Welcome back.", "The Pro plan is one thousand three hundred ninety-nine dollars a year.")
    report = check_script("Welcome back. The Pro plan is $1,299 a year.", srt)
    assert numbers(report) == [("$1,299", "one thousand three hundred ninety-nine dollars", "price")]
    assert report.open[0].moment == cue_starts(srt)[1] and report.open[0].cues == (2, 2)


@pytest.mark.parametrize("said", ["on 14 March.", "on March 14th.", "on the fourteenth of March.",
                                  "on March fourteenth.", "on 14/03/2026."])
def test_a_date_said_in_any_of_its_forms(said):
    assert check_script("The webinar is on 14 March.", srt_of("The webinar is " + said)).status == "ok"


def test_a_different_date_is_found():
    report = check_script("The webinar is on 14 March.", srt_of("The webinar is on the fifteenth of March."))
    assert numbers(report) == [("14 March", "the fifteenth of March", "date")]


@pytest.mark.parametrize("said", ["25%", "25 percent", "twenty-five percent", "twenty five per cent"])
def test_a_percentage_said_in_any_of_its_forms(said):
    assert check_script("Save 25% today.", srt_of(f"Save {said} today.")).status == "ok"


def test_a_different_percentage_and_another_currency_are_found():
    assert numbers(check_script("Save 25% today.", srt_of("Save thirty-five percent today."))) == [
        ("25%", "thirty-five percent", "percent")]
    assert numbers(check_script("It costs $50.", srt_of("It costs 50 euros."))) == [("$50", "50 euros", "price")]


@pytest.mark.parametrize("script, said", [
    ("Visit heygen.com today.", "Visit heygen dot com today."),
    ("Visit https://www.heygen.com/pricing.", "Visit heygen dot com slash pricing."),
    ("Visit www.acme.io now.", "Visit w w w dot acme dot io now."),
    ("Visit kestrel-labs.dev now.", "Visit kestrel dash labs dot dev now."),
    ("Write to a@b.co today.", "Write to a at b dot co today."),
    ("Write to priya.sharma@acme.co.uk.", "Write to priya dot sharma at acme dot co dot uk."),
    ("Sign up at heygen.com.", "Sign up at heygen dot com."),
])
def test_addresses_said_aloud(script, said):
    assert check_script(script, srt_of(said)).status == "ok"


def test_a_different_address_is_found():
    assert numbers(check_script("Visit heygen.com today.", srt_of("Visit haygen dot com today."))) == [
        ("heygen.com", "haygen dot com", "url")]
    assert numbers(check_script("Write to anna@acme.io.", srt_of("Write to anna at acme dot com."))) == [
        ("anna@acme.io", "anna at acme dot com", "email")]


@pytest.mark.parametrize("said", [
    "Call 555-123-4567 now.",
    "Call five five five, one two three, four five six seven now.",
    "Call five five five one two three four five six seven now.",
])
def test_a_phone_number_said_digit_by_digit(said):
    assert check_script("Call 555-123-4567 now.", srt_of(said)).status == "ok"


def test_a_phone_number_with_a_wrong_digit_and_an_international_one():
    assert numbers(check_script("Call 555-123-4567 now.", srt_of("Call five five five, one two three, "
                                                                 "four five six eight now.")))[0][0] == "555-123-4567"
    assert check_script("Call +44 20 7946 0958.", srt_of("Call plus four four, two oh, seven nine four six, "
                                                         "oh nine five eight.")).status == "ok"


@pytest.mark.parametrize("script, said", [
    ("We have twenty-five seats.", "We have 25 seats."),
    ("It was founded in 2025.", "It was founded in twenty twenty-five."),
    ("It starts at 3:30 pm.", "It starts at three thirty p.m."),
    ("It costs $12.99.", "It costs twelve dollars and ninety-nine cents."),
    ("It costs $12.99.", "It costs twelve ninety-nine."),
    ("We reached 1.5 million users.", "We reached one point five million users."),
    ("Our rating is 4.8 out of 5.", "Our rating is four point eight out of five."),
    ("Your order number is 558361.", "Your order number is five five eight three six one."),
    ("It is open 24/7.", "It is open twenty-four seven."),
    ("Doors open at 14:30.", "Doors open at two thirty p.m."),
    ("Doors open at 3:00 pm.", "Doors open at three o'clock p.m."),
    ("It started in the 1990s.", "It started in the nineteen nineties."),
    ("Get 1/2 off.", "Get one half off."),
    ("Get 3/4 off.", "Get three quarters off."),
    ("Get 2/3 off.", "Get two thirds off."),
    ("Run 5km a day.", "Run five kilometers a day."),
    ("It is 2x faster with 16GB.", "It is two times faster with sixteen gigabytes."),
    ("We raised $2.5M.", "We raised two point five million dollars."),
])
def test_numbers_written_one_way_and_said_another(script, said):
    assert check_script(script, srt_of(said)).status == "ok"


def test_a_number_split_across_cues():
    srt = srt_of("The price is one thousand two hundred", "ninety-nine dollars, due on the", "fourteenth of March.")
    assert check_script("The price is $1,299, due on 14 March.", srt).status == "ok"


def test_a_number_in_a_substituted_value_carries_its_column():
    report = check_script("Your discount is 15% today.", srt_of("Your discount is fifty percent today."),
                          values={"discount": "15%"})
    assert [(f.kind, f.expected, f.spoken, f.column) for f in report.open] == [
        (Kind.NUMBER, "15%", "fifty percent", "discount")]


def test_numbers_with_units_and_fractions_are_still_compared():
    assert numbers(check_script("Run 5km a day.", srt_of("Run six kilometers a day."))) == [("5km", "six", "number")]
    assert numbers(check_script("Get 1/2 off.", srt_of("Get one third off."))) == [("1/2", "one third", "number")]
