"""Tests for heygen.studio.batch.csvfile: reading uploaded or pasted CSVs, and refusing bad ones with plain messages."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from heygen.studio.batch import MAX_ROWS, BatchInputError, read_csv
from heygen.studio.batch.csvfile import (
    MAX_BYTES, CellTooLongError, CsvTooLargeError, TooManyRowsError, check_size, utf8_size,
)

REPO = Path(__file__).resolve().parents[2]


def test_plain_comma_file_keeps_everything_as_strings() -> None:
    df = read_csv(b"name,age,zip\nAnn,42,01234\nBob,,007\n")
    assert list(df.columns) == ["name", "age", "zip"]
    assert df.to_dict("records") == [
        {"name": "Ann", "age": "42", "zip": "01234"},
        {"name": "Bob", "age": "", "zip": "007"},
    ]


def test_empty_cells_and_na_like_words_stay_text() -> None:
    df = read_csv("name,note\nNA,\nnull,None\n")
    assert df.to_dict("records") == [{"name": "NA", "note": ""}, {"name": "null", "note": "None"}]


def test_bom_is_dropped_from_the_first_column_name() -> None:
    df = read_csv("\ufeffname,city\nAnn,Paris\n".encode("utf-8"))
    assert list(df.columns) == ["name", "city"]
    pasted = read_csv("\ufeffname,city\nAnn,Paris\n")
    assert list(pasted.columns) == ["name", "city"]


def test_semicolon_file_is_detected() -> None:
    df = read_csv("name;city;greeting\nAnn;Paris;Hello, there\nBob;Rome;Ciao\n".encode())
    assert list(df.columns) == ["name", "city", "greeting"]
    assert df.loc[0, "greeting"] == "Hello, there"


def test_quoted_fields_with_separators_quotes_and_line_breaks() -> None:
    text = 'name,script\n"Smith, Ann","Line one\nLine two, with a comma and ""quotes"""\nBob,plain\n'
    df = read_csv(text.encode())
    assert df.loc[0, "name"] == "Smith, Ann"
    assert df.loc[0, "script"] == 'Line one\nLine two, with a comma and "quotes"'
    assert len(df) == 2


def test_semicolon_detection_ignores_commas_inside_quoted_header() -> None:
    df = read_csv('"last, first";city\n"Doe, Jane";Oslo\n')
    assert list(df.columns) == ["last, first", "city"]


def test_crlf_blank_lines_and_all_empty_rows_are_ignored_and_cells_trimmed() -> None:
    df = read_csv(b" name , city \r\n Ann ,  Paris \r\n\r\n,\r\nBob,Rome\r\n\r\n")
    assert list(df.columns) == ["name", "city"]
    assert df.to_dict("records") == [{"name": "Ann", "city": "Paris"}, {"name": "Bob", "city": "Rome"}]


def test_non_utf8_file_is_refused_naming_the_line_and_the_fix() -> None:
    data = "name,city\nAnn,Paris\nJosé,Málaga\n".encode("cp1252")
    with pytest.raises(BatchInputError) as info:
        read_csv(data)
    message = str(info.value)
    assert "UTF-8" in message and "line 3" in message and "CSV UTF-8" in message


def test_utf16_file_is_refused() -> None:
    with pytest.raises(BatchInputError, match="UTF-16"):
        read_csv("name,city\nAnn,Paris\n".encode("utf-16"))


@pytest.mark.parametrize("data", [b"", b"   \n\n", "", "\ufeff", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data) -> None:
    with pytest.raises(BatchInputError, match="^The file is empty"):
        read_csv(data)


def test_header_only_is_refused() -> None:
    with pytest.raises(BatchInputError, match="column names but no rows"):
        read_csv(b"name,city\n")
    with pytest.raises(BatchInputError, match="column names but no rows"):
        read_csv(b"name,city\n,\n\n")


def test_row_with_too_many_values_names_its_line() -> None:
    with pytest.raises(BatchInputError) as info:
        read_csv(b"name,city\nAnn,Paris\nBob,Rome,Italy\nCid,Oslo\n")
    assert str(info.value).startswith("Line 3 has 3 values but the header has 2 columns")


def test_row_with_too_few_values_names_its_line_after_a_multiline_cell() -> None:
    data = b'name,city,note\nAnn,Paris,"two\nlines"\nBob,Rome\n'
    with pytest.raises(BatchInputError) as info:
        read_csv(data)
    assert str(info.value).startswith("Line 4 has 2 values but the header has 3 columns")


def test_unclosed_quote_is_refused() -> None:
    with pytest.raises(BatchInputError, match="quoted value"):
        read_csv(b'name,city\nAnn,"Paris\n')


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(BatchInputError, match="null character"):
        read_csv(b"name,city\nAnn,Pa\x00ris\n")


def test_duplicate_column_names_are_refused() -> None:
    with pytest.raises(BatchInputError) as info:
        read_csv(b"name,email,Name,email\nA,a@x,B,b@x\n")
    assert "“email” is used twice (columns 2 and 4)" in str(info.value)


def test_duplicate_after_trimming_is_refused() -> None:
    with pytest.raises(BatchInputError, match="used twice"):
        read_csv(b"name, name\nA,B\n")


def test_empty_column_name_is_refused() -> None:
    with pytest.raises(BatchInputError) as info:
        read_csv(b"name,,city\nA,B,C\n")
    assert "Column 2 has no name" in str(info.value)


def test_trailing_separator_in_header_is_an_empty_column_name() -> None:
    with pytest.raises(BatchInputError, match="Column 3 has no name"):
        read_csv(b"name,city,\nA,B,\n")


def test_ten_thousand_rows_are_refused_at_the_first_row_over_the_limit() -> None:
    data = "name,n\n" + "".join(f"Person {i},{i}\n" for i in range(10_000))
    with pytest.raises(TooManyRowsError) as info:
        read_csv(data.encode())
    assert str(info.value) == ("The file has more than 1,000 rows (reading stopped at row 1,001, on line 1,002); "
                               "a batch takes at most 1,000. Split it into smaller files.")
    assert (info.value.limit, info.value.line) == (1000, 1002)


def test_exactly_the_limit_is_accepted_and_one_more_is_not() -> None:
    rows = "".join(f"P{i},{i}\n" for i in range(MAX_ROWS))
    assert len(read_csv("name,n\n" + rows)) == MAX_ROWS
    with pytest.raises(BatchInputError, match="more than 1,000 rows"):
        read_csv("name,n\n" + rows + "extra,1\n")
    assert len(read_csv("name,n\nA,1\nB,2\nC,3\n", max_rows=3)) == 3


def test_empty_rows_do_not_count_towards_the_limit() -> None:
    rows = "".join(f"P{i},{i}\n,\n \n  ,  \n" for i in range(MAX_ROWS))
    assert len(read_csv("name,n\n" + rows + ",,\n" * 5000)) == MAX_ROWS


def test_too_many_rows_is_said_before_a_bad_row_within_them() -> None:
    rows = "".join(f"P{i},{i}\n" for i in range(MAX_ROWS + 5))
    with pytest.raises(TooManyRowsError):
        read_csv("name,n\nAnn,1,extra\n" + rows)


def test_a_file_over_5_mb_is_refused_unread() -> None:
    data = b"name\n" + b"\xff" * (MAX_BYTES + 1)  # not even UTF-8: nothing of it is read
    with pytest.raises(CsvTooLargeError) as info:
        read_csv(data)
    assert str(info.value) == ("The file is 5.1 MB; a batch's contacts can be at most 5 MB. Check that this is the "
                               "right file, or split it into smaller files.")
    assert (info.value.size, info.value.limit, info.value.pasted) == (len(data), MAX_BYTES, False)


def test_pasted_text_is_measured_in_utf8_bytes() -> None:
    at_limit = "name\n" + ("é" * 2600 + "\n") * MAX_ROWS  # two bytes a letter as UTF-8
    at_limit += "\n" * (MAX_BYTES - utf8_size(at_limit))
    assert utf8_size(at_limit) == MAX_BYTES and len(at_limit) < MAX_BYTES * 0.51
    assert read_csv(at_limit).shape == (MAX_ROWS, 1)
    with pytest.raises(CsvTooLargeError, match=r"^The pasted text is 5\.1 MB;.*right text,") as info:
        read_csv(at_limit + "é")
    assert info.value.pasted and info.value.size == MAX_BYTES + 2


def test_check_size_and_utf8_size() -> None:
    check_size(MAX_BYTES)
    with pytest.raises(CsvTooLargeError, match="^The file is 20.0 MB"):
        check_size(20 * 1024 * 1024)
    assert utf8_size("abc") == 3
    assert utf8_size("ä€😀" * 1_000_000) == 9_000_000
    assert utf8_size("\ud800") == 3  # a lone surrogate from a browser is still counted, not an error


def test_a_cell_over_the_field_limit_is_named_not_called_an_unclosed_quote() -> None:
    limit = csv.field_size_limit()
    data = "name,note\nAnn,short\n\nBob," + "x" * (limit + 1) + "\nCid,ok\n"
    with pytest.raises(CellTooLongError) as info:
        read_csv(data)
    assert str(info.value) == ("Row 2 (line 4) has a cell longer than 128 KiB, more than a cell can hold. If that "
                               "cell starts with a “\"”, check that the quote is closed; otherwise shorten the cell.")
    assert (info.value.row, info.value.line, info.value.limit) == (2, 4, limit)


def test_a_quote_left_open_early_is_named_with_its_row_when_it_swallows_the_file() -> None:
    rows = "".join(f"P{i},{i} Main Street\n" for i in range(20_000))
    with pytest.raises(CellTooLongError, match=r"^Row 1 \(line 2\) has a cell longer than 128 KiB.*quote is closed"):
        read_csv('name,address\nAnn,"12 Oak Road\n' + rows)


def test_an_over_long_column_name_is_named() -> None:
    with pytest.raises(CellTooLongError, match=r"^The column names \(line 1\) have a cell longer than"):
        read_csv("x" * (csv.field_size_limit() + 1) + ",b\n1,2\n")


def test_the_limit_is_whatever_the_csv_module_says() -> None:
    previous = csv.field_size_limit(1000)
    try:
        with pytest.raises(CellTooLongError, match="longer than 1,000 characters"):
            read_csv("a,b\n1," + "y" * 1001 + "\n")
    finally:
        csv.field_size_limit(previous)


def test_a_one_column_file_does_not_look_for_its_separator_past_the_header() -> None:
    # Semicolons below a one-column header are part of the values, not a separator.
    df = read_csv("\n\n  name  \nSmith; Ann\nLee; Bo\n")
    assert df["name"].tolist() == ["Smith; Ann", "Lee; Bo"]


# -- cost, measured in a child process ------------------------------------------------------------------

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from heygen.studio.batch import BatchInputError, read_csv
    megabytes, limit = float(sys.argv[1]), sys.argv[2]
    data = b"name\\n" + b"a\\n" * int(megabytes * 1_048_576 / 2)
    pasted = data.decode() if sys.argv[3] == "paste" else data
    del data
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read_csv(pasted, max_bytes=None if limit == "none" else int(limit))
        refused = None
    except BatchInputError as error:
        refused = type(error).__name__
    added = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"refused": refused, "added_kb": added}))
    """
)


def _measure(megabytes: float, limit: str, kind: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(megabytes), limit, kind], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", ["upload", "paste"])
def test_a_20_mb_csv_is_refused_without_being_read(kind) -> None:
    # Ten million one-letter rows: reading them all took 1.3 GB and more than 20 s.
    measured = _measure(20, str(MAX_BYTES), kind)
    assert measured["refused"] == "CsvTooLargeError"
    assert measured["added_kb"] < 20 * 1024, measured  # ru_maxrss is in KiB on Linux


def test_reading_stops_at_the_row_limit_whatever_the_size() -> None:
    # Without the size limit, 20 MB of rows still costs little: reading stops at row 1,001.
    measured = _measure(20, "none", "upload")
    assert measured["refused"] == "TooManyRowsError"
    assert measured["added_kb"] < 150 * 1024, measured


def test_single_column_file() -> None:
    df = read_csv("name\nAnn\nBob\n")
    assert df["name"].tolist() == ["Ann", "Bob"]


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        read_csv(123)  # type: ignore[arg-type]
