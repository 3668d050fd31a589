"""A council's past EIA as a Word file made from its template (python-docx), for the
Word import's tests: no binary fixtures kept in the repository."""

import io
import json
from pathlib import Path

MAPPING = Path(__file__).resolve().parents[2] / "docs" / "word-mapping-example.json"


def mapping_bytes() -> bytes:
    return MAPPING.read_bytes()


def mapping() -> dict:
    return json.loads(mapping_bytes())


def council_docx(reference="W-1", **kw) -> bytes:
    """The template: a table of "label | value" rows at the top, then sections under
    Heading 2 paragraphs and under bold one-line paragraphs. Keyword arguments override a
    value by its field (``decision_date="next week"``); None leaves the heading out."""
    import docx

    values = {
        "reference": reference,
        "title": f"Closing the day centre ({reference})",
        "directorate": "adult social care",
        "service": "Home  Care",
        "lead_officer": "Lola Lead <lola.lead@council.example>",
        "decision_date": "31/03/2021",
        "decision_maker": "Cabinet",
        "screening_result": "Full assessment",
        "outcome": "2",
        "approved_by": "Dee Director",
        "approved_on": "28-Mar-2021",
        "review_date": "2023-03-31",
    }
    values.update(kw)
    labels = {
        "reference": "EIA Reference:",
        "title": "Name of the policy, service or function",
        "directorate": "DIRECTORATE",
        "service": "Service area",
        "lead_officer": "Lead officer",
        "decision_date": "Date of decision",
        "decision_maker": "Decision maker",
        "screening_result": "Is a full EIA needed?",
        "outcome": "Outcome of the assessment",
        "approved_by": "Signed off by",
        "approved_on": "Date signed off",
        "review_date": "Review date",
    }
    document = docx.Document()
    document.add_paragraph("Equality Impact Assessment", style="Title")
    document.add_paragraph("Council template v3 (2019)")
    table = document.add_table(rows=0, cols=2)
    for key, label in labels.items():
        if values.get(key) is not None:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, values[key]
    document.add_heading("Summary of the proposal", level=2)
    document.add_paragraph("The day centre closes; its users are offered support at home.")
    document.add_paragraph("Transport is provided to the two nearest centres.")
    bold = document.add_paragraph()
    bold.add_run("Evidence considered").bold = True
    document.add_paragraph("Census 2021: 42% of users are over 80 <b>not bold</b>.")
    evidence = document.add_table(rows=2, cols=2)
    evidence.cell(0, 0).text, evidence.cell(0, 1).text = "Source", "Finding"
    evidence.cell(1, 0).text, evidence.cell(1, 1).text = "Survey", "Most prefer home visits"
    document.add_heading("Reasons for the outcome", level=2)
    document.add_paragraph("Adjusted to remove the barriers found.")
    document.add_heading("Appendix: councillors' comments", level=2)
    document.add_paragraph("Cllr Smith asked for a review after a year.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
