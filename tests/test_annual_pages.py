"""The two questions' pages and the annual equality report: who may see them, every number a
link to a list as long as the number, sorting on the server, the Word document's structure
(real headings, repeating header rows, no images), the download's row per directorate per
year, and bad input as a GOV.UK error, never a 500."""

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from eia.models import london_date, utcnow
from eia.reporting.annual import annual_report

from .support.annual import ROUND, YEAR, build_annual_world, tag_rounds
from .support.html import error_summary, get_page, parse, words
from .support.people import sign_in

PAGES = (
    "/reports/annual?year=2025",
    "/dashboard/late-sign-off?year=2025",
    "/dashboard/groups?year=2025",
)


@pytest.fixture
def world(db, make):
    return build_annual_world(db, make)


@pytest.fixture
def unit(client, make, world):
    sign_in(client, make.user("equality_officer"))
    return client


@pytest.mark.parametrize(
    "role, status", [("officer", 403), ("approver", 403), ("equality_officer", 200), ("admin", 200)]
)
def test_only_the_policy_and_equality_unit_and_admins(client, make, role, status):
    sign_in(client, make.user(role))
    for url in (*PAGES, "/reports/annual?year=2025&format=docx", "/reports/annual/list?year=2025"):
        if status == 200 and url.endswith("list?year=2025"):
            continue  # (no figure named: an error for the unit, tested below)
        assert client.get(url).status_code == status, url


def test_every_number_opens_a_list_as_long_as_the_number(unit, world, db):
    """Each number on the three pages is its figure's count (and the figure's list, the
    tests of eia.reporting.annual show, has as many entries); a sample of lists is opened."""
    report = annual_report(db, YEAR, london_date(utcnow()))
    links = {}
    for url in PAGES:
        for link in get_page(unit, url).select("td a[href^='/reports/annual/list']"):
            links[link["href"]] = int(link.find(string=True, recursive=False).strip())
    assert len(links) > 50
    for href, shown in links.items():
        assert report.count(parse_qs(urlparse(href).query)["cell"][0]) == shown, href
    for href in sorted(links)[::15]:
        count = words(get_page(unit, href).select_one("#count"))
        assert count.startswith(f"{links[href]} "), (href, count)


def test_the_report_says_the_known_figures(unit, world):
    _the_late_table_sorts_on_the_server(unit)
    _no_year_means_the_last_full_year_for_the_report(unit)
    page = get_page(unit, "/reports/annual?year=2025")
    late = page.select_one("#table-late")
    a = next(tr for tr in late.select("tbody tr") if "Directorate A" in words(tr.th))
    cells = [words(td) for td in a.select("td")]
    assert cells[:5] == [
        "4 decisions due in Directorate A, 2025/26",
        "1 signed off on time in Directorate A, 2025/26",
        "1 signed off late in Directorate A, 2025/26",
        "1 missed in Directorate A, 2025/26",
        "1 signed off with no decision date recorded in Directorate A, 2025/26",
    ]
    assert "Few" in cells[5] and "25% (1 of 4: too few to compare)" in cells[5]
    assert cells[7] == "−75 percentage points (too few to compare)"
    groups = page.select_one("#table-groups")
    age = next(tr for tr in groups.select("tbody tr") if words(tr.th) == "Age")
    assert "Hit by 5 decisions" in words(age)
    # Every section has a one-line definition.
    assert len(page.select(".app-definition")) >= 15


def _the_late_table_sorts_on_the_server(unit):
    def order(url):
        page = get_page(unit, url)
        return [words(tr.th) for tr in page.select("#table-late tbody tr")][:-1]

    assert order("/dashboard/late-sign-off?year=2025&sort=rate&order=asc") == [
        "Directorate A",
        "Directorate B",
    ]
    assert order("/dashboard/late-sign-off?year=2025&sort=rate&order=desc") == [
        "Directorate B",
        "Directorate A",
    ]
    page = get_page(unit, "/dashboard/late-sign-off?year=2025&sort=late&order=desc")
    sorted_heading = page.select_one("#table-late th[aria-sort]")
    assert sorted_heading["aria-sort"] == "descending" and "Late" in words(sorted_heading)
    # Choosing the sorted heading again reverses the order.
    query = parse_qs(urlparse(sorted_heading.a["href"]).query)
    assert query["sort"] == ["late"] and query["order"] == ["asc"]


BAD_INPUT = (
    ("/reports/annual?year=20x5", "Choose a financial year from the list"),
    ("/reports/annual?year=1999", "Choose a financial year from the list"),
    ("/dashboard/groups?year=<script>", "Choose a financial year from the list"),
    ("/dashboard/groups?year=2025&round=Budget+1999", "Choose a decision round from the list"),
    ("/dashboard/late-sign-off?year=2025&sort=nope", "Choose a column to sort by"),
    ("/dashboard/late-sign-off?year=2025&order=up", "Choose ascending or descending"),
    ("/reports/annual?year=2025&format=pdf", "Choose Word, CSV or XLSX"),
    ("/reports/annual/list?year=2025&cell=nope", "The figure in the link does not exist"),
    ("/reports/annual/list?year=2025", "names none"),
    ("/reports/annual/list?year=2025&cell=completion.all.2025.due&format=x", "CSV or XLSX"),
)


def test_bad_input_is_a_clear_message(client, make):
    sign_in(client, make.user("equality_officer"))
    for url, message in BAD_INPUT:
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in " ".join(text for text, _ in error_summary(response)), url


def test_all_groups_in_a_decision_round(unit, world, db):
    """The round chosen on the groups page: every group, flagged at two decisions, each
    count a link to a list as long as the count (carrying the round)."""
    tag_rounds(db, world)
    page = get_page(unit, "/dashboard/groups?year=2025")
    assert page.select_one("#table-round") is None
    options = [o.get("value") for o in page.select("select#round option")]
    assert options == ["", ROUND, "Budget 2026/27"]
    page = get_page(unit, f"/dashboard/groups?year=2025&round={ROUND}")
    assert words(page.select_one("h2#round")) == f"All groups in {ROUND}"
    assert page.select_one("select#round option[selected]")["value"] == ROUND
    warning = words(page.select_one("#round ~ .govuk-warning-text"))
    assert f"in {ROUND}: Age, Disability." in warning
    rows = {words(tr.th): tr for tr in page.select("#table-round tbody tr")}
    assert "Hit by 2 decisions" in words(rows["Age"])
    assert words(rows["Race"].select("td")[-1]) == "No"
    links = page.select("#table-round td a")
    assert len(links) == len(rows) * 6
    for link in links:
        query = parse_qs(urlparse(link["href"]).query)
        assert query["round"] == [ROUND] and query["cell"][0].startswith("round.")
    race = rows["Race"].select("td")
    assert words(race[4]).startswith("1 ")  # all negative: the intersectional impact
    listed = get_page(unit, race[4].a["href"])
    assert words(listed.select_one("#count")).startswith("1 ")
    assert world.stories["boundary_in"].eia.reference in words(listed)


def _no_year_means_the_last_full_year_for_the_report(unit):
    page = get_page(unit, "/reports/annual")
    assert page.select_one("h1") is not None and "Annual equality report:" in words(page.h1)


def test_the_word_document_has_real_headings_and_header_rows(unit, world):
    response = unit.get("/reports/annual?year=2025&format=docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "eia-annual-report-2025.docx" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    assert document.core_properties.title == "Equality Impact Assessments: annual report 2025/26"
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == ("Title", "Equality Impact Assessments: annual report 2025/26")
    assert ("Heading 1", "Signed off before the decision") in headings
    assert ("Heading 1", "Groups most often negatively affected, and what was done") in headings
    assert len(document.tables) >= 8
    for table in document.tables:
        first = table.rows[0]._tr
        header = first.find(qn("w:trPr")).find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        # Only the first row is a header row, and every header cell is bold text.
        assert all(r._tr.find(qn("w:trPr")) is None for r in table.rows[1:])
        assert all(run.bold for c in table.rows[0].cells for run in c.paragraphs[0].runs)
    # No images (the figures are tables), so nothing needs alternative text.
    assert not document.inline_shapes
    late = next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "Directorate" and len(t.columns) == 9
    )
    a = next(r for r in late.rows if r.cells[0].text == "Directorate A")
    assert [c.text for c in a.cells[1:7]] == [
        "4",
        "1",
        "1",
        "1",
        "1",
        "25% (1 of 4: too few to compare)",
    ]


def test_the_download_has_a_row_per_directorate_per_year(unit, world):
    _the_list_downloads(unit)
    response = unit.get("/reports/annual?year=2025&format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Financial year", "Directorate", "Decisions"]
    assert [(r[0], r[1], r[2]) for r in body] == [
        ("2024/25", "Directorate A", "1"),
        ("2025/26", "Directorate A", "4"),
        ("2025/26", "Directorate B", "3"),
    ]
    column = dict(zip(header, body[1], strict=True))
    assert column["Completion rate (%)"] == "25" and column["Actions due"] == "2"
    # Quality flags are as they stand now: given for the report's year alone.
    assert dict(zip(header, body[0], strict=True))["EIAs with a quality flag"] == ""
    xlsx = unit.get("/reports/annual?year=2025&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]] == header and sheet.max_row == 4


def _the_list_downloads(unit):
    response = unit.get("/reports/annual/list?year=2025&cell=completion.all.2025.due&format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 7 and re.match(r"EIA-", rows[1][0])
    page = parse(unit.get("/reports/annual/list?year=2025&cell=completion.all.2025.due"))
    assert words(page.select_one(".govuk-back-link")) == "Annual equality report"


def test_with_no_year_chosen_the_list_shows_the_year_reported(unit):
    from eia.reporting.years import FinancialYear

    last_full = FinancialYear.of(london_date(utcnow())).previous()
    page = parse(unit.get("/reports/annual"))
    chosen = page.select_one("select#year option[selected]")
    assert chosen is not None and chosen["value"] == last_full.value
    assert last_full.label in page.find("h1").get_text()
