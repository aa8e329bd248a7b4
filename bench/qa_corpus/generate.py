"""Corpus for bench/bench_qa.py: (script, SRT) pairs as a finished video's subtitles would show them.

Scripts are built from sentence templates with CSV values filled in (names from many languages,
companies, cities) and facts in many written forms: prices, percentages, dates, times, counts,
years, phone numbers, order numbers, web and e-mail addresses. What the video says is made by a
small text-to-speech imitation: each fact is said in one of the ways TTS says it ("$1,299" ->
"one thousand two hundred ninety-nine dollars", "twelve ninety-nine dollars" or kept as written;
"14 March" -> "March 14th", "the fourteenth of March"; "heygen.com" -> "heygen dot com"; phone
numbers digit by digit), contractions opened or closed, "Dr." said "Doctor", some commas and
hyphens dropped, and on a few tracks no punctuation at all. The words are cut into cues of 4 to
11 words (most cues end at a sentence end), timed at 2.3 to 2.8 words a second by the words TTS
says (a number shown as digits takes as long as its words), with pauses after sentences.

About half the pairs are clean; each other pair has exactly one mistake, one of: a name said as
another name ("name"), a number, price, percentage, date or time said with another value
("number"), a sentence not said ("missing_sentence"), a placeholder left unfilled in the script as
sent ("placeholder"), the video stretched or squeezed well past the expected length ("length").
The mistake is recorded with the pair (kind, the text expected, what was said instead).

Nothing here uses heygen.studio.qa: the generator has its own number speller, so the bench does
not grade the checker against itself. Two splits are written with different seeds: "dev" (used
while tuning the checker) and "heldout" (only reported).

    .venv/bin/python bench/qa_corpus/generate.py [--pairs 1000] [--dev-seed 20240611] [--heldout-seed 8675309]

Each line of corpus.jsonl: id, split, seed, script (as sent), srt, values (the CSV row's filled-in
columns), expected_seconds (heygen.studio.scripting.estimated_seconds of the script), error (None,
or kind, expected and, for names and numbers, what was said instead).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from heygen.studio import srt  # noqa: E402
from heygen.studio.scripting import estimated_seconds  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
DEV_SEED = 20240611
HELDOUT_SEED = 8675309
PAIRS = 1000  # per split
MISTAKES = ("name", "number", "missing_sentence", "placeholder", "length")

FIRST_NAMES = [
    "Siobhan", "José", "Zoë", "Oluwaseun", "Jürgen", "Priya", "Aoife", "Niamh", "Saoirse", "Björn", "Søren", "Łukasz",
    "Małgorzata", "François", "Anaïs", "Chloé", "Renée", "Thảo", "Minh", "Hiroshi", "Yuki", "Chidi", "Ngozi", "Kwame",
    "Amara", "Ana", "João", "Inês", "Mateo", "Sofía", "Zeynep", "Çağla", "Mehmet", "Aditya", "Lakshmi", "Sanjay",
    "Fatima", "Omar", "Aisha", "Dmitri", "Olga", "Katarzyna", "Giulia", "Matteo", "Ingrid", "Astrid", "Lars", "Mei",
    "Wei", "John", "Sean", "Catherine", "Stephen", "Sarah", "Anne", "Mary-Ann", "Eoghan", "Tadhg", "Nguyễn", "Bảo",
    "Seo-yeon", "Ji-ho", "Rafael", "Ximena", "Joaquín", "Ayşe", "Håkon", "Oisín", "Dagný", "Emeka", "Chiamaka",
]
LAST_NAMES = [
    "O'Brien", "McAllister", "Müller", "García", "Núñez", "Łowicka", "Adeyemi", "Okafor", "Takahashi", "Kowalski",
    "Dubois", "Rossi", "Andersson", "Øvergaard", "Nguyễn", "Trần", "Sharma", "Iyer", "Haddad", "Petrov", "Silva",
    "Fernández", "Schröder", "Ní Bhriain", "Van der Berg", "Kim", "Park", "Yılmaz", "Mensah", "Lindqvist",
]
# Names said as a similar name: the kind of slip a wrong row or a misheard spelling makes.
NAME_SLIPS = {
    "John": "Jon", "Sean": "Shaun", "Siobhan": "Shivon", "Catherine": "Katherine", "Sarah": "Sara", "Stephen": "Steven",
    "Zoë": "Zoey", "Anne": "Ann", "Priya": "Pria", "Aoife": "Eefa", "Niamh": "Neve", "Oluwaseun": "Oluwasegun",
    "José": "Jose Luis", "Mateo": "Matteo", "Matteo": "Mateo", "Sofía": "Sophia", "Aisha": "Aysha", "Omar": "Omer",
    "Dmitri": "Dmitry", "Giulia": "Julia", "Lars": "Lasse", "Mei": "May", "Wei": "Way", "Mary-Ann": "Marian",
    "Eoghan": "Owen", "Tadhg": "Tiger", "Saoirse": "Sersha", "Björn": "Bjorne", "Chloé": "Clo", "Renée": "Rene",
    "Ingrid": "Ingrit", "Astrid": "Astri", "Kwame": "Kwami", "Chidi": "Chidy",
}
COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella Health", "Nordwind GmbH", "Café Lumière", "Ōkami Studios",
             "Zürich Partners", "Brightwave", "Kestrel Labs", "Lagos Fintech", "Maple & Oak", "Sólvangur", "Tienda Sol",
             "Hanoi Coffee Co", "Fjord Analytics", "Bluebird Logistics", "Pixelforge", "Northwind Traders", "Vértice"]
CITIES = ["Lisbon", "Kraków", "Reykjavík", "Montréal", "Düsseldorf", "São Paulo", "Lagos", "Bengaluru", "Cork",
          "Hanoi", "Osaka", "Nairobi", "Istanbul", "Göteborg", "Mexico City", "Accra", "Dublin", "Seoul"]
PRODUCTS = ["Studio", "Pro plan", "Team plan", "Insights dashboard", "Starter kit", "Enterprise suite", "mobile app"]
DOMAINS = ["heygen.com", "acme.io", "globex.co.uk", "brightwave.ai", "kestrel-labs.dev", "pixelforge.app",
           "nordwind.de", "tiendasol.es", "fjord.no", "northwind.com"]
PATHS = ["", "", "/demo", "/pricing", "/webinar", "/start", "/help"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

# ------------------------------------------------------------------------------------------ speller

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
        "twelve": "twelfth"}


def say(n: int, british: bool = False) -> str:
    """A whole number in English words, e.g. 1299 -> "one thousand two hundred ninety-nine"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        head = _ONES[n // 100] + " hundred"
        return head if not rest else head + (" and " if british else " ") + say(rest)
    for scale, word in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= scale:
            rest = n % scale
            head = say(n // scale, british) + " " + word
            if not rest:
                return head
            return head + (" and " if british and rest < 100 else " ") + say(rest, british)
    raise ValueError(n)


def say_ordinal(n: int) -> str:
    words = say(n)
    last = words.replace("-", " ").split()[-1]
    if last in _ORD:
        new = _ORD[last]
    elif last.endswith("y"):
        new = last[:-1] + "ieth"
    else:
        new = last + "th"
    return words[: len(words) - len(last)] + new


def say_pairs(n: int) -> str:
    """A four-digit number said in pairs: 1299 -> "twelve ninety-nine", 2025 -> "twenty twenty-five"."""
    high, low = divmod(n, 100)
    if low == 0:
        return say(high) + " hundred"
    return say(high) + " " + (say(low) if low >= 10 else "oh " + say(low))


def say_year(y: int, rng: random.Random) -> str:
    if 2000 <= y < 2010:
        return say(y)
    return rng.choice([say_pairs(y), say(y)]) if y >= 2010 else say_pairs(y)


def say_digits(digits: str) -> str:
    return " ".join(rng_digit(d) for d in digits)


def rng_digit(d: str) -> str:
    return _ONES[int(d)]


def suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# ------------------------------------------------------------------------------------------ facts
# A fact: what is written, how it can be said (a list to choose from) and how to make it wrong.


class Fact:
    kind = "fact"

    def written(self) -> str:
        raise NotImplementedError

    def said(self, rng: random.Random) -> str:
        raise NotImplementedError

    def spelled(self) -> str:
        """Every word TTS says for it, whatever the subtitles show: what its time is made of."""
        raise NotImplementedError

    def changed(self, rng: random.Random) -> Fact:
        raise NotImplementedError


class Price(Fact):
    kind = "price"

    def __init__(self, rng: random.Random, cents: int | None = None, symbol: str | None = None):
        self.symbol = symbol or rng.choice(["$", "$", "$", "€", "£"])
        if cents is None:
            cents = rng.choice([rng.randint(5, 99) * 100, rng.randint(1, 49) * 100 + 99,
                                rng.randint(100, 999) * 100 + rng.choice([0, 50, 99]), rng.randint(1000, 9999) * 100,
                                rng.randint(10, 99) * 100_000])
        self.cents = cents

    def spelled(self) -> str:
        whole, cents = divmod(self.cents, 100)
        unit = {"$": "dollars", "€": "euros", "£": "pounds"}[self.symbol]
        return f"{say(whole)} {unit}" + (f" and {say(cents)} cents" if cents else "")

    def written(self) -> str:
        whole, cents = divmod(self.cents, 100)
        text = f"{whole:,}" + (f".{cents:02d}" if cents else "")
        return f"{self.symbol}{text}"

    def said(self, rng: random.Random) -> str:
        whole, cents = divmod(self.cents, 100)
        unit = {"$": "dollars", "€": "euros", "£": "pounds"}[self.symbol]
        small = {"$": "cents", "€": "cents", "£": "pence"}[self.symbol]
        forms = [self.written(), f"{whole:,}" + (f".{cents:02d}" if cents else "") + f" {unit}"]
        if cents:
            forms.append(f"{say(whole)} {unit} and {say(cents)} {small}")
            if whole < 100:  # "twelve ninety-nine"
                forms.append(f"{say(whole)} {say(cents) if cents >= 10 else 'oh ' + say(cents)}")
        else:
            forms.append(f"{say(whole, rng.random() < 0.3)} {unit}")
            if 1000 < whole < 10000 and whole % 100:
                forms.append(f"{say_pairs(whole)} {unit}")
                forms.append(f"{say_pairs(whole)}")
        return rng.choice(forms)

    def changed(self, rng: random.Random) -> Fact:
        whole, cents = divmod(self.cents, 100)
        if cents and rng.random() < 0.4:
            return Price(rng, whole * 100 + (cents + rng.choice([-50, 20, -10])) % 100 or 49, self.symbol)
        step = 100 if whole >= 100 else 10 if whole >= 20 else 1
        new = whole + rng.choice([1, -1]) * step * rng.randint(1, 3)
        return Price(rng, max(1, new) * 100 + cents, self.symbol)


class Percent(Fact):
    kind = "percent"

    def __init__(self, rng: random.Random, value: int | None = None):
        self.value = value if value is not None else rng.choice([5, 10, 12, 14, 15, 16, 18, 20, 25, 30, 33, 40, 45, 50,
                                                                 60, 65, 75, 80, 90, 99])

    def spelled(self) -> str:
        return f"{say(self.value)} percent"

    def written(self) -> str:
        return f"{self.value}%"

    def said(self, rng: random.Random) -> str:
        return rng.choice([self.written(), f"{self.value} percent", f"{say(self.value)} percent",
                           f"{say(self.value)} per cent"])

    def changed(self, rng: random.Random) -> Fact:
        slips = {13: 30, 14: 40, 15: 50, 16: 60, 17: 70, 18: 80, 19: 90, 30: 13, 40: 14, 50: 15, 60: 16, 70: 17,
                 80: 18, 90: 19}
        if self.value in slips and rng.random() < 0.5:
            return Percent(rng, slips[self.value])
        return Percent(rng, self.value + rng.choice([5, 10, -5]) if self.value > 5 else self.value + 5)


class Day(Fact):
    kind = "date"

    def __init__(self, rng: random.Random, month: int | None = None, day: int | None = None, year: int | None = None,
                 style: int | None = None):
        self.month = month or rng.randint(1, 12)
        self.day = day or rng.randint(1, 28)
        self.year = year if year is not None else rng.choice([None, None, 2025, 2026])
        self.style = style if style is not None else rng.randint(0, 3)

    def spelled(self) -> str:
        return f"{MONTHS[self.month - 1]} {say_ordinal(self.day)}" + (f" {say_pairs(self.year)}" if self.year else "")

    def written(self) -> str:
        m = MONTHS[self.month - 1]
        year = f" {self.year}" if self.year else ""
        if self.style == 0:
            return f"{self.day} {m}{year}"
        if self.style == 1:
            return f"{m} {self.day}" + (f", {self.year}" if self.year else "")
        if self.style == 2:
            return f"{m} {self.day}{suffix(self.day)}" + (f", {self.year}" if self.year else "")
        return f"the {self.day}{suffix(self.day)} of {m}{year}"

    def said(self, rng: random.Random) -> str:
        m = MONTHS[self.month - 1]
        year = ""
        if self.year:
            year = rng.choice([f" {self.year}", f", {say_year(self.year, rng)}", f" {say_year(self.year, rng)}"])
        return rng.choice([
            self.written(), f"{m} {self.day}{suffix(self.day)}{year}", f"the {say_ordinal(self.day)} of {m}{year}",
            f"{m} {say_ordinal(self.day)}{year}", f"{self.day} {m}{year}",
        ])

    def changed(self, rng: random.Random) -> Fact:
        if rng.random() < 0.8:
            day = self.day + rng.choice([1, 2, -1]) if self.day > 2 else self.day + 1
            return Day(rng, self.month, day, self.year, self.style)
        return Day(rng, self.month % 12 + 1, self.day, self.year, self.style)


class Clock(Fact):
    kind = "time"

    def __init__(self, rng: random.Random, hour: int | None = None, minute: int | None = None,
                 pm: bool | None = None, style: int | None = None):
        self.hour = hour or rng.randint(1, 11)
        self.minute = minute if minute is not None else rng.choice([0, 0, 15, 30, 45])
        self.pm = pm if pm is not None else rng.random() < 0.6
        self.style = style if style is not None else rng.choice([0, 0, 1, 2])  # 12-hour, 24-hour, "3:00 pm"

    @property
    def hour24(self) -> int:
        return self.hour + 12 if self.pm else self.hour

    def spelled(self) -> str:
        return f"{say(self.hour)} {say(self.minute) if self.minute else ''} p m"

    def written(self) -> str:
        half = "pm" if self.pm else "am"
        if self.style == 1:
            return f"{self.hour24}:{self.minute:02d}"
        if self.style == 2 or self.minute:
            return f"{self.hour}:{self.minute:02d} {half}"
        return f"{self.hour} {half}"

    def said(self, rng: random.Random) -> str:
        half = rng.choice(["p.m.", "PM", "pm"]) if self.pm else rng.choice(["a.m.", "AM", "am"])
        forms = [self.written(), f"{say(self.hour)} {say(self.minute)} {half}" if self.minute
                 else f"{say(self.hour)} {half}"]
        if self.style == 1:
            forms.append(f"{say(self.hour24)} {say(self.minute) if self.minute else 'hundred'}")
        if not self.minute:
            forms.append(f"{say(self.hour)} o'clock {half}")
        return rng.choice(forms)

    def changed(self, rng: random.Random) -> Fact:
        return Clock(rng, self.hour % 11 + 1, self.minute, self.pm, self.style)


class Count(Fact):
    kind = "count"

    def __init__(self, rng: random.Random, value: int | None = None):
        self.value = value if value is not None else rng.choice([
            rng.randint(2, 12), rng.randint(13, 99), rng.randint(1, 9) * 100, rng.randint(1, 50) * 1000,
            rng.randint(1000, 9999), rng.randint(10000, 250000), rng.randint(11, 19) * 100,
            rng.randint(1, 9) * 1_000_000 + rng.choice([0, 500_000])])

    def spelled(self) -> str:
        return say(self.value)

    def written(self) -> str:
        if self.value >= 1_000_000 and self.value % 100_000 == 0 and self.shorthand:
            return f"{self.value / 1_000_000:g} million"
        return f"{self.value:,}" if self.value >= 1000 else str(self.value)

    @property
    def shorthand(self) -> bool:
        return self.value % 1_000_000 != 0 or self.value % 2_000_000 == 0

    def said(self, rng: random.Random) -> str:
        forms = [self.written(), say(self.value, rng.random() < 0.3)]
        if self.value >= 1_000_000 and self.value % 100_000 == 0:
            millions = self.value / 1_000_000
            whole, tenth = divmod(self.value // 100_000, 10)
            forms.append(f"{say(whole)} point {say(tenth)} million" if tenth else f"{say(whole)} million")
            forms.append(f"{millions:g} million")
        if 1100 <= self.value < 10000 and self.value % 100 == 0 and self.value % 1000:
            forms.append(say(self.value // 100) + " hundred")
        return rng.choice(forms)

    def changed(self, rng: random.Random) -> Fact:
        v = self.value
        if v < 10:
            return Count(rng, v + rng.choice([1, 2]) if v < 8 else v - 2)
        digits = list(str(v))
        nonzero = [i for i, d in enumerate(digits) if d != "0"] or [0]
        if rng.random() < 0.3 and len(digits) >= 2 and len(set(digits)) > 1:  # two digits swapped
            k = rng.randrange(len(digits) - 1)
            while digits[k] == digits[k + 1]:
                k = (k + 1) % (len(digits) - 1)
            digits[k], digits[k + 1] = digits[k + 1], digits[k]
        else:
            k = rng.choice(nonzero)
            digits[k] = str((int(digits[k]) + rng.choice([1, 2, 3])) % 10)
        if digits[0] == "0":
            digits[0] = "1"
        new = int("".join(digits))
        return Count(rng, new if new != v else v + 1)


class Year(Fact):
    kind = "year"

    def __init__(self, rng: random.Random, value: int | None = None):
        self.value = value or rng.randint(1995, 2024)

    def spelled(self) -> str:
        return say_pairs(self.value)

    def written(self) -> str:
        return str(self.value)

    def said(self, rng: random.Random) -> str:
        return rng.choice([self.written(), say_year(self.value, rng)])

    def changed(self, rng: random.Random) -> Fact:
        return Year(rng, self.value + rng.choice([1, -1, 2]))


class Phone(Fact):
    kind = "phone"

    def __init__(self, rng: random.Random, groups: list[str] | None = None, style: int | None = None):
        self.style = style if style is not None else rng.randint(0, 2)
        if groups is None:
            if self.style == 0:
                groups = [str(rng.randint(200, 999)), str(rng.randint(200, 999)), f"{rng.randint(0, 9999):04d}"]
            elif self.style == 1:
                groups = ["+44", "20", f"{rng.randint(1000, 9999)}", f"{rng.randint(0, 9999):04d}"]
            else:
                groups = [f"0{rng.randint(10, 99)}", f"{rng.randint(100, 999)}", f"{rng.randint(0, 9999):04d}"]
        self.groups = groups

    def spelled(self) -> str:
        return " ".join(("plus " if g.startswith("+") else "") + say_digits(g.lstrip("+")) for g in self.groups)

    def written(self) -> str:
        if self.style == 0:
            return "-".join(self.groups)
        return " ".join(self.groups)

    def said(self, rng: random.Random) -> str:
        if rng.random() < 0.3:
            return self.written()
        parts = []
        for g in self.groups:
            if g.startswith("+"):
                parts.append("plus " + say_digits(g[1:]))
            else:
                parts.append(" ".join(rng.choice(["oh", "zero"]) if d == "0" else _ONES[int(d)] for d in g))
        return ", ".join(parts)

    def changed(self, rng: random.Random) -> Fact:
        groups = list(self.groups)
        k = rng.randrange(1 if groups[0].startswith("+") else 0, len(groups))
        g = list(groups[k])
        p = rng.randrange(1 if g[0] in "+0" else 0, len(g))
        g[p] = str((int(g[p]) + rng.randint(1, 8)) % 10)
        groups[k] = "".join(g)
        return Phone(rng, groups, self.style)


class Order(Fact):
    kind = "order"

    def __init__(self, rng: random.Random, value: str | None = None):
        self.value = value or str(rng.randint(10000, 999999))

    def spelled(self) -> str:
        return say_digits(self.value)

    def written(self) -> str:
        return self.value

    def said(self, rng: random.Random) -> str:
        return rng.choice([self.value, say_digits(self.value)])

    def changed(self, rng: random.Random) -> Fact:
        d = list(self.value)
        k = rng.randrange(len(d))
        d[k] = str((int(d[k]) + rng.randint(1, 8)) % 10)
        if d[0] == "0":
            d[0] = "7"
        return Order(rng, "".join(d))


class Link(Fact):
    kind = "url"

    def __init__(self, rng: random.Random):
        self.domain = rng.choice(DOMAINS)
        self.path = rng.choice(PATHS)
        self.www = rng.random() < 0.25

    def spelled(self) -> str:
        return (self.domain + self.path).replace(".", " dot ").replace("/", " slash ").replace("-", " dash ")

    def written(self) -> str:
        return ("www." if self.www else "") + self.domain + self.path

    def said(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return self.written()
        spoken = self.domain.replace(".", " dot ").replace("-", " dash ")
        if self.path:
            spoken += " slash " + self.path.strip("/")
        if self.www and rng.random() < 0.5:
            spoken = "w w w dot " + spoken
        return spoken

    def changed(self, rng: random.Random) -> Fact:
        raise ValueError("addresses are not changed")


class Mail(Fact):
    kind = "email"

    def __init__(self, rng: random.Random):
        self.local = rng.choice(["hello", "sales", "support", "anna", "team", "info", "priya.sharma", "jo"])
        self.domain = rng.choice(DOMAINS)

    def spelled(self) -> str:
        return f"{self.local} at {self.domain}".replace(".", " dot ").replace("-", " dash ")

    def written(self) -> str:
        return f"{self.local}@{self.domain}"

    def said(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return self.written()
        return self.local.replace(".", " dot ") + " at " + self.domain.replace(".", " dot ").replace("-", " dash ")

    def changed(self, rng: random.Random) -> Fact:
        raise ValueError("addresses are not changed")


class Rating(Fact):
    kind = "rating"

    def __init__(self, rng: random.Random, tenths: int | None = None):
        self.tenths = tenths or rng.randint(35, 49)

    def spelled(self) -> str:
        return f"{say(self.tenths // 10)} point {say(self.tenths % 10)}"

    def written(self) -> str:
        return f"{self.tenths // 10}.{self.tenths % 10}"

    def said(self, rng: random.Random) -> str:
        return rng.choice([self.written(), self.spelled()])

    def changed(self, rng: random.Random) -> Fact:
        return Rating(rng, self.tenths + rng.choice([1, -1, -2]) if self.tenths > 36 else self.tenths + 2)


CHANGEABLE = (Price, Percent, Day, Clock, Count, Year, Phone, Order, Rating)

# ------------------------------------------------------------------------------------------ templates
# Slots: {first} {last} {company} {city} (CSV values); {product}; {price} {price2} {percent} {date} {date2}
# {time} {time2} {count} {small} {year} {phone} {order} {url} {email} (facts).

GREETINGS = [
    "Hi {first}!", "Hello {first}, and welcome.", "Good morning, {first}.", "Hey {first} — thanks for stopping by.",
    "Dear {first} {last},", "Hi {first}, it's great to meet you.", "{first}, this one's for you.",
    "Hello {first} {last}!", "Dear Dr. {last},",
]
BODY = [
    "We're excited to share our new {product} with the team at {company}.",
    "Our {product} costs {price} per year, and you'll save {percent} if you sign up before {date}.",
    "Join our live webinar on {date} at {time}.",
    "You can reach me directly at {phone}.",
    "Visit {url} to book a demo.",
    "Send your questions to {email}, and we'll reply within {small} hours.",
    "Last quarter, {company} grew revenue by {percent} to {price}.",
    "More than {count} teams in {city} already use it.",
    "That's {count} customers in {small} countries.",
    "It doesn't take long — most people finish setup in under {small} minutes.",
    "Your order number is {order}.",
    "Since {year}, we've helped over {count} businesses grow.",
    "I'll be in {city} on {date}, so let's meet for coffee.",
    "The early-bird price is {price}, down from {price2}.",
    "Don't forget: the offer ends on {date}.",
    "We can't wait to see what you build.",
    "Questions? Just reply to this video.",
    "Our support team is available from {time} to {time2}, Monday to Friday.",
    "Your trial includes {small} seats and {count} minutes of video.",
    "Shipping is free on orders over {price}.",
    "At {company}, we believe great stories deserve great videos.",
    "You've been with us since {year}, and we're grateful.",
    "Your renewal is due on {date}, and the new rate is {price} a month.",
    "Our team in {city} will call you on {date2}.",
    "Customers who switched saved {percent} on average.",
    "There's nothing to install, and it works on any device.",
    "Here's a quick look at what's new this month.",
    "Everything you need is at {url}.",
    "If anything's unclear, call us on {phone} or write to {email}.",
    "We've reserved {small} seats for {company} at the summit in {city}.",
    "The keynote starts at {time} on {date}.",
    "This is a well-known problem, and we've built a simple fix.",
    "Tickets cost {price}, or {price2} for the whole team.",
    "Our response rate is {percent}, the best in the industry.",
    "We're rated {rating} out of 5 by {count} reviewers.",
    "Support is open 24/7, and most projects take 3–5 days.",
    "Our latest round raised {count} dollars from {small} investors.",
    "{company}'s team in {city} now has {small} new members.",
]
CLOSINGS = [
    "Thanks, {first}, and see you soon!", "Talk soon.", "Have a great day, {first}.", "Cheers!",
    "See you on the inside.", "Thanks for watching, {first}.", "We'll be in touch.",
]
FACT_SLOTS = {"rating": Rating, "price": Price, "price2": Price, "percent": Percent, "date": Day, "date2": Day, "time": Clock,
              "time2": Clock, "count": Count, "year": Year, "phone": Phone, "order": Order, "url": Link,
              "email": Mail}
VALUE_SLOTS = {"first": "first_name", "last": "last_name", "company": "company", "city": "city"}
PLACEHOLDER_FORMS = ["{{%s}}", "{{%s}}", "{%s}", "[%s]", "<%s>", "%%%s%%", "{{%s|there}}"]
CONTRACTIONS = {"we're": "we are", "you'll": "you will", "it's": "it is", "that's": "that is", "don't": "do not",
                "we've": "we have", "can't": "cannot", "i'll": "I will", "let's": "let us", "doesn't": "does not",
                "you've": "you have", "there's": "there is", "here's": "here is", "anything's": "anything is",
                "we'll": "we will", "one's": "one is"}

# ------------------------------------------------------------------------------------------ pairs


class Piece:
    """A stretch of a sentence: plain text, a CSV value or a fact."""

    def __init__(self, text: str = "", column: str | None = None, fact: Fact | None = None):
        self.text, self.column, self.fact = text, column, fact

    def written(self, values: dict[str, str]) -> str:
        if self.fact is not None:
            return self.fact.written()
        if self.column is not None:
            return values[self.column]
        return self.text


def _pieces(template: str, rng: random.Random) -> list[Piece]:
    out: list[Piece] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        out.append(Piece(before))
        if slot in VALUE_SLOTS:
            out.append(Piece(column=VALUE_SLOTS[slot]))
        elif slot == "product":
            out.append(Piece(rng.choice(PRODUCTS)))
        elif slot == "small":
            out.append(Piece(fact=Count(rng, rng.randint(2, 12))))
        else:
            out.append(Piece(fact=FACT_SLOTS[slot](rng)))
    out.append(Piece(rest))
    return out


def _tts_words(text: str, rng: random.Random) -> str:
    """Plain text as TTS subtitles show it: contractions opened or closed, some commas, dashes and
    hyphens dropped."""
    words = []
    for word in text.split(" "):
        low = word.lower().strip(",.!?:;—")
        if low in CONTRACTIONS and rng.random() < 0.3:
            full = CONTRACTIONS[low]
            if word[:1].isupper():
                full = full[:1].upper() + full[1:]
            word = word.replace(word.strip(",.!?:;—"), full)
        words.append(word)
    out = " ".join(words)
    if rng.random() < 0.5:
        out = out.replace("Dr.", "Doctor")
    if rng.random() < 0.3:
        out = out.replace(",", "")
    if rng.random() < 0.5:
        out = out.replace(" —", ",")
    if rng.random() < 0.3:
        out = out.replace("-", " ")
    return out


def _plain(text: str) -> str:
    """``text`` without accents, as some subtitle tracks write names ("Jürgen" -> "Jurgen")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _slip(name: str, rng: random.Random) -> str:
    """Another name said in place of ``name``: a known slip, a one-letter misspelling, or another person's."""
    roll = rng.random()
    if name in NAME_SLIPS and roll < 0.5:
        return NAME_SLIPS[name]
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if roll < 0.8 and len(letters) >= 4:
        i = rng.choice(letters[1:])
        edit = rng.choice(["swap", "drop", "double", "vowel"])
        if edit == "drop":
            new = name[:i] + name[i + 1:]
        elif edit == "double":
            new = name[:i] + name[i] + name[i:]
        elif edit == "swap" and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
            new = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        else:
            vowels = "aeiouy"
            ch = name[i].lower()
            new = name[:i] + (rng.choice([v for v in vowels if v != ch]) if ch in vowels else "e") + name[i + 1:]
        if _plain(new).lower() != _plain(name).lower():
            return new
    return rng.choice([n for n in FIRST_NAMES if n != name and n not in name and _plain(n) != _plain(name)])


def make_pair(rng: random.Random, number: int, split: str, mistake: str | None) -> dict:
    values = {"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(LAST_NAMES),
              "company": rng.choice(COMPANIES), "city": rng.choice(CITIES)}
    body = rng.sample(BODY, rng.randint(3, 6))
    sentences = [rng.choice(GREETINGS)] + body + ([rng.choice(CLOSINGS)] if rng.random() < 0.8 else [])
    sentences = [_pieces(s, rng) for s in sentences]
    error: dict | None = None
    said_values = dict(values)
    leftover: tuple[int, int, str] | None = None  # sentence, piece, placeholder text
    said_fact: dict[tuple[int, int], Fact] = {}
    dropped: int | None = None
    stretch = 1.0
    used_columns = sorted({p.column for s in sentences for p in s if p.column})

    if mistake == "name":
        places = [(i, k) for i, s in enumerate(sentences) for k, p in enumerate(s) if p.column == "first_name"]
        if places:
            i, k = rng.choice(places)
            wrong = _slip(values["first_name"], rng)
            said_fact[(i, k)] = None  # marker: say the wrong name here
            said_values = {**values, "__slip__": wrong, "__slip_at__": f"{i}:{k}"}
            error = {"kind": "name", "expected": values["first_name"], "spoken": wrong}
    elif mistake == "number":
        places = [(i, k) for i, s in enumerate(sentences) for k, p in enumerate(s)
                  if p.fact is not None and isinstance(p.fact, CHANGEABLE)]
        if places:
            i, k = rng.choice(places)
            fact = sentences[i][k].fact
            new = fact.changed(rng)
            said_fact[(i, k)] = new
            error = {"kind": "number", "expected": fact.written(), "spoken": new.written()}
    elif mistake == "missing_sentence":
        if len(sentences) >= 4:
            dropped = rng.randrange(1, len(sentences))
            error = {"kind": "missing_sentence",
                     "expected": "".join(p.written(values) for p in sentences[dropped]).strip()}
    elif mistake == "placeholder":
        places = [(i, k) for i, s in enumerate(sentences) for k, p in enumerate(s) if p.column]
        if places:
            i, k = rng.choice(places)
            column = sentences[i][k].column
            form = rng.choice(PLACEHOLDER_FORMS)
            name = column.upper() if form in ("[%s]", "%%%s%%") else column
            if form == "<%s>":
                name = column.replace("_", " ")
            text = form % name
            leftover = (i, k, text)
            error = {"kind": "placeholder", "expected": text}
    elif mistake == "length":
        stretch = rng.choice([rng.uniform(1.4, 1.9), rng.uniform(0.5, 0.68)])
        error = {"kind": "length", "expected": f"{stretch:.2f}x"}
    if mistake and error is None:
        mistake = None

    accents_dropped = rng.random() < 0.15  # some subtitle tracks write names without accents
    script_parts: list[str] = []
    spoken_pieces: list[tuple[str, str]] = []  # (as the subtitles show it, as it takes time to say)
    for i, pieces in enumerate(sentences):
        written, said = [], []
        for k, p in enumerate(pieces):
            if leftover and (i, k) == leftover[:2]:
                written.append(leftover[2])
                shown = rng.choice([leftover[2], leftover[2], p.column.replace("_", " ")])
                said.append((shown, p.column.replace("_", " ")))
                continue
            w = p.written(values)
            written.append(w)
            if p.fact is not None:
                fact = said_fact.get((i, k)) or p.fact
                said.append((fact.said(rng), fact.spelled()))
            elif p.column is not None:
                name = said_values["__slip__"] if said_values.get("__slip_at__") == f"{i}:{k}" else w
                shown = _plain(name) if accents_dropped else name
                said.append((shown, name))
            else:
                shown = _tts_words(w, rng)
                said.append((shown, shown))
        script_parts.append("".join(written).strip())
        if i != dropped:
            if spoken_pieces:
                spoken_pieces.append((" ", " "))
            spoken_pieces.extend(said)
    joiner = rng.choice([" ", " ", "\n"])
    script = joiner.join(script_parts)
    expected = round(estimated_seconds(script), 2)
    timed = _timed_words(spoken_pieces)
    if rng.random() < 0.08:  # some subtitle tracks have no punctuation at all
        timed = [(w.rstrip(",.!?;:—"), t) for w, t in timed if w.rstrip(",.!?;:—")]
    srt_text = _subtitles(timed, rng, stretch)
    row_values = {c: values[c] for c in used_columns}
    if leftover:
        row_values.pop(sentences[leftover[0]][leftover[1]].column, None)
    return {"id": f"{split}-{number:04d}", "split": split, "script": script, "srt": srt_text, "values": row_values,
            "expected_seconds": expected, "error": error}


def _weight(word: str) -> float:
    """Seconds-at-one-word-a-second a word takes to say: a five-letter word is one."""
    return 0.6 + 0.08 * len(word.strip(",.!?:;—"))


def _timed_words(pieces: list[tuple[str, str]]) -> list[tuple[str, float]]:
    """The words the subtitles show, each with its share of the time its piece takes to say."""
    text_chars: list[str] = []
    weights: list[float] = []
    for shown, spelled in pieces:
        total = sum(_weight(w) for w in spelled.replace("-", " ").split())
        visible = sum(1 for ch in shown if not ch.isspace()) or 1
        for ch in shown:
            text_chars.append(ch)
            weights.append(0.0 if ch.isspace() else total / visible)
    words: list[tuple[str, float]] = []
    current, weight = [], 0.0
    for ch, w in zip(text_chars + [" "], weights + [0.0]):
        if ch.isspace():
            if current:
                words.append(("".join(current), weight))
            current, weight = [], 0.0
        else:
            current.append(ch)
            weight += w
    return words


def _subtitles(words: list[tuple[str, float]], rng: random.Random, stretch: float) -> str:
    """Cues of 4 to 11 words, timed at 2.3-2.8 words a second with pauses after sentences, lines
    wrapped at about 42 characters."""
    rate = rng.uniform(2.3, 2.8)
    cues = []
    clock = rng.uniform(0.0, 0.4)
    i = 0
    while i < len(words):
        size = rng.randint(4, 11)
        chunk: list[tuple[str, float]] = []
        while i < len(words) and len(chunk) < size:
            chunk.append(words[i])
            i += 1
            if chunk[-1][0][-1:] in ".!?" and len(chunk) >= 3 and rng.random() < 0.7:
                break
        seconds = sum(w for _, w in chunk) / rate
        start, end = clock, clock + seconds
        text = " ".join(word for word, _ in chunk)
        if len(text) > 42:
            cut = text.rfind(" ", 0, len(text) // 2 + 6)
            if cut > 0:
                text = text[:cut] + "\n" + text[cut + 1:]
        cues.append(srt.Cue(round(start * stretch, 3), round(end * stretch, 3), text))
        clock = end + (rng.uniform(0.25, 0.5) if chunk[-1][0][-1:] in ".!?" else rng.uniform(0.0, 0.12))
    return srt.serialise(cues)


def make_split(split: str, seed: int, pairs: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for n in range(pairs):
        mistake = None if rng.random() < 0.5 else rng.choice(MISTAKES)
        out.append({**make_pair(rng, n, split, mistake), "seed": seed})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help="pairs per split")
    parser.add_argument("--dev-seed", type=int, default=DEV_SEED)
    parser.add_argument("--heldout-seed", type=int, default=HELDOUT_SEED)
    parser.add_argument("--out", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    rows = make_split("dev", args.dev_seed, args.pairs) + make_split("heldout", args.heldout_seed, args.pairs)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds = {}
    for row in rows:
        key = (row["split"], row["error"]["kind"] if row["error"] else "clean")
        kinds[key] = kinds.get(key, 0) + 1
    print(f"wrote {len(rows)} pairs to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    for key in sorted(kinds):
        print(f"  {key[0]:8s} {key[1]:17s} {kinds[key]}")


if __name__ == "__main__":
    main()
