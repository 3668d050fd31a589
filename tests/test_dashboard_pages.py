"""The dashboard's pages: who may see them, every number a link to a list as long as the
number, the filters, downloads with the page's numbers, and bad input as a GOV.UK error."""

import csv
import importlib
import io
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from eia.models import ActionItem
from eia.reporting.filters import Quarter

from .support.db import count_queries
from .support.figures import build_world, today
from .support.html import get_page
from .support.people import sign_in


@pytest.fixture
def world(db, make):
    return build_world(db, make)


@pytest.fixture
def unit(client, world):
    sign_in(client, world.equality)
    return client


def visible(element) -> str:
    """The words a sighted reader sees (without the screen-reader-only additions)."""
    element = BeautifulSoup(str(element), "html.parser")
    for hidden in element.select(".govuk-visually-hidden"):
        hidden.decompose()
    return " ".join(element.get_text().split())


@pytest.mark.parametrize(
    "role, status", [("officer", 403), ("approver", 403), ("equality_officer", 200), ("admin", 200)]
)
def test_only_the_policy_and_equality_unit_and_admins(client, make, role, status):
    sign_in(client, make.user(role))
    for url in (
        "/dashboard",
        "/dashboard/eias?figure=total",
        "/dashboard/cumulative",
        "/dashboard?table=states&format=csv",
    ):
        assert client.get(url).status_code == status, url
    nav = get_page(client, "/", 200).select("nav a")
    assert ("Dashboard" in [a.get_text(strip=True) for a in nav]) == (status == 200)


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/sign-in?next=" in response.location


def test_every_number_opens_a_list_as_long_as_the_number(unit, world):
    html = get_page(unit, "/dashboard")
    links = [
        a for a in html.select("main table a.govuk-link") if a["href"].startswith("/dashboard/eias")
    ]
    assert len(links) > 60
    checked = 0
    for a in links:
        shown = visible(a)
        if not shown.isdigit():
            continue  # a median links to its spells; their number is the next column
        listing = get_page(unit, a["href"])
        count = visible(listing.select_one("#count")).split()[0]
        assert count == shown, (a["href"], shown, count)
        assert len(listing.select("#drilldown tbody tr")) == int(shown)
        checked += 1
    assert checked > 60


def test_charts_are_accessible_images_with_tables(unit, world):
    html = get_page(unit, "/dashboard")
    figures = html.select("figure.app-chart")
    assert len(figures) == 5
    for figure in figures:
        # Drawn wide and narrow (the stylesheet shows one), saying the same thing.
        wide, narrow = figure.select("svg[role=img]")
        assert "app-chart__svg--wide" in wide["class"]
        assert "app-chart__svg--narrow" in narrow["class"]
        assert narrow["id"] == wide["id"] + "-narrow"
        for svg in (wide, narrow):
            title, desc = svg.find("title"), svg.find("desc")
            assert title.get_text().strip() and desc.get_text().strip()
            assert svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
        assert [t.get_text() for t in wide.select("title, desc")] == [
            t.get_text() for t in narrow.select("title, desc")
        ]
        # Every label and number is written on both (the narrow one may wrap them).
        words = [
            sorted(" ".join(t.get_text() for t in svg.select(".app-chart__row text")).split())
            for svg in (wide, narrow)
        ]
        assert words[0] == words[1]
    negative = html.select_one("#chart-negative")
    assert "Disability: 1 high, 4 low (5 in all)" in negative.find("desc").get_text()
    assert negative.find("pattern") is not None  # bands differ by pattern, not colour alone
    ids = [e["id"] for e in html.select("[id]")]
    assert len(ids) == len(set(ids)), "ids repeated between the drawings"
    assert all(t.find("caption") for t in html.select("main table"))
    assert re.search(
        r"\d{4}/\d{2} Q[1-4]", html.select_one("#table-completion-by-quarter").get_text()
    )


def test_the_filters_change_the_figures_and_travel_with_the_links(unit, world):
    a = world.directorates["A"]
    html = get_page(unit, f"/dashboard?directorate={a.id}")
    states = {visible(r.th): visible(r.td) for r in html.select("#table-states tbody tr")}
    assert states["Approved"] == "3" and states["All states"] == "4"
    assert html.select_one("#directorate option[selected]")["value"] == str(a.id)
    link = html.select_one("#table-states a.govuk-link")
    assert f"directorate={a.id}" in link["href"]
    listing = get_page(unit, link["href"])
    assert all("Directorate A" in visible(r) for r in listing.select("#drilldown tbody tr"))


def _numbers(cells) -> list:
    out = []
    for text in cells:
        text = str(text if text is not None else "").strip().rstrip("%")
        out.append(float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None)
    return out


PAGE_TABLES = {
    "completion": "table-completion",
    "completion_by_quarter": "table-completion-by-quarter",
    "states": "table-states",
    "overdue": "table-overdue",
    "stages": "table-stages",
    "screening": "table-screening",
    "evidence_gaps": "table-evidence-gaps",
    "outcomes": "table-outcomes",
    "negative_impacts": "table-negative-impacts",
    "quality_flags": "table-quality-flags",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_have_the_numbers_on_the_page(unit, world, fmt):
    query = f"directorate={world.directorates['A'].id}"
    html = get_page(unit, f"/dashboard?{query}")
    for name, table_id in PAGE_TABLES.items():
        response = unit.get(f"/dashboard?{query}&table={name}&format={fmt}")
        assert response.status_code == 200
        assert f'filename="eia-dashboard-{name}.{fmt}"' in response.headers["Content-Disposition"]
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
        else:
            rows = [
                list(r)
                for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(
                    min_row=2, values_only=True
                )
            ]
        body = [r for r in html.select(f"#{table_id} tbody tr") if r.th]
        assert len(body) == len(rows), name
        for tr, row in zip(body, rows, strict=True):
            numeric = [visible(td) for td in tr.select("td.govuk-table__cell--numeric")]
            assert str(row[0]).startswith(visible(tr.th)), name
            assert _numbers(numeric) == _numbers(row[-len(numeric) :]), (name, numeric, row)


def test_the_directorate_by_quarter_table_shows_the_latest_quarters_and_downloads_all(
    unit, world, make, monkeypatch
):
    monkeypatch.setattr(importlib.import_module("eia.web.dashboard"), "RECENT_QUARTERS", 1)
    officer = world.eias["on_time"].owner
    make.eia("screening", owner=officer, decision_date=today() - timedelta(days=800))
    html = get_page(unit, "/dashboard")
    shown = {
        visible(tr.select("td")[0])
        for tr in html.select("#table-completion tbody tr")
        if tr.th and "All directorates" not in tr.th.get_text()
    }
    rows = list(
        csv.reader(
            io.StringIO(unit.get("/dashboard?table=completion&format=csv").data.decode("utf-8-sig"))
        )
    )
    quarters = sorted(
        {
            Quarter.parse(_value(r[1]))
            for r in rows[1:]
            if r[0] != "All directorates" and r[1] != NO_DATE
        }
    )
    assert len(quarters) >= 2
    # The latest quarter only, and the approvals with no decision date (no quarter).
    assert shown == {quarters[-1].label, NO_DATE}
    note = visible(html.select_one("#completion-recent-note"))
    assert f"shows the 1 latest quarters that have decisions, of {len(quarters)}" in note
    assert "the latest 1 quarters of" in visible(html.select_one("#table-completion caption"))
    # Chosen by its quarter, an earlier one is on the page.
    early = Quarter.of(today() - timedelta(days=800))
    html = get_page(unit, f"/dashboard?quarter={early.value}")
    assert {
        visible(tr.select("td")[0])
        for tr in html.select("#table-completion tbody tr")
        if tr.th and "All directorates" not in tr.th.get_text()
    } == {early.label}
    assert html.select_one("#completion-recent-note") is None


NO_DATE = "No decision date recorded"


def _value(label: str) -> str:
    """ "2026/27 Q1" as a quarter's value, "2026-Q1"."""
    year, number = label.split()
    return f"{year[:4]}-{number}"


def test_a_list_downloads_with_its_entries(unit, world):
    response = unit.get("/dashboard/eias?figure=state&value=approved&format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Title", "State"] and len(rows) == 1 + 4
    response = unit.get("/dashboard/eias?figure=actions_overdue&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == 1 + 2


@pytest.mark.parametrize(
    "query, message",
    [
        ("directorate=999999", "Choose a directorate from the list"),
        ("directorate=nonsense", "Choose a directorate from the list"),
        ("service=999999", "Choose a service from the list"),
        ("from-day=31&from-month=2&from-year=2026", "Date from must be a real date"),
        ("from-day=x&from-month=y&from-year=z", "Date from must be a real date"),
        ("to-day=1&to-month=13&to-year=2026", "Date to must be a real date"),
        ("quarter=banana", "Choose a quarter from the list"),
        ("proposal_type=%3Cscript%3E", "Choose a kind of proposal from the list"),
        ("table=secrets&format=csv", "The download asked for does not exist"),
        ("table=states&format=pdf", "The download asked for does not exist"),
    ],
)
def test_bad_filters_are_a_clear_error_not_a_crash(unit, world, query, message):
    html = get_page(unit, f"/dashboard?{query}", 400)
    summary = html.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert html.title.get_text().startswith("Error: ")
    for link in summary.select("a"):  # each error links to something on the page
        assert html.select_one(link["href"]) is not None, link["href"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "figure=nope",
        "figure=state&value=nope",
        "figure=completion&value=late&group=x",
        "figure=completion&value=late&group=999999",
        "figure=completion&value=late&fq=2026-Q0",
        "figure=negative_impacts&characteristic=999999",
        "figure=total&directorate=999999",
        "figure=total&format=docx",
    ],
)
def test_a_bad_drilldown_is_a_clear_error(unit, world, query):
    html = get_page(unit, f"/dashboard/eias?{query}", 400)
    summary = html.select_one(".govuk-error-summary")
    assert summary is not None and summary.select("a")
    assert html.select_one(summary.select_one("a")["href"]) is not None


@pytest.mark.slow  # builds a large world
def test_the_page_takes_the_same_number_of_queries_however_many_eias(
    unit, make, db, connection, world
):
    def count(url):
        return count_queries(connection, lambda: unit.get(url))

    urls = [
        "/dashboard",
        "/dashboard/eias?figure=state&value=approved",
        "/dashboard/eias?figure=actions_overdue",
        f"/dashboard/cumulative?characteristic={world.eias['late'].impacts[0].characteristic_id}",
    ]
    before = [count(u) for u in urls]
    owner = make.user("officer")
    for i in range(40):
        eia = make.eia(
            ("approved", "draft", "awaiting_sign_off", "under_review")[i % 4], owner=owner
        )
        db.add(
            ActionItem(
                eia=eia, description="Act", status="planned", due_date=today() - timedelta(days=2)
            )
        )
    db.flush()
    after = [count(u) for u in urls]
    assert before == after
    assert before[0] <= 20


def test_the_eia_page_shows_its_quality_flags(unit, world):
    html = get_page(unit, f"/eias/{world.eias['late'].reference}")
    assert "Signed off after the decision date" in html.select_one("#quality-flags").get_text()


def test_the_page_says_how_completion_is_counted_and_shows_approvals_without_a_date(unit, world):
    html = get_page(unit, "/dashboard")
    words = visible(html.select_one("#completion-definitions"))
    assert "approval on the day of the decision counts as on time" in words
    assert "once for each version" in words and "No decision date recorded" in words
    assert "on time ÷ (on time + late + no decision date recorded + missed)" in words
    for table in ("#table-completion-by-quarter", "#table-completion"):
        row = next(tr for tr in html.select(f"{table} tbody tr") if NO_DATE in visible(tr))
        headings = [visible(th) for th in html.select(f"{table} thead th")]
        cells = dict(
            zip(
                headings[-7:],
                [visible(td) for td in row.select("td.govuk-table__cell--numeric")],
                strict=True,
            )
        )
        assert cells["No decision date recorded"] == "1" and cells["Due"] == "1"
        assert cells["Completion rate"] == "0%"
        link = row.select("td.govuk-table__cell--numeric a")[2]
        listing = get_page(unit, link["href"])
        assert [visible(tr.th) for tr in listing.select("#drilldown tbody tr")] == [
            world.eias["no_date"].reference
        ]
    flags = {
        visible(tr.th): visible(tr.select("td")[-1])
        for tr in html.select("#table-quality-flags tbody tr")
    }
    assert flags["Signed off with no decision date recorded"] == "1"


def test_the_filters_are_the_govuk_components_with_the_links_names(unit, world):
    """The form (forms/dashboard.py) renders GOV.UK's components, keeps the services under
    their directorates and the dates' boxes named as the links carry them; an error links
    to the box to fix, which shows it."""
    a = world.directorates["A"]
    html = get_page(unit, f"/dashboard?directorate={a.id}&from-day=1&from-year=2026", 400)
    groups = html.select("#service optgroup")
    assert groups and {g["label"] for g in groups} >= {"Directorate A"}
    assert html.select_one("#service option")["value"] == ""
    assert [i["name"] for i in html.select("#from input")] == [
        "from-day",
        "from-month",
        "from-year",
    ]
    assert html.select_one("#from-day")["value"] == "1"
    link = html.select_one(".govuk-error-summary a")
    assert link["href"] == "#from-month" and "Date from must include a month" in visible(link)
    assert "govuk-input--error" in html.select_one("#from-month")["class"]
    assert "govuk-input--error" not in html.select_one("#from-day")["class"]
    assert html.select_one("#from-error") is not None
