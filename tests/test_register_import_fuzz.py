"""Fuzzing the register import through its pages (the Flask test client): files Hypothesis
makes up (CSV and Excel; wrong types, dates in every format, blank rows, merged and two-row
headers, unknown places and people) never give a 500, and the import is all or nothing: a
file with any problem adds nothing, a clean one adds exactly the rows its dry run listed.
One slow test imports 10,000 rows."""

import io
import time
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from eia import audit
from eia.imports import register, uploads
from eia.models import AuditRecord, Eia, ImportUpload, User

from .support.people import sign_in
from .support.registers import HEADERS, as_csv, as_xlsx, row
from .test_register_import_pages import upload

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
DATE_TEXTS = st.sampled_from(
    [
        "31/03/2025",
        "31-Mar-2025",
        "2025-03-31",
        "31 March 2025",
        "1st April 2024",
        "45747",
        "31/02/2025",
        "soon",
        "2025-13-01",
        "0",
        "",
        " ",
        "31.03.25",
        "Mar 31, 2025",
    ]
)
CELLS = {
    "reference": st.one_of(
        st.from_regex(r"[A-Z]{1,3}-[0-9]{1,4}", fullmatch=True),
        st.integers(0, 10**6),
        st.just(""),
        TEXT,
    ),
    "title": st.one_of(TEXT, st.integers(), st.just("")),
    "directorate": st.one_of(
        st.sampled_from(["Adult Social Care", "adult  social care", "Children", ""]), TEXT
    ),
    "service": st.one_of(st.sampled_from(["Home Care", "HOME CARE", "Libraries", ""]), TEXT),
    "lead_officer": st.one_of(
        st.sampled_from(
            ["Ada Admin", "Lola Lead <lola@council.example>", "x@y.example", "Sam Same", ""]
        ),
        TEXT,
    ),
    "date": st.one_of(
        DATE_TEXTS,
        st.integers(-5, 80000),
        st.floats(allow_nan=True),
        st.dates(date(1980, 1, 1), date(2110, 1, 1)),
        st.none(),
    ),
    "decision_maker": st.one_of(TEXT, st.none()),
    "screening_result": st.sampled_from(["Screened out", "Full assessment", "yes", "maybe", ""]),
    "outcome": st.one_of(
        st.sampled_from(["1", "Outcome 2", "adjust", "stop", "5", ""]), st.integers(0, 5)
    ),
    "approved_by": st.sampled_from(["Dee Director", "Dee Director, 31/03/2025", "", "Ada Admin"]),
    "published_link": st.sampled_from(["https://council.example/x", "council.example", ""]),
    "status": st.sampled_from(["", "approved", "Archived", "draft", "current"]),
}
# What a clean row may hold: right, in any of the ways councils write it.
CLEAN = {
    "reference": st.from_regex(r"[A-Z]{1,3}-[0-9]{1,4}", fullmatch=True),
    "title": st.one_of(TEXT.filter(lambda t: t.strip()), st.integers(0, 10**6)),
    "directorate": st.sampled_from(["Adult Social Care", "adult  social care"]),
    "service": st.sampled_from(["Home Care", "HOME CARE"]),
    "lead_officer": st.sampled_from(
        ["Ada Admin", "Lola Lead <lola@council.example>", "x@y.example", "New Person"]
    ),
    "date": st.one_of(
        st.sampled_from(
            [
                "31/03/2025",
                "31-Mar-2025",
                "2025-03-31",
                "31 March 2025",
                "1st April 2024",
                "45747",
                "31.03.25",
                "Mar 31, 2025",
                "",
            ]
        ),
        st.dates(date(1990, 1, 1), date(2099, 12, 31)),
        st.integers(32874, 73050),
    ),
    "decision_maker": st.one_of(TEXT, st.none()),
    "screening_result": st.sampled_from(["Screened out", "Full assessment", "yes", ""]),
    "outcome": st.one_of(
        st.sampled_from(["1", "Outcome 2", "adjust", "stop", ""]), st.integers(1, 4)
    ),
    "approved_by": st.sampled_from(["", "Ada Admin"]),
    "published_link": st.sampled_from(["https://council.example/x", ""]),
    "status": st.sampled_from(["", "approved", "Archived", "current"]),
}
KIND = {
    "decision_date": "date",
    "approved_on": "date",
    "review_date": "date",
}


@st.composite
def registers(draw):
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 5)) == 0:
            rows.append(["" for _ in HEADERS])  # a blank row
            continue
        source = CLEAN if draw(st.integers(0, 3)) else CELLS
        cells = {}
        for header in HEADERS:
            key = header.lower().replace(" ", "_")
            cells[key] = draw(source[KIND.get(key, key)])
        if source is CLEAN and bool(cells["approved_by"]) != bool(cells["approved_on"]):
            cells["approved_by"] = cells["approved_on"] = ""  # both or neither
        rows.append([cells[h.lower().replace(" ", "_")] for h in HEADERS])
    excel = draw(st.booleans())
    layout = draw(st.sampled_from(["plain", "title", "group"]))
    headers = list(HEADERS)
    if layout == "group":
        headers[9], headers[10] = "by", "on"
    if excel:
        if layout == "group":
            return "register.xlsx", _grouped_xlsx(rows, headers)
        title = "EIA register" if layout == "title" else None
        return "register.xlsx", as_xlsx(rows, headers=headers, title=title)
    plain = [[_as_text(c) for c in r] for r in rows]
    above = None
    if layout == "title":
        above = ["EIA register"]
    elif layout == "group":
        above = ["" for _ in HEADERS]
        above[9] = "Approved"
    return "register.csv", as_csv(plain, headers=headers, above=above)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _grouped_xlsx(rows, headers) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    top = [h if i not in (9, 10) else None for i, h in enumerate(headers)]
    top[9] = "Approved"
    sheet.append(top)
    sheet.append([None] * 9 + ["by", "on"] + [None] * (len(headers) - 11))
    sheet.merge_cells("J1:K1")
    for c in [i for i in range(len(headers)) if i not in (9, 10)]:
        sheet.merge_cells(start_row=1, start_column=c + 1, end_row=2, end_column=c + 1)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def admin_client(client, make, db):
    directorate = make.directorate("Adult Social Care")
    make.service(directorate, "Home Care")
    admin = make.user("admin", name="Ada Admin")
    make.user("officer", name="Sam Same")
    make.user("officer", name="Sam Same")  # two people of one name: a problem to name
    db.commit()
    sign_in(client, admin)
    return client


def _counts(db):
    return (
        db.exec(select(func.count()).select_from(Eia)).one(),
        db.exec(select(func.count()).select_from(User)).one(),
        db.exec(select(func.max(AuditRecord.seq))).one() or 0,
    )


def _through_the_pages(client, db, filename, content):
    """Upload, take the guessed columns, read the dry run, import: what the plan was, and
    the counts before and after."""
    answer = upload(client, content, filename)
    assert answer.status_code in (302, 400), answer.status_code
    if answer.status_code == 400:
        return None, None, None
    where = answer.headers["Location"]
    page = client.get(where)
    assert page.status_code == 200
    kept = db.exec(select(ImportUpload).order_by(ImportUpload.id.desc())).first()
    table = uploads.table_of(kept)
    mapping = register.guess_mapping(table.columns)
    posted = client.post(where, data={k: "" if v is None else str(v) for k, v in mapping.items()})
    assert posted.status_code in (302, 400)
    if posted.status_code == 400:
        return None, None, None
    check = posted.headers["Location"]
    assert client.get(check).status_code == 200
    plan = register.check(db, table, mapping)
    before = _counts(db)
    imported = client.post(check, data={})
    assert imported.status_code in (200, 302)
    db.expire_all()
    return plan, before, _counts(db)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=registers())
def test_made_up_registers_never_give_a_500_nor_half_an_import(admin_client, db, file):
    filename, content = file
    plan, before, after = _through_the_pages(admin_client, db, filename, content)
    with admin_client.session_transaction() as flask_session:
        flask_session.pop("_flashes", None)
    event("refused at upload or columns" if plan is None else f"plan ok: {plan.ok}")
    if plan is None:
        return
    if not plan.ok:
        assert after == before  # nothing at all
    else:
        assert after[0] == before[0] + len(plan.rows)
        assert after[1] == before[1] + len(plan.people)
        # one record per EIA and per person, and one for the file
        assert after[2] == before[2] + len(plan.rows) + len(plan.people) + 1


def test_the_fuzzed_imports_leave_the_audit_trail_intact(admin_client, db):
    content = as_csv([row(f"F-{n}", "Adult Social Care", "Home Care") for n in range(5)])
    plan, before, after = _through_the_pages(admin_client, db, "r.csv", content)
    assert plan.ok and after[0] == before[0] + 5
    assert audit.verify(db).ok


@pytest.mark.slow  # 10,000 rows, as CSV with one bad row, then as Excel: ~30 s a database
def test_ten_thousand_rows_all_or_nothing(admin_client, db):
    rows = [
        row(
            f"BIG-{n:05d}",
            "Adult Social Care",
            "Home Care",
            lead_officer="Ada Admin",
            approved_by="Ada Admin",
            decision_date=date(2024, 6, 1),
            approved_on=datetime(2024, 5, 30),
            review_date=45747,
        )
        for n in range(10_000)
    ]
    bad = [*rows[:-1], row("BIG-09999", "Adult Social Care", "Home Care", review_date="never")]
    started = time.perf_counter()
    bad_csv = as_csv([[_as_text(c) for c in r] for r in bad])
    plan, before, after = _through_the_pages(admin_client, db, "big.csv", bad_csv)
    assert not plan.ok and len(plan.problems) == 1 and plan.problems[0].row == 10_001
    assert after == before
    plan, before, after = _through_the_pages(admin_client, db, "big.xlsx", as_xlsx(rows))
    assert plan.ok and after[0] == before[0] + 10_000
    elapsed = time.perf_counter() - started
    print(f"\n10,000 rows: checked twice and imported once in {elapsed:.1f} s")
