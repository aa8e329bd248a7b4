"""Reading text into tokens: numbers in words and digits, dates, addresses, contractions."""

from __future__ import annotations

import pytest

from heygen.studio.qa.numbers import digits_reading, words_reading
from heygen.studio.qa.words import fold, tokenize


@pytest.mark.parametrize("words, values", [
    ("one thousand two hundred ninety-nine", {"1299"}),
    ("twelve ninety-nine", {"1299", "12.99"}),
    ("twenty twenty-five", {"2025", "20.25"}),
    ("nineteen hundred", {"1900"}),
    ("a hundred and fifty", {"150"}),
    ("three point one four", {"3.14"}),
    ("nine point five million", {"9500000"}),
    ("five five five", {"555"}),
    ("twelve oh five", {"1205", "12.05"}),
    ("twenty-first", {"21"}),
])
def test_number_words(words, values):
    assert set(words_reading(words.replace("-", " ").split()).values) == values


@pytest.mark.parametrize("digits, values", [
    ("1,299", {"1299"}), ("1.299", {"1299"}), ("0.125", {"0.125"}), ("12,99", {"12.99"}), ("1.299,50", {"1299.5"}), ("1,299.50", {"1299.5"}),
    ("3:30", {"330"}), ("0958", {"958", "0958"}), ("1\u00a0299", {"1299"}),
])
def test_digits(digits, values):
    assert set(digits_reading(digits).values) == values


def test_tokens_of_a_sentence():
    tokens = tokenize("We're offering $1,299 until 14 March at heygen.com. That's 25% off!")
    assert [t.key for t in tokens] == ["we", "are", "offering", "#n", "until", "#d", "at", "#u", "that", "is", "#n",
                                       "off"]
    assert [t.sentence for t in tokens][-3:] == [1, 1, 1]
    price = tokens[3]
    assert (price.fact, price.unit, price.raw) == ("price", "USD", "$1,299")


def test_spoken_and_written_forms_read_alike():
    said = tokenize("the fourteenth of March, twenty-five per cent, a at b dot co, one thousand dollars")
    written = tokenize("14 March, 25%, a@b.co, $1,000")
    assert [(t.key, t.values, t.unit) for t in said] == [(t.key, t.values, t.unit) for t in written]


def test_folding():
    assert fold("Zoë") == "zoe" and fold("Nguyễn") == "nguyen" and fold("Łukasz") == "lukasz"
    assert fold("O'Brien") == "obrien" and fold("Søren") == "soren" and fold("Jürgen") == "jurgen"
