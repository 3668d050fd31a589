"""The register import in the browser's terms (the Flask test client): upload, columns,
dry run, import; bad files answered with what to do, never a 500, nothing half imported."""

import io

import pytest
from sqlmodel import select

from eia.models import AuditRecord, Eia, ImportUpload

from .support.people import sign_in
from .support.registers import HEADERS, as_csv, as_xlsx, row


@pytest.fixture
def admin_client(client, make):
    directorate = make.directorate("Adult Social Care")
    make.service(directorate, "Home Care")
    admin = make.user("admin", name="Ada Admin")
    sign_in(client, admin)
    return client


def upload(client, content: bytes, filename="register.csv"):
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def columns_page(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def test_upload_columns_dry_run_import_and_again(admin_client, db):
    content = as_csv([row(f"R-{n}", "Adult Social Care", "Home Care") for n in range(3)])
    where = columns_page(admin_client, upload(admin_client, content))
    page = admin_client.get(where)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Which column is which" in html and "3 rows" in html
    # The guess is selected: Reference is column A.
    assert '<option selected value="0">Reference (column A)</option>' in html or (
        'value="0" selected' in html
    )
    mapping = {h.lower().replace(" ", "_"): str(i) for i, h in enumerate(HEADERS)}
    checked = admin_client.post(where, data=mapping)
    assert checked.status_code == 302
    dry = admin_client.get(checked.headers["Location"])
    text = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "EIAs to import" in text and "Import 3 EIAs" in text
    assert db.exec(select(Eia).where(Eia.reference.like("R-%"))).all() == []
    done = admin_client.post(checked.headers["Location"], data={})
    assert done.status_code == 302
    after = admin_client.get(done.headers["Location"]).get_data(as_text=True)
    assert "3 EIAs imported from register.csv" in after
    assert "This file has been imported" in after and "Import 3 EIAs" not in after
    imported = db.exec(select(Eia).where(Eia.reference.like("R-%"))).all()
    assert len(imported) == 3 and all(e.imported_at for e in imported)
    seq = db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first()
    # Posting again (a second click, an old tab) imports nothing.
    admin_client.post(checked.headers["Location"], data={})
    assert db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first() == seq
    # The same file uploaded again: everything already imported, nothing to do.
    where = columns_page(admin_client, upload(admin_client, content))
    admin_client.post(where, data=mapping)
    again = admin_client.get(where.replace("/columns", "/check")).get_data(as_text=True)
    assert "Already imported, left as they are" in again and "Import 0" not in again


def test_a_file_with_problems_lists_them_and_imports_nothing(admin_client, db):
    rows = [row("R-1", "Adult Social Care", "Home Care"), row("R-2", "Nowhere", "Home Care")]
    where = columns_page(admin_client, upload(admin_client, as_xlsx(rows), "register.xlsx"))
    mapping = {h.lower().replace(" ", "_"): str(i) for i, h in enumerate(HEADERS)}
    check = admin_client.post(where, data=mapping).headers["Location"]
    text = admin_client.get(check).get_data(as_text=True)
    assert "The file has 1 problem" in text
    assert "There is no directorate called “Nowhere”" in text
    assert "Import" not in text.split("Problems")[-1].split("</table>")[-1].split("Change")[0]
    assert admin_client.post(check, data={}).status_code == 200
    assert db.exec(select(Eia).where(Eia.reference.in_(["R-1", "R-2"]))).all() == []


def test_two_fields_in_one_column_and_a_required_field_left_out(admin_client):
    where = columns_page(
        admin_client, upload(admin_client, as_csv([row("R-1", "Adult Social Care", "Home Care")]))
    )
    mapping = {h.lower().replace(" ", "_"): str(i) for i, h in enumerate(HEADERS)}
    mapping["title"] = "0"
    mapping["service"] = ""
    answer = admin_client.post(where, data=mapping)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "This column is already chosen for reference" in text
    assert "Choose the column that holds the service" in text


@pytest.mark.parametrize(
    ("content", "filename", "says"),
    [
        (b"", "r.csv", "Choose the register"),
        (b"PK\x03\x04not really a workbook", "r.xlsx", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0old excel", "r.xls", "save it as .xlsx or as CSV"),
        (b"\n\n , ,\n", "r.csv", "no rows"),
        (b"a\x00b", "r.csv", "not a CSV file"),
    ],
)
def test_bad_files_are_refused_with_what_to_do(admin_client, db, content, filename, says):
    answer = upload(admin_client, content, filename)
    assert answer.status_code == 400
    assert says in answer.get_data(as_text=True)
    assert db.exec(select(ImportUpload)).all() == []


def test_only_administrators_import(client, make):
    for role in ("officer", "approver", "equality_officer"):
        sign_in(client, make.user(role))
        assert client.get("/admin/import").status_code == 403
    sign_in(client, make.user("admin"))
    assert client.get("/admin/import/999/columns").status_code == 404
    assert client.get("/admin/import/99999999999/check").status_code == 404


def test_an_imported_eia_reads_as_imported_everywhere_it_is_shown(admin_client, db):
    from eia.imports import register

    content = as_csv([row("R-9", "Adult Social Care", "Home Care", review_date="01/01/2020")])
    table = register.read("r.csv", content)
    plan = register.check(db, table, register.guess_mapping(table.columns))
    from eia.models import User

    ada = db.exec(select(User).where(User.name == "Ada Admin")).one()
    register.import_register(db, ada, plan, filename="r.csv", content=content)
    db.commit()
    page = admin_client.get("/eias/R-9")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        ">Imported</strong>" in html and "as a historical record, from register file r.csv" in html
    )
    assert "Imported as a historical record (approved) by Ada Admin" in html
    assert "Dee Director" in html  # who approved it, from the register
    assert 'href="https://council.example/eia/R-9"' in html
    for path in ("/eias/R-9/tasks", "/eias/R-9.json", "/dashboard", "/audit", "/public/register"):
        assert admin_client.get(path).status_code == 200, path
    doc = admin_client.get("/eias/R-9.json").get_json()
    assert doc["state"] == "approved" and doc["imported"]["version"] == 1
    assert doc["imported"]["published_link"] == "https://council.example/eia/R-9"
    assert admin_client.get("/public/eias/R-9").status_code == 404  # never published here
    word = admin_client.get("/eias/R-9.docx")
    assert word.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert "Signed off by Dee Director on 28 March 2025 (as the council's records say" in text
