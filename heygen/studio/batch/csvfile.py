"""Reading the batch CSV: an uploaded file (bytes) or pasted text into a DataFrame of strings.

Accepts UTF-8 with or without a byte-order mark, comma- or semicolon-separated (told apart from
the header line), with quoted fields (which may hold separators and line breaks). Every cell is a
string: empty cells stay "" and surrounding spaces are trimmed; header names are trimmed too.
Rows whose cells are all empty are dropped. Anything else that is wrong is refused with a
``BatchInputError`` whose message is one plain sentence naming the line or column at fault.

Refusals are cheap: the size is checked before anything is read (`MAX_BYTES`), and the rows are
read one at a time, stopping at the first row over the limit (`MAX_ROWS`).
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

__all__ = [
    "BatchInputError", "CellTooLongError", "CsvTooLargeError", "MAX_BYTES", "MAX_ROWS", "TooManyRowsError",
    "check_size", "read_csv", "utf8_size",
]

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024  # far more than 1,000 contacts take; checked before anything is parsed
SAVE_AS_HINT = "In your spreadsheet use “Save as” → “CSV UTF-8 (comma delimited)” and upload that file."


class BatchInputError(ValueError):
    """The CSV (or the template) cannot be used; ``str(error)`` says why in one sentence."""


class CsvTooLargeError(BatchInputError):
    """The file (or the pasted text) is ``size`` bytes, over the ``limit``; nothing of it was read."""

    def __init__(self, size: int, limit: int, *, pasted: bool = False) -> None:
        self.size, self.limit, self.pasted = size, limit, pasted
        megabytes = math.ceil(size * 10 / 1_048_576) / 10  # rounded up: never "5.0 MB, at most 5 MB"
        what = "text" if pasted else "file"
        super().__init__(
            f"The {'pasted ' if pasted else ''}{what} is {megabytes:.1f} MB; a batch's contacts can be at most "
            f"{_size_text(limit)}. Check that this is the right {what}, or split it into smaller files."
        )


class TooManyRowsError(BatchInputError):
    """More than ``limit`` rows: reading stopped at row ``limit + 1``, which starts on ``line``."""

    def __init__(self, limit: int, line: int) -> None:
        self.limit, self.line = limit, line
        super().__init__(
            f"The file has more than {limit:,} rows (reading stopped at row {limit + 1:,}, on line {line:,}); "
            f"a batch takes at most {limit:,}. Split it into smaller files."
        )


class CellTooLongError(BatchInputError):
    """Row ``row`` (0 = the column names), starting on ``line``, has a cell over ``limit`` characters."""

    def __init__(self, row: int, line: int, limit: int) -> None:
        self.row, self.line, self.limit = row, line, limit
        where = f"Row {row:,} (line {line:,}) has" if row else f"The column names (line {line:,}) have"
        longest = f"{limit // 1024:,} KiB" if limit % 1024 == 0 else f"{limit:,} characters"
        super().__init__(
            f"{where} a cell longer than {longest}, more than a cell can hold. If that cell starts with a “\"”, "
            "check that the quote is closed; otherwise shorten the cell."
        )


def _size_text(size: int) -> str:
    return f"{size // 1_048_576} MB" if size % 1_048_576 == 0 else f"{size / 1_048_576:.1f} MB"


def utf8_size(text: str) -> int:
    """The bytes ``text`` takes as UTF-8 (pasted text is measured like a file), without copying it whole."""
    if text.isascii():
        return len(text)
    step = 1 << 20
    return sum(len(text[i:i + step].encode("utf-8", "surrogatepass")) for i in range(0, len(text), step))


def check_size(size: int, *, pasted: bool = False, limit: int = MAX_BYTES) -> None:
    """Refuse contacts of ``size`` bytes over ``limit`` (CsvTooLargeError), before anything reads them."""
    if size > limit:
        raise CsvTooLargeError(size, limit, pasted=pasted)


def read_csv(data: bytes | str, *, max_rows: int = MAX_ROWS, max_bytes: int | None = MAX_BYTES) -> pd.DataFrame:
    """The CSV's rows as a DataFrame of strings (columns in file order), or BatchInputError.

    ``data`` is the uploaded file's bytes or text pasted by the user; over ``max_bytes`` (None: no
    limit) it is refused unread. Reading stops at the first row over ``max_rows``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise TypeError("data must be bytes or str")
    if max_bytes is not None:
        check_size(utf8_size(data) if isinstance(data, str) else len(data), pasted=isinstance(data, str),
                   limit=max_bytes)
    text = _decode(data)
    if not text or text.isspace():
        raise BatchInputError("The file is empty.")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BatchInputError(f"Line {line} contains a null character; this is not a text CSV file. " + SAVE_AS_HINT)
    sep = _separator(text)
    columns, rows = _read_rows(text, sep, max_rows)
    return pd.DataFrame(rows, columns=columns, dtype=str)


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
    """Comma or semicolon: whichever appears more often outside quotes on the header line (the
    first line that is not blank; a header of one column has neither, and means a comma)."""
    counts = {",": 0, ";": 0}
    quoted = seen = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            seen = True
        elif not quoted and ch in "\r\n":
            if seen:
                break
        elif not quoted:
            if ch in counts:
                counts[ch] += 1
            seen = seen or not ch.isspace()
    return ";" if counts[";"] > counts[","] else ","


def _read_rows(text: str, sep: str, max_rows: int) -> tuple[list[str], list[list[str]]]:
    """The column names and the rows (cells trimmed, all-empty rows left out), read one record at a time.

    Stops at the first row over ``max_rows``. A row with the wrong number of values is reported
    only when the file is not refused for its length, as the longer problem is the one to fix first.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', doublequote=True, strict=True)
    columns: list[str] | None = None
    rows: list[list[str]] = []
    ragged: BatchInputError | None = None
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells:
                continue
            if columns is None:
                columns = _columns(cells, line)
                continue
            if not any(cells):  # separators only: spreadsheets export many such rows
                continue
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if len(rows) == max_rows:
                raise TooManyRowsError(max_rows, line)
            if len(cells) != len(columns) and ragged is None:
                ragged = BatchInputError(
                    f"Line {line} has {len(cells)} value{'s' if len(cells) != 1 else ''} but the header has "
                    f"{len(columns)} columns. Check that line for a missing or extra “{sep}” or an unclosed quote."
                )
            rows.append(cells)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CellTooLongError(len(rows) + 1 if columns is not None else 0, start, csv.field_size_limit()) from None
        raise BatchInputError(
            f"Line {start} has a quoted value that is not closed properly (a “\"” is missing or misplaced)."
        ) from None
    if columns is None:
        raise BatchInputError("The file is empty.")
    if ragged is not None:
        raise ragged
    if not rows:
        raise BatchInputError("The file has column names but no rows.")
    return columns, rows


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
