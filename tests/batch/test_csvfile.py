"""Tests for heygen.studio.batch.csvfile: reading uploaded or pasted CSVs, and refusing bad ones with plain messages."""

from __future__ import annotations

import pytest

from heygen.studio.batch import MAX_ROWS, BatchInputError, read_csv


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


def test_ten_thousand_rows_are_refused_with_the_limit() -> None:
    data = "name,n\n" + "".join(f"Person {i},{i}\n" for i in range(10_000))
    with pytest.raises(BatchInputError) as info:
        read_csv(data.encode())
    assert str(info.value) == "The file has 10,000 rows; a batch takes at most 1,000. Split it into smaller files."


def test_exactly_the_limit_is_accepted_and_one_more_is_not() -> None:
    rows = "".join(f"P{i},{i}\n" for i in range(MAX_ROWS))
    assert len(read_csv("name,n\n" + rows)) == MAX_ROWS
    with pytest.raises(BatchInputError, match="1,001 rows"):
        read_csv("name,n\n" + rows + "extra,1\n")
    assert len(read_csv("name,n\nA,1\nB,2\nC,3\n", max_rows=3)) == 3


def test_single_column_file() -> None:
    df = read_csv("name\nAnn\nBob\n")
    assert df["name"].tolist() == ["Ann", "Bob"]


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        read_csv(123)  # type: ignore[arg-type]
