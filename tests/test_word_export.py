"""The Word document for committee reports (eia/exports/word.py), read back with
python-docx: the equality implications (outcome, main impacts, mitigations, who signed off
and when) then the EIA as an appendix, with real headings, table header rows and the
tables' alternative text; from the default template or the council's own."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from .support.people import sign_in


def _docx(client, reference):
    answer = client.get(f"/eias/{reference}.docx")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype.endswith("wordprocessingml.document")
    assert f'filename="{reference}.docx"' in answer.headers["Content-Disposition"]
    return Document(io.BytesIO(answer.data))


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def approved(make, client):
    eia = make.eia("approved", title="Close the day centre")
    make.session.commit()
    sign_in(client, eia.owner)
    return eia


def test_the_equality_implications_then_the_eia_as_an_appendix(client, approved):
    document = _docx(client, approved.reference)
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "Equality implications"),
        ("Heading 2", "Outcome"),
        ("Heading 2", "Main impacts"),
        ("Heading 2", "Mitigations"),
        ("Heading 2", "Signed off"),
        ("Heading 1", f"Appendix: Equality Impact Assessment {approved.reference}"),
        ("Heading 2", "The proposal"),
        ("Heading 2", "Screening"),
        ("Heading 2", "Impacts"),
        ("Heading 2", "Engagement and consultation"),
        ("Heading 2", "Action plan"),
        ("Heading 2", "Sign-off"),
    ]
    text = _text(document)
    assert "{{" not in text and "{%" not in text  # every tag rendered
    assert f"{approved.reference}: Close the day centre." in text
    assert "Outcome 2: adjust the proposal" in text
    sign_off = approved.sign_offs[-1]
    from eia.dates import long_date

    assert f"Signed off by {sign_off.approver.name} on {long_date(sign_off.signed_at)}." in text
    main = document.tables[0]
    assert [c.text for c in main.rows[0].cells] == ["Who", "Impact", "After mitigation"]
    negatives = [i for i in approved.impacts if i.direction in ("negative", "unclear")]
    assert len(main.rows) == 1 + len(negatives) and negatives
    assert {r.cells[0].text for r in main.rows[1:]} == {i.characteristic.name for i in negatives}
    for impact in negatives:
        assert f"{impact.characteristic.name}: {impact.mitigation}" in text
    for table in document.tables:
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblCaption")).get(qn("w:val"))
        assert properties.find(qn("w:tblDescription")).get(qn("w:val"))
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


def test_a_council_template_of_its_own(client, approved, app, tmp_path):
    own = Document()
    own.add_heading("Implications for equality", level=1)
    own.add_paragraph("{{ council }} {{ reference }}: {{ outcome }} {{ signed_off }}")
    path = tmp_path / "ours.docx"
    own.save(path)
    app.config["WORD_TEMPLATE"] = str(path)
    document = _docx(client, approved.reference)
    assert document.paragraphs[0].text == "Implications for equality"
    assert document.paragraphs[1].text.startswith(
        f"{app.config['COUNCIL_NAME']} {approved.reference}: Outcome 2"
    )


@pytest.mark.parametrize("broken", ["missing", "bad tag"])
def test_a_template_that_cannot_be_used_is_said_plainly(client, approved, app, tmp_path, broken):
    path = tmp_path / "broken.docx"
    if broken == "bad tag":
        own = Document()
        own.add_paragraph("{{ reference ")
        own.save(path)
    app.config["WORD_TEMPLATE"] = str(path)
    answer = client.get(f"/eias/{approved.reference}.docx")
    assert answer.status_code == 503
    html = answer.get_data(as_text=True)
    assert "The Word document cannot be made" in html and "EIA_WORD_TEMPLATE" in html


def test_a_draft_says_it_is_not_signed_off(client, make):
    eia = make.eia("draft")
    make.session.commit()
    sign_in(client, eia.owner)
    text = _text(_docx(client, eia.reference))
    assert "Not signed off yet." in text and "No outcome chosen yet." in text
    assert "No negative or unclear impact was found." in text


def test_the_default_template_is_the_one_the_builder_makes(tmp_path):
    """templates/word/committee-report.docx is what eia.exports.word_template builds (run
    `python -c "from eia.exports.word_template import build; build(PATH)"` after changing
    the builder)."""
    from eia.exports.word import DEFAULT_TEMPLATE
    from eia.exports.word_template import build

    build(tmp_path / "fresh.docx")
    fresh, shipped = Document(tmp_path / "fresh.docx"), Document(DEFAULT_TEMPLATE)
    assert _text(fresh) == _text(shipped)
    assert [p.style.name for p in fresh.paragraphs] == [p.style.name for p in shipped.paragraphs]
