"""The default Word template for committee reports (``templates/word/committee-report.docx``),
made by ``build`` (`eia word-template PATH` writes a copy for a council to change). It is a
docxtpl template: Jinja tags in the text, ``{%tr %}`` tags in table rows, ``{%p %}`` around
paragraphs that may be left out; the context is ``eia.exports.word.context``.

Built with python-docx so it has what an accessible Word document needs: real heading
styles (Heading 1 and 2), tables whose first row is a header row repeated on each page
(``w:tblHeader``) with header cells in bold, and each table's alternative text (title and
description, ``w:tblCaption`` and ``w:tblDescription``)."""

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def mark_header_row(table) -> None:
    """The table's first row is its header row, repeated at the top of each page."""
    row = table.rows[0]._tr
    properties = row.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    for cell in table.rows[0].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def set_alt_text(table, title: str, description: str) -> None:
    properties = table._tbl.tblPr
    for tag, value in (("w:tblCaption", title), ("w:tblDescription", description)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)


def _table(document, headers, cells, loop: str, title: str, description: str):
    """A table: a header row, then one row per item of ``loop`` ("i in impacts")."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for n, header in enumerate(headers):
        table.rows[0].cells[n].text = header
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for n, cell in enumerate(cells):
        table.rows[2].cells[n].text = cell
    table.rows[3].cells[0].text = "{%tr endfor %}"
    mark_header_row(table)
    set_alt_text(table, title, description)
    return table


def build(path) -> None:
    document = Document()
    document.core_properties.title = "Equality implications"
    document.core_properties.language = "en-GB"
    document.add_heading("Equality implications", level=1)
    document.add_paragraph(
        "{{ reference }}: {{ title }}. An Equality Impact Assessment was carried out for this "
        "proposal; it is attached as an appendix."
    )
    document.add_heading("Outcome", level=2)
    document.add_paragraph("{{ outcome }}")
    document.add_paragraph("{%p if outcome_reason %}")
    document.add_paragraph("{{ outcome_reason }}")
    document.add_paragraph("{%p endif %}")
    document.add_heading("Main impacts", level=2)
    document.add_paragraph("{%p if main_impacts %}")
    _table(
        document,
        ["Who", "Impact", "After mitigation"],
        ["{{ i.who }}", "{{ i.direction }}", "{{ i.residual }}"],
        "i in main_impacts",
        "Main impacts",
        "The negative and unclear impacts found, by characteristic or group, with their "
        "rating after mitigation.",
    )
    document.add_paragraph("{%p else %}")
    document.add_paragraph("No negative or unclear impact was found.")
    document.add_paragraph("{%p endif %}")
    document.add_heading("Mitigations", level=2)
    document.add_paragraph("{%p for m in mitigations %}")
    document.add_paragraph("{{ m.who }}: {{ m.mitigation }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if not mitigations %}")
    document.add_paragraph("None recorded.")
    document.add_paragraph("{%p endif %}")
    document.add_heading("Signed off", level=2)
    document.add_paragraph("{{ signed_off }}")

    document.add_page_break()
    document.add_heading("Appendix: Equality Impact Assessment {{ reference }}", level=1)
    document.add_heading("The proposal", level=2)
    _table(
        document,
        ["Question", "Answer"],
        ["{{ p.question }}", "{{ p.answer }}"],
        "p in proposal",
        "About the proposal",
        "The proposal this assessment is about: what it is, who decides and when.",
    )
    document.add_heading("Screening", level=2)
    document.add_paragraph("{{ screening_conclusion }}")
    _table(
        document,
        ["Characteristic", "Relevant", "Why"],
        ["{{ s.characteristic }}", "{{ s.relevance }}", "{{ s.reason }}"],
        "s in screening",
        "Screening",
        "Whether the proposal is relevant to each characteristic, and why.",
    )
    document.add_heading("Impacts", level=2)
    _table(
        document,
        [
            "Characteristic or group",
            "Impact",
            "Before mitigation",
            "Mitigation",
            "After mitigation",
            "Evidence",
        ],
        [
            "{{ i.who }}",
            "{{ i.direction }}",
            "{{ i.inherent }}",
            "{{ i.mitigation }}",
            "{{ i.residual }}",
            "{{ i.evidence }}",
        ],
        "i in impacts",
        "Impacts",
        "Each impact assessed, its rating before and after mitigation, the mitigation and "
        "the evidence.",
    )
    document.add_heading("Engagement and consultation", level=2)
    _table(
        document,
        ["Who", "How and when", "What they said", "What changed"],
        ["{{ e.who }}", "{{ e.how }}", "{{ e.said }}", "{{ e.changed }}"],
        "e in engagement",
        "Engagement and consultation",
        "Who was asked, how and when, what they said and what changed because of it.",
    )
    document.add_heading("Action plan", level=2)
    _table(
        document,
        ["Action", "Owner", "Due", "Status"],
        ["{{ a.description }}", "{{ a.owner }}", "{{ a.due }}", "{{ a.status }}"],
        "a in actions",
        "Action plan",
        "Each action with its owner, due date and status.",
    )
    document.add_heading("Sign-off", level=2)
    _table(
        document,
        ["Version", "Decision", "By", "On"],
        ["{{ s.version }}", "{{ s.decision }}", "{{ s.by }}", "{{ s.on }}"],
        "s in sign_offs",
        "Sign-off",
        "Each decision on a version of the assessment: who took it and when.",
    )
    document.save(path)
