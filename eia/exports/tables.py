"""A table of figures or rows, and the same table as CSV or XLSX.

Every downloadable table in the product (the register, each dashboard table) is built as a
``Table`` and handed to ``download``, so CSV and XLSX always agree with the page.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return) as a formula; text from users is made inert with a leading apostrophe
(OWASP's advice on CSV injection). Numbers and dates stay numbers and dates.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def add(self, *values) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.title}: {len(values)} values for {len(self.columns)} columns")
        self.rows.append(list(values))


def inert(value):
    """A cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return inert(str(value))


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents and symbols correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(_cell(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name(table.title)
    sheet.append([inert(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(_cell(v)) for v in row])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        widest = max([len(str(column))] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, widest + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: the time as shown
    return value


def _sheet_name(title: str) -> str:
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in title).strip() or "Sheet"
    return cleaned[:31]


def download(table: Table, fmt: str, filename: str) -> Response:
    """The table as a file to save: ``fmt`` is "csv" or "xlsx" (anything else: ValueError)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use csv or xlsx")
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename) or "export"
    return Response(
        body,
        mimetype=FORMATS[fmt].split(";")[0],
        headers={
            "Content-Type": FORMATS[fmt],
            "Content-Disposition": f'attachment; filename="{safe}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )
