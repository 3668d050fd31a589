"""The annual equality report as a Word document (.docx) a council can publish as the EIA
part of its Public Sector Equality Duty annual report.

Built for accessibility checkers (Word's own, and the Government Digital Service's advice on
accessible documents): a title and the document's language in its properties, real
headings (Word's Heading styles, so they make the navigation pane and a screen reader's list
of headings), every table with its header row marked to repeat on each page (and so read as
headings), no merged cells and no images: the figures are tables, each after a heading and
a one-line definition. ``annual_docx`` takes the sections as plain data (``DocSection``)
so the web layer decides the words and this module only lays them out.
"""

import io
from dataclasses import dataclass, field


@dataclass
class DocTable:
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class DocSection:
    heading: str
    definitions: list[str] = field(default_factory=list)
    tables: list[DocTable] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    level: int = 1


def _repeat_header(row) -> None:
    """Mark a table row as a header row repeated at the top of each page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "day") and hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _table(document, t: DocTable) -> None:
    caption = document.add_paragraph(t.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(t.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_header(header)
    for cell, name in zip(header.cells, t.columns, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for values in t.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = _text(value)


def annual_docx(title: str, intro: list[str], sections: list[DocSection]) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = "en-GB"
    document.add_heading(title, level=0)
    for text in intro:
        document.add_paragraph(text)
    for s in sections:
        document.add_heading(s.heading, level=s.level)
        for d in s.definitions:
            document.add_paragraph(d)
        for text in s.paragraphs:
            document.add_paragraph(text)
        for t in s.tables:
            _table(document, t)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
