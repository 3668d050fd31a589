"""Tables as CSV and XLSX: the same cells, nothing a spreadsheet would run as a formula."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from eia.exports.tables import Table, download, to_csv, to_xlsx


def _table():
    table = Table("Register: 2026/27", ["Reference", "Title", "Decision date", "Impacts"])
    table.add("EIA-1", '=HYPERLINK("http://x")', date(2026, 3, 4), 3)
    table.add("EIA-2", "Café — “Older residents”\nline two", None, 0)
    table.add("EIA-3", "-2 budget", date(2026, 5, 1), None)
    return table


def test_csv_keeps_text_and_defuses_formulas():
    body = to_csv(_table())
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Reference", "Title", "Decision date", "Impacts"]
    assert rows[1] == ["EIA-1", '\'=HYPERLINK("http://x")', "2026-03-04", "3"]
    assert rows[2] == ["EIA-2", "Café — “Older residents”\nline two", "", "0"]
    assert rows[3][1] == "'-2 budget"


def test_xlsx_has_the_same_cells_with_real_dates_and_numbers():
    book = load_workbook(io.BytesIO(to_xlsx(_table())))
    sheet = book.active
    assert sheet.title == "Register- 2026-27"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Reference", "Title", "Decision date", "Impacts")
    assert values[1][1] == '\'=HYPERLINK("http://x")'
    assert values[1][2].date() == date(2026, 3, 4) and values[1][3] == 3
    assert values[2][1] == "Café — “Older residents”\nline two"


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="2 values for 4 columns"):
        _table().add("EIA-4", "Short")


def test_download_names_the_file_and_refuses_unknown_formats(app):
    with app.test_request_context():
        response = download(_table(), "xlsx", "register 2026/27")
        assert (
            response.headers["Content-Disposition"]
            == 'attachment; filename="register-2026-27.xlsx"'
        )
        assert response.mimetype.endswith("spreadsheetml.sheet")
        with pytest.raises(ValueError, match="use csv or xlsx"):
            download(_table(), "pdf", "register")
