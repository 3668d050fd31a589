"""A council's register as a table: its columns (from the header row, merged header cells
and two-row headers put together) and its rows (blank ones left out), from a CSV or an
Excel (.xlsx) file. openpyxl is imported only when an Excel file comes."""

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime

MAX_BYTES = 10_000_000
MAX_ROWS = 20_000
MAX_COLUMNS = 200
# The header row is looked for among the first rows that have anything in them.
HEADER_SEARCH = 15


class FileRefused(ValueError):
    """The file cannot be read as a register; the message says what to do."""


@dataclass(frozen=True)
class Column:
    index: int
    label: str  # what the mapping step shows: the header, put together if it was merged

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[tuple[int, list]]  # (the row's number in the file, its cells)
    header_row: int


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(filename: str, content: bytes, known) -> Table:
    """``known(label)``: how well a header names a field we know (0 not at all), to find the
    header row and to choose between a merged group's name and the column's own;
    ``known(label, best=True)``: the field it names best."""
    if not content:
        raise FileRefused("The file is empty: choose the register's CSV or Excel file")
    if len(content) > MAX_BYTES:
        raise FileRefused("The file must be smaller than 10 MB: split the register into parts")
    if content[:4] == b"PK\x03\x04":
        grid, merged = _xlsx(content)
    elif (
        filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or content[:4] == b"\xd0\xcf\x11\xe0"
    ):
        raise FileRefused(
            "The file is not an Excel workbook this can read: save it as .xlsx or as CSV"
        )
    else:
        grid, merged = _csv(content), []
    return _table(grid, merged, known)


def _xlsx(content: bytes):
    """The first sheet's cells and its merged ranges. Read-only (streaming) mode, twice as
    fast on a register of ten thousand rows; it does not give the merged ranges, which are
    read from the sheet's own XML."""
    from zipfile import BadZipFile

    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileRefused("The workbook has no sheets: choose the register's file")
        sheet.reset_dimensions()  # a file's stated size can be wrong: read what is there
        grid = []
        for values in sheet.iter_rows(values_only=True):
            grid.append(list(values))
            if len(grid) > MAX_ROWS + HEADER_SEARCH:
                raise FileRefused(
                    f"The register has more than {MAX_ROWS:,} rows: split it into parts"
                )
            if len(grid[-1]) > MAX_COLUMNS:
                raise FileRefused(
                    f"The register has more than {MAX_COLUMNS} columns: remove the spare ones"
                )
        merged = _merged_ranges(content, getattr(sheet, "_worksheet_path", ""))
        book.close()
    except FileRefused:
        raise
    except (BadZipFile, KeyError, ValueError, OSError, TypeError, AttributeError) as exc:
        raise FileRefused(
            "The file is not an Excel workbook this can read: save it as .xlsx or as CSV"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any file at all may come: never a 500
        # (openpyxl's InvalidFileException, an XML parse error, a truncated archive...)
        raise FileRefused(
            "The file is not an Excel workbook this can read: save it as .xlsx or as CSV"
        ) from exc
    return grid, merged


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(content: bytes, path: str) -> list[tuple[int, int, int, int]]:
    """(top, bottom, left, right) of each merged range, counted from 0."""
    from zipfile import ZipFile

    from openpyxl.utils.cell import range_boundaries

    if not path:
        return []
    with ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(path.lstrip("/"))
    ranges = []
    for ref in _MERGE.findall(xml):
        left, top, right, bottom = range_boundaries(ref.decode("ascii"))
        ranges.append((top - 1, bottom - 1, left - 1, right - 1))
    return ranges


def _csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; latin-1 everything
        text = content.decode("latin-1")
    if "\x00" in text:
        raise FileRefused("The file is not a CSV file: save the register as CSV or .xlsx")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH:
                raise FileRefused(
                    f"The register has more than {MAX_ROWS:,} rows: split it into parts"
                )
    except csv.Error as exc:
        raise FileRefused(
            f"The CSV file could not be read ({exc}): save it again from the spreadsheet as CSV"
        ) from exc
    if rows and max(len(r) for r in rows) > MAX_COLUMNS:
        raise FileRefused(
            f"The register has more than {MAX_COLUMNS} columns: remove the spare ones"
        )
    return rows


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _fill_merged(grid: list[list], merged) -> None:
    """Every cell of a merged range takes the value of its top-left cell."""
    for top, bottom, left, right in merged:
        if top >= len(grid):
            continue
        value = grid[top][left] if left < len(grid[top]) else None
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= right:
                row.extend([None] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    row[c] = value


def _table(grid: list[list], merged, known) -> Table:
    sparse = {i: sum(not _blank(v) for v in row) for i, row in enumerate(grid)}
    _fill_merged(grid, merged)
    filled = [i for i, row in enumerate(grid) if not all(_blank(v) for v in row)]
    if not filled:
        raise FileRefused("The file has no rows: choose the register's file")
    width = max(len(grid[i]) for i in filled)

    def labels(i: int) -> list[str]:
        return _labels(grid, i, width, merged, sparse, known)

    candidates = filled[:HEADER_SEARCH]
    header = max(candidates, key=lambda i: (len(_fields(labels(i), known)), -i))
    found = labels(header)
    if not any(known(t) for t in found):
        header = filled[0]  # nothing recognised: the first row names the columns
        found = labels(header)
    columns, seen = [], set()
    for index, label in enumerate(found):
        if not label:
            continue  # a column with no header: nothing can be mapped to it
        label = label[:120]
        if label.lower() in seen:
            label = f"{label} (column {column_letter(index)})"
        seen.add(label.lower())
        columns.append(Column(index, label))
    if not columns:
        raise FileRefused("The file has no header row naming its columns: add one")
    rows = [(i + 1, list(grid[i]) + [None] * (width - len(grid[i]))) for i in filled if i > header]
    return Table(columns=columns, rows=rows, header_row=header + 1)


def _fields(labels: list[str], known) -> set:
    """The fields a row of headers names (a merged name repeated counts once)."""
    return {known(t, best=True) for t in labels if known(t)}


def _labels(grid, i: int, width: int, merged, sparse, known) -> list[str]:
    """Each column's name if row ``i`` is the header: its own, or put together with the
    name of its group in the row above when that names a field better."""
    above = _group_names(grid, i, width, merged, sparse)
    labels = []
    for index in range(width):
        own = _text(grid[i][index]) if index < len(grid[i]) else ""
        group = above[index]
        label = own
        if group and group != own and known(f"{group} {own}") > known(own):
            label = f"{group} {own}".strip()
        labels.append(label)
    return labels


def _group_names(grid, header: int, width: int, merged, sparse) -> list[str]:
    """The names a row above the header gives groups of columns ("Approved" over "by" and
    "on"): cells merged across columns in a workbook; in a CSV, a row sparser than the
    header whose names run on over the empty cells after them."""
    names = [""] * width
    if header == 0:
        return names
    row = grid[header - 1]
    spans = [m for m in merged if m[0] <= header - 1 <= m[1] and m[3] > m[2]]
    if spans:
        for _top, _bottom, left, right in spans:
            value = _text(row[left]) if left < len(row) else ""
            for c in range(left, min(right, width - 1) + 1):
                names[c] = value
        return names
    if merged or not 0 < sparse.get(header - 1, 0) < sparse.get(header, 0):
        return names
    current = ""
    for index in range(width):
        value = _text(row[index]) if index < len(row) else ""
        if value:
            current = value
        names[index] = current
    return names


# --- kept between the steps of an import (eia.imports.uploads) -----------------------------


def _cell_json(value):
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return str(value)


def _cell_value(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value


def table_json(table: Table) -> dict:
    """The table as JSON (dates tagged), read once at upload and kept for the next steps."""
    return {
        "header_row": table.header_row,
        "columns": [[c.index, c.label] for c in table.columns],
        "rows": [[n, [_cell_json(v) for v in cells]] for n, cells in table.rows],
    }


def table_from_json(data: dict) -> Table:
    return Table(
        columns=[Column(i, label) for i, label in data["columns"]],
        rows=[(n, [_cell_value(v) for v in cells]) for n, cells in data["rows"]],
        header_row=data["header_row"],
    )


_WORDS = re.compile(r"[a-z0-9]+")


def words(label: str) -> list[str]:
    return _WORDS.findall(label.lower())
