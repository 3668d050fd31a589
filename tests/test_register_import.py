"""Importing a council's register of EIAs (eia/imports/register.py): reading the file,
guessing the columns, the dry run's problems, the import as one audited operation, and how
imported EIAs count in the dashboard's figures and summaries."""

from datetime import date

import pytest
from sqlmodel import select

from eia import audit
from eia.imports import register
from eia.imports.dates import NotADate, parse_date
from eia.models import AuditRecord, Eia, EiaDecision, SignOff, StageSpell, User
from eia.reporting import cube, summaries
from workflows.lifecycle import Status

from .support.cube import cells as cube_cells
from .support.registers import HEADERS, as_csv, as_xlsx, row
from .support.summaries import snapshot


@pytest.fixture
def council(make):
    directorate = make.directorate("Adult Social Care")
    service = make.service(directorate, "Home Care")
    admin = make.user("admin", name="Ada Admin")
    return directorate, service, admin


def _plan(db, content, filename="register.csv", mapping=None):
    table = register.read(filename, content)
    return table, register.check(db, table, mapping or register.guess_mapping(table.columns))


def _import(db, admin, content, filename="register.csv"):
    _table, plan = _plan(db, content, filename)
    assert plan.ok, plan.problems
    result = register.import_register(db, admin, plan, filename=filename, content=content)
    db.flush()
    return result


@pytest.mark.parametrize(
    "text",
    [
        "31/03/2025",
        "31-Mar-2025",
        "2025-03-31",
        "31 March 2025",
        "31st March 2025",
        "31/3/25",
        "45747",
        45747,
        45747.0,
        "31.03.2025",
        "2025-03-31 00:00:00",
        "Mar 31, 2025",
    ],
)
def test_dates_in_every_format_councils_use(text):
    assert parse_date(text) == date(2025, 3, 31)


@pytest.mark.parametrize("text", ["31/02/2025", "next week", "1", "13/13/2013", "1899-01-01", True])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(NotADate):
        parse_date(text)


def test_the_columns_are_guessed_from_the_headers():
    headers = [
        "EIA Ref",
        "Name of proposal",
        "Department",
        "Service area",
        "Author",
        "Date of decision",
        "Decided by",
        "Screening",
        "EIA outcome",
        "Approved by/on",
        "Next review",
        "URL",
    ]
    table = register.read("r.csv", as_csv([], headers=headers))
    mapping = register.guess_mapping(table.columns)
    assert {k: v for k, v in mapping.items() if v is not None} == {
        "reference": 0,
        "title": 1,
        "directorate": 2,
        "service": 3,
        "lead_officer": 4,
        "decision_date": 5,
        "decision_maker": 6,
        "screening_result": 7,
        "outcome": 8,
        "approved_by": 9,
        "review_date": 10,
        "published_link": 11,
    }


def test_a_merged_title_and_merged_group_headers_in_a_workbook():
    headers = [*HEADERS[:9], "Approved", None, *HEADERS[11:]]
    sub = ["" for _ in HEADERS]  # the second header row
    sub[9], sub[10] = "by", "on"
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Equality impact assessments 2019 to 2025"])
    sheet.merge_cells("A1:N1")
    sheet.append(headers)
    sheet.merge_cells("J2:K2")
    for c in [*range(9), 11, 12, 13]:  # the other headers span both header rows
        sheet.merge_cells(start_row=2, start_column=c + 1, end_row=3, end_column=c + 1)
    sheet.append(sub)
    sheet.append(row("R-1", "Adult Social Care", "Home Care"))
    out = io.BytesIO()
    book.save(out)
    table = register.read("r.xlsx", out.getvalue())
    mapping = register.guess_mapping(table.columns)
    labels = {c.index: c.label for c in table.columns}
    assert labels[9] == "Approved by" and labels[10] == "Approved on"
    assert mapping["approved_by"] == 9 and mapping["approved_on"] == 10
    assert mapping["reference"] == 0 and len(table.rows) == 1


def test_a_two_row_header_in_a_csv():
    above = ["" for _ in HEADERS]
    above[9] = "Approved"
    headers = [*HEADERS[:9], "by", "on", *HEADERS[11:]]
    table = register.read("r.csv", as_csv([], headers=headers, above=above))
    mapping = register.guess_mapping(table.columns)
    assert mapping["approved_by"] == 9 and mapping["approved_on"] == 10


def test_the_dry_run_lists_every_problem_in_plain_words_and_writes_nothing(db, council):
    rows = [
        row("R-1", "Adult Social Care", "Home Care"),
        row("R-1", "Adult Social Care", "Home Care"),
        ["" for _ in HEADERS],  # blank: skipped
        row("R-2", "Adults", "Home Care", decision_date="the 5th"),
        row("R-3", "Adult Social Care", "Meals", outcome="7", approved_on=""),
    ]
    before = db.exec(select(AuditRecord.seq)).all()
    _table, plan = _plan(db, as_csv(rows))
    assert not plan.ok
    said = [(p.row, p.column, p.what, p.todo) for p in plan.problems]
    assert (
        3,
        "Reference",
        "The reference R-1 is also on row 2",
        "Give each EIA its own reference, or remove the repeated row",
    ) in said
    assert any(p[0] == 5 and p[1] == "Directorate" and "“Adults”" in p[2] for p in said)
    assert any(
        p[0] == 5 and p[1] == "Decision date" and "“the 5th” is not a date" in p[2] for p in said
    )
    assert any(
        p[0] == 6 and p[1] == "Service" and "no service called “Meals”" in p[2] for p in said
    )
    assert not any(p[0] == 4 for p in said)  # the blank row
    assert db.exec(select(AuditRecord.seq)).all() == before
    with pytest.raises(register.ops.EditRefused):
        register.import_register(db, council[2], plan, filename="r.csv", content=b"")


def test_the_import_adds_historical_records_people_and_one_audited_operation(db, council):
    directorate, service, admin = council
    known = db.exec(select(User).where(User.id == admin.id)).one()
    content = as_xlsx(
        [
            row("R-1", "adult social care", "home care"),
            row(
                "R-2",
                "Adult Social Care",
                "Home Care",
                lead_officer=known.name,
                approved_by="",
                approved_on="",
                status="archived",
            ),
        ],
        headers=[*HEADERS],
    )
    result = _import(db, admin, content, "register.xlsx")
    assert (result.eias, result.people, result.unchanged) == (2, 2, 0)
    first = db.exec(select(Eia).where(Eia.reference == "R-1")).one()
    assert first.status == Status.approved and first.imported_at is not None
    assert first.imported_version == 1 and "register.xlsx" in first.import_source
    assert first.decision_date == date(2025, 3, 31) and first.review_date == date(2027, 3, 31)
    assert first.outcome == "2" and first.published_link.endswith("/R-1")
    assert first.service_id == service.id and not first.publishable
    lola = db.exec(select(User).where(User.email == "lola.lead@council.example")).one()
    assert first.owner_id == lola.id and not lola.active and lola.password_hash is None
    dee = db.exec(select(User).where(User.name == "Dee Director")).one()
    assert not dee.active and dee.email.endswith("@imported.invalid")
    sign_off = db.exec(select(SignOff).where(SignOff.eia_id == first.id)).one()
    assert sign_off.approver_id == dee.id and not sign_off.attested and not sign_off.late
    records = db.exec(select(AuditRecord).where(AuditRecord.eia_id == first.id)).all()
    assert [(r.action, r.event, r.to_state) for r in records] == [
        ("import", "imported", "approved")
    ]
    admin_events = db.exec(select(AuditRecord.event).where(AuditRecord.action == "admin")).all()
    assert sorted(admin_events) == ["register_imported", "user_imported", "user_imported"]
    assert audit.verify(db).ok
    archived = db.exec(select(Eia).where(Eia.reference == "R-2")).one()
    assert archived.status == Status.archived and archived.owner_id == admin.id


def test_importing_the_same_file_again_changes_nothing(db, council):
    content = as_csv([row(f"R-{n}", "Adult Social Care", "Home Care") for n in range(3)])
    _import(db, council[2], content)
    seq = db.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first()
    people = db.exec(select(User.id)).all()
    _table, plan = _plan(db, content)
    assert plan.ok and plan.rows == [] and [r for _n, r in plan.unchanged] == ["R-0", "R-1", "R-2"]
    assert plan.people == {}
    result = register.import_register(db, council[2], plan, filename="r.csv", content=content)
    assert result.eias == 0 and result.unchanged == 3
    assert db.exec(select(User.id)).all() == people
    # Only the record saying the file was imported again.
    new = db.exec(select(AuditRecord).where(AuditRecord.seq > seq)).all()
    assert [r.event for r in new] == ["register_imported"]


def test_a_reference_of_an_eia_made_here_is_a_problem(db, council, make):
    made = make.eia("draft")
    _table, plan = _plan(db, as_csv([row(made.reference, "Adult Social Care", "Home Care")]))
    assert [p.what for p in plan.problems] == [
        f"An EIA made here already has the reference {made.reference}"
    ]


def test_imported_eias_feed_no_completion_figure_and_rebuilding_changes_nothing(db, council, make):
    make.eia("approved")
    _import(db, council[2], as_csv([row("R-1", "Adult Social Care", "Home Care")]))
    imported = db.exec(select(Eia).where(Eia.reference == "R-1")).one()
    assert db.exec(select(EiaDecision).where(EiaDecision.eia_id == imported.id)).all() == []
    assert db.exec(select(StageSpell).where(StageSpell.eia_id == imported.id)).all() == []
    kept = snapshot(db)
    summaries.rebuild(db.connection())
    db.expire_all()
    assert snapshot(db) == kept


def test_an_imported_eia_moves_on_through_the_lifecycle(db, council, make):
    from eia import operations as ops

    _import(
        db,
        council[2],
        as_csv([row("R-1", "Adult Social Care", "Home Care", review_date="01/01/2020")]),
    )
    imported = db.exec(select(Eia).where(Eia.reference == "R-1")).one()
    assert ops.start_due_reviews(db) == ["R-1"]
    assert imported.status == Status.under_review
    kept = snapshot(db)
    summaries.rebuild(db.connection())
    db.expire_all()
    assert snapshot(db) == kept


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + b"\x00" * 40,  # a zip signature and nothing
        None,  # a Word document is a zip too, but not a workbook
    ],
)
def test_a_zip_that_is_no_workbook_is_refused_in_words(content):
    if content is None:
        import io
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        content = out.getvalue()
    with pytest.raises(register.FileRefused, match="not an Excel workbook"):
        register.read("r.xlsx", content)


def test_a_workbook_table_survives_being_kept_between_steps():
    from eia.imports.table import table_from_json, table_json

    content = as_xlsx([row("R-1", "A", "B", decision_date=date(2025, 3, 31), outcome=2.5)])
    table = register.read("r.xlsx", content)
    kept = table_from_json(table_json(table))
    assert kept == table and kept.rows[0][1][5] == table.rows[0][1][5]


def test_the_command_line_dry_run_and_import(app, db, council, tmp_path):
    path = tmp_path / "register.csv"
    runner = app.test_cli_runner()
    path.write_bytes(
        as_csv(
            [
                row("C-1", "Adult Social Care", "Home Care"),
                row("C-2", "Adult Social Care", "Nowhere"),
            ]
        )
    )
    result = runner.invoke(args=["import", "register", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "Row 3, Service: Adult Social Care has no service called “Nowhere”." in result.output
    assert "Nothing imported" in result.output
    path.write_bytes(as_csv([row("C-1", "Adult Social Care", "Home Care")]))
    result = runner.invoke(args=["import", "register", str(path), "--dry-run"])
    assert result.exit_code == 0 and "1 EIA to import" in result.output
    assert "Dry run: nothing imported." in result.output
    assert db.exec(select(Eia).where(Eia.reference == "C-1")).all() == []
    result = runner.invoke(args=["import", "register", str(path)])
    assert result.exit_code == 2 and "--as" in result.output
    result = runner.invoke(args=["import", "register", str(path), "--as", council[2].email])
    assert result.exit_code == 0 and "Imported 1 EIA." in result.output
    db.expire_all()
    assert db.exec(select(Eia).where(Eia.reference == "C-1")).one().imported_at is not None


def test_how_imported_eias_count_in_the_dashboard(db, council):
    """In the counts by state, the outcomes and the overdue reviews (they are the council's
    EIAs in force, and their reviews are due) and the flags about what the record holds;
    not in completion, the flags about signing off, or the share screened out (they were
    not signed off or screened here)."""
    from eia.reporting.figures import dashboard
    from eia.reporting.filters import Filters

    before = dashboard(db, Filters())
    _import(
        db,
        council[2],
        as_csv(
            [
                row(
                    "D-1",
                    "Adult Social Care",
                    "Home Care",
                    review_date="01/01/2020",
                    outcome="3",
                    approved_on="01/06/2025",
                ),  # approved after its decision date
                row(
                    "D-2",
                    "Adult Social Care",
                    "Home Care",
                    status="archived",
                    screening_result="screened out",
                ),
            ]
        ),
    )
    after = dashboard(db, Filters())
    # Written past the ORM, the imported EIAs are in the dashboard's cube all the same: its
    # kept cells equal those rebuilt from the tables.
    kept = cube_cells(db)
    cube.rebuild(db.connection())
    assert cube_cells(db) == kept
    assert after.states["approved"] == before.states.get("approved", 0) + 1
    assert after.states["archived"] == before.states.get("archived", 0) + 1
    assert after.outcomes.get("3", 0) == before.outcomes.get("3", 0) + 1
    assert after.reviews_overdue == before.reviews_overdue + 1
    assert after.completion_total == before.completion_total
    # Flags about what the record holds apply (it has no justification for outcome 3 and
    # its review is overdue); those about signing off here do not.
    changed = {k for k in after.flags if after.flags[k] != before.flags.get(k)}
    assert changed == {"review_overdue", "outcome_3_unjustified"}
    assert (after.screened_out, after.screening_decided) == (
        before.screened_out,
        before.screening_decided,
    )
