"""Councils' registers of EIAs as files (CSV and Excel), for the import's tests."""

import csv
import io

HEADERS = [
    "Reference",
    "Title",
    "Directorate",
    "Service",
    "Lead officer",
    "Decision date",
    "Decision maker",
    "Screening result",
    "Outcome",
    "Approved by",
    "Approved on",
    "Review date",
    "Published link",
    "Status",
]


def row(reference, directorate, service, **kw) -> list:
    """One register row; keyword arguments override the defaults by header (lower case,
    spaces as underscores)."""
    values = {
        "reference": reference,
        "title": f"Proposal {reference}",
        "directorate": directorate,
        "service": service,
        "lead_officer": "Lola Lead <lola.lead@council.example>",
        "decision_date": "31/03/2025",
        "decision_maker": "Cabinet",
        "screening_result": "Full assessment",
        "outcome": "2",
        "approved_by": "Dee Director",
        "approved_on": "28-Mar-2025",
        "review_date": "2027-03-31",
        "published_link": "https://council.example/eia/" + str(reference),
        "status": "",
    }
    values.update(kw)
    return [values[h.lower().replace(" ", "_")] for h in HEADERS]


def as_csv(rows: list[list], headers=HEADERS, above: list | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if above is not None:
        writer.writerow(above)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows: list[list], headers=HEADERS, title: str | None = None, merge=()) -> bytes:
    """An Excel workbook: an optional title row merged across the top, the headers, the
    rows; ``merge``: extra ranges to merge ("J2:K2")."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title is not None:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    for cells in merge:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
