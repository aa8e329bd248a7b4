"""Reading the batch CSV: an uploaded file (bytes) or pasted text into a DataFrame of strings.

Accepts UTF-8 with or without a byte-order mark, comma- or semicolon-separated (told apart from
the header line), with quoted fields (which may hold separators and line breaks). Every cell is a
string: empty cells stay "" and surrounding spaces are trimmed; header names are trimmed too.
Rows whose cells are all empty are dropped. Anything else that is wrong is refused with a
``BatchInputError`` whose message is one plain sentence naming the line or column at fault.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

__all__ = ["BatchInputError", "MAX_ROWS", "read_csv"]

MAX_ROWS = 1000
SAVE_AS_HINT = "In your spreadsheet use “Save as” → “CSV UTF-8 (comma delimited)” and upload that file."


class BatchInputError(ValueError):
    """The CSV (or the template) cannot be used; ``str(error)`` says why in one sentence."""


def read_csv(data: bytes | str, *, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The CSV's rows as a DataFrame of strings (columns in file order), or BatchInputError.

    ``data`` is the uploaded file's bytes or text pasted by the user.
    """
    text = _decode(data)
    if not text.strip():
        raise BatchInputError("The file is empty.")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BatchInputError(f"Line {line} contains a null character; this is not a text CSV file. " + SAVE_AS_HINT)
    sep = _separator(text)
    records = _records(text, sep)
    header, first_line = records[0][1], records[0][0]
    columns = _columns(header, first_line)
    rows = [(line, cells) for line, cells in records[1:] if any(c.strip() for c in cells)]
    if not rows:
        raise BatchInputError("The file has column names but no rows.")
    if len(rows) > max_rows:
        raise BatchInputError(
            f"The file has {len(rows):,} rows; a batch takes at most {max_rows:,}. Split it into smaller files."
        )
    for line, cells in rows:
        if len(cells) != len(columns):
            raise BatchInputError(
                f"Line {line} has {len(cells)} value{'s' if len(cells) != 1 else ''} but the header has "
                f"{len(columns)} columns. Check that line for a missing or extra “{sep}” or an unclosed quote."
            )
    frame = pd.read_csv(
        io.StringIO(text, newline=""),
        sep=sep,
        header=0,
        names=columns,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=True,
        skipinitialspace=False,
        engine="python",
        quotechar='"',
        doublequote=True,
    )
    frame = frame.apply(lambda col: col.str.strip())
    frame = frame[(frame != "").any(axis=1)].reset_index(drop=True)
    if len(frame) != len(rows):  # both parsers must agree; if not, refuse rather than guess
        raise BatchInputError("The file could not be read as a table. " + SAVE_AS_HINT)
    return frame


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes or str")
    raw = bytes(data)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BatchInputError("The file is saved as UTF-16 text, not UTF-8. " + SAVE_AS_HINT)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BatchInputError(
            f"The file is not UTF-8 text: line {line} has characters that cannot be read. " + SAVE_AS_HINT
        ) from None


def _separator(text: str) -> str:
    """Comma or semicolon: whichever appears more often outside quotes on the header line."""
    counts = {",": 0, ";": 0}
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            if counts[","] or counts[";"]:
                break
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def _records(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with the physical line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', doublequote=True, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if cells:
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:
        raise BatchInputError(
            f"Line {start} has a quoted value that is not closed properly (a “\"” is missing or misplaced)."
        ) from None
    if not records:
        raise BatchInputError("The file is empty.")
    return records


def _columns(header: list[str], line: int) -> list[str]:
    columns = [name.strip() for name in header]
    for index, name in enumerate(columns, start=1):
        if not name:
            raise BatchInputError(
                f"Column {index} has no name in the header (line {line}). Give every column a name in the first row."
            )
    seen: dict[str, int] = {}
    for index, name in enumerate(columns, start=1):
        if name in seen:
            raise BatchInputError(
                f"The column name “{name}” is used twice (columns {seen[name]} and {index}). Column names must be unique."
            )
        seen[name] = index
    return columns
