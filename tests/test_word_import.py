"""Importing a council's past EIAs from Word files made from its template (eia/imports/
word.py, `eia import word`): the mapping of its headings, the dry run's problems in plain
words, the import as one audited operation, unmapped text kept and shown, never dropped."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from eia.imports import word
from eia.models import AuditRecord, Eia, ImportedOriginal, SignOff, User
from workflows.lifecycle import Status

from .support.people import sign_in
from .support.word_files import council_docx, mapping_bytes


@pytest.fixture
def council(make):
    directorate = make.directorate("Adult Social Care")
    service = make.service(directorate, "Home Care")
    admin = make.user("admin", name="Ada Admin")
    return directorate, service, admin


@pytest.fixture
def files(tmp_path):
    def write(name, content, mapping=None):
        path = tmp_path / name
        path.write_bytes(content)
        (tmp_path / "mapping.json").write_bytes(mapping or mapping_bytes())
        return str(path)

    return write


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["import", "word", *args])


def test_the_headings_of_the_template_are_read_in_order():
    mapping = word.read_mapping(mapping_bytes())
    parts = word.read(council_docx(), mapping)
    headings = [p.heading for p in parts]
    assert headings[:3] == [
        "Equality Impact Assessment",
        "EIA Reference:",
        "Name of the policy, service or function",
    ]
    assert "Evidence considered" in headings  # a bold one-line paragraph
    evidence = next(p for p in parts if p.heading == "Evidence considered")
    assert evidence.paragraphs == [
        "Census 2021: 42% of users are over 80 <b>not bold</b>.",
        "Source | Finding",
        "Survey | Most prefer home visits",
    ]


def test_a_bad_mapping_is_refused_in_words():
    with pytest.raises(word.FileRefused, match="not a field or section"):
        word.read_mapping(b'{"headings": {"Reference": "ref_no"}}')
    with pytest.raises(word.FileRefused, match="more than one heading to title"):
        word.read_mapping(b'{"headings": {"Name": "title", "Title": "title"}}')
    with pytest.raises(word.FileRefused, match="not JSON"):
        word.read_mapping(b"\xff")


def test_the_command_line_dry_run_import_page_and_again(app, db, council, files, client):
    directorate, service, admin = council
    path = files("day-centre.docx", council_docx("W-1"))
    mapping = str(Path(path).with_name("mapping.json"))
    result = _run(app, path, "--mapping", mapping, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Title                  from “Name of the policy, service or function”" in result.output
    assert "Kept as original text: “Appendix: councillors' comments”" in result.output
    assert "Kept as original text: “Evidence considered”" in result.output
    assert "1 EIA to import, 0 already imported, 0 problems." in result.output
    assert "Dry run: nothing imported." in result.output
    seq = db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first() or 0
    assert db.exec(select(Eia)).all() == []
    result = _run(app, path, "--mapping", mapping)
    assert result.exit_code == 2 and "--as" in result.output
    result = _run(app, path, "--mapping", mapping, "--as", admin.email)
    assert result.exit_code == 0 and "Imported 1 EIA: W-1" in result.output, result.output
    db.expire_all()
    eia = db.exec(select(Eia).where(Eia.reference == "W-1")).one()
    assert eia.status == Status.approved and eia.imported_at is not None
    assert "day-centre.docx" in eia.import_source and not eia.publishable
    assert eia.title == "Closing the day centre (W-1)" and eia.service_id == service.id
    assert eia.decision_date == date(2021, 3, 31) and eia.review_date == date(2023, 3, 31)
    assert eia.outcome == "2" and eia.decision_maker == "Cabinet"
    assert eia.summary.startswith("The day centre closes") and "nearest centres" in eia.summary
    assert eia.outcome_reason == "Adjusted to remove the barriers found."
    lola = db.exec(select(User).where(User.email == "lola.lead@council.example")).one()
    assert eia.owner_id == lola.id and not lola.active
    dee = db.exec(select(User).where(User.name == "Dee Director")).one()
    assert db.exec(select(SignOff).where(SignOff.eia_id == eia.id)).one().approver_id == dee.id
    original = db.get(ImportedOriginal, eia.id).parts
    kept = {p["heading"]: p["paragraphs"] for p in original}
    assert kept["Appendix: councillors' comments"] == [
        "Cllr Smith asked for a review after a year."
    ]
    assert kept["Equality Impact Assessment"] == ["Council template v3 (2019)"]
    assert "Survey | Most prefer home visits" in kept["Evidence considered"]
    records = db.exec(select(AuditRecord).where(AuditRecord.seq > seq)).all()
    assert sorted(r.event for r in records) == [
        "imported",
        "user_imported",
        "user_imported",
        "word_imported",
    ]
    imported = json.loads(next(r for r in records if r.event == "imported").details)
    assert imported["original_text"] == original
    assert imported["summary"] == eia.summary
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output

    # The page shows the kept text, escaped.
    sign_in(client, admin)
    page = client.get("/eias/W-1").get_data(as_text=True)
    assert "Imported original text" in page
    assert "Cllr Smith asked for a review after a year." in page
    assert "over 80 &lt;b&gt;not bold&lt;/b&gt;." in page and "<b>not bold" not in page

    # The same file again: nothing changes.
    result = _run(app, path, "--mapping", mapping, "--as", admin.email)
    assert result.exit_code == 0 and "W-1 is already imported" in result.output
    assert "Imported 0 EIAs." in result.output
    db.expire_all()
    assert db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first() == max(
        r.seq for r in records
    )


def test_a_file_with_a_bad_date_imports_nothing(app, db, council, files):
    good = files("good.docx", council_docx("W-2"))
    bad = files("bad.docx", council_docx("W-3", decision_date="next week"))
    mapping = str(Path(good).with_name("mapping.json"))
    result = _run(app, good, bad, "--mapping", mapping, "--as", council[2].email)
    assert result.exit_code == 1
    assert "bad.docx, Date of decision: “next week” is not a date between" in result.output, (
        result.output
    )
    assert "Write the date as 31/03/2025 (day, month, year), or leave it blank." in result.output
    assert "Nothing imported" in result.output
    db.expire_all()
    assert db.exec(select(Eia)).all() == [] and db.exec(select(AuditRecord)).all() == []


def test_problems_say_the_file_the_heading_and_what_to_do(db, council):
    mapping = word.read_mapping(mapping_bytes())
    plans = word.check(
        db,
        [
            ("no-title.docx", council_docx("W-4", title=None)),
            ("nowhere.docx", council_docx("W-5", service="Nowhere")),
            ("not-word.docx", b"PK\x03\x04 not a zip"),
            ("twin.docx", council_docx("W-5")),
        ],
        mapping,
    )
    said = [str(p) for plan in plans for p in plan.problems]
    assert said[0].startswith("no-title.docx, the file: No heading mapped to title is in the file.")
    assert (
        "nowhere.docx, Service area: Adult Social Care has no service called “Nowhere”." in said[1]
    )
    assert said[2].startswith("not-word.docx, the file: It is not a Word (.docx) file.")
    assert said[3].startswith("twin.docx, EIA Reference:: nowhere.docx has the same reference W-5")
    assert db.exec(select(Eia)).all() == []


def test_without_a_reference_the_file_is_known_by_its_sha256(db, council):
    mapping = word.read_mapping(mapping_bytes())
    content = council_docx(reference=None)
    (plan,) = word.check(db, [("a.docx", content)], mapping)
    assert plan.ok, plan.problems
    (eia,) = word.import_files(db, council[2], [plan])
    assert eia.reference.startswith("W-") and len(eia.reference) == 14
    db.flush()
    (again,) = word.check(db, [("renamed.docx", content)], mapping)
    assert again.ok and again.unchanged and word.import_files(db, council[2], [again]) == []


def _zip_of_text() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"", b"plain text", b"\xd0\xcf\x11\xe0" + bytes(600), b"PK\x03\x04 broken", "zip", "xlsx"],
)
def test_what_is_not_a_docx_is_refused_in_words(content):
    from .support.registers import as_xlsx, row

    if content == "zip":
        content = _zip_of_text()
    elif content == "xlsx":
        content = as_xlsx([row("R-1", "Adult Social Care", "Home Care")])
    with pytest.raises(word.FileRefused, match="Word|empty"):
        word.read(content, word.read_mapping(mapping_bytes()))
