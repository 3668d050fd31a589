"""Cumulative impact: the negative residual impacts on one group across signed-off EIAs in a
period or decision round, and the warning when several decisions fall on the same group."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from eia.models import Characteristic, IntersectionalImpact
from eia.reporting.cumulative import WARNING_AT, cumulative_impact

from .support.figures import today
from .support.html import get_page
from .support.people import sign_in

ROUND = "Budget 2027/28"


def chars(db) -> dict[str, Characteristic]:
    return {c.key: c for c in db.exec(select(Characteristic)).all()}


@pytest.fixture
def budget(db, make):
    """Two approved budget EIAs hit disabled people (and age); one awaiting sign-off and one
    in another round do too, but do not count; an intersectional impact on older disabled
    women in a third signed-off EIA."""
    c = chars(db)
    e = {
        "swimming": make.eia("approved", decision_round=ROUND, proposal_type="budget_saving"),
        "charging": make.eia("under_review", decision_round=ROUND, proposal_type="budget_saving"),
        "waiting": make.eia("awaiting_sign_off", decision_round=ROUND),
        "other_round": make.eia("approved", decision_round="Budget 2026/27"),
        "mixed": make.eia("archived", decision_round="Budget 2026/27"),
    }
    x = IntersectionalImpact(
        eia=e["mixed"],
        description="Older disabled women",
        direction="negative",
        residual_likelihood=3,
        residual_severity=3,
        inherent_likelihood=4,
        inherent_severity=3,
    )
    x.characteristics = [c["age"], c["disability"], c["sex"]]
    db.add(x)
    db.flush()
    return e


def test_negative_impacts_on_one_group_in_a_round(db, budget):
    disability = chars(db)["disability"].id
    found = cumulative_impact(db, [disability], decision_round=ROUND)
    assert {r.reference for r in found.rows} == {
        budget["swimming"].reference,
        budget["charging"].reference,
    }
    assert found.decisions == 2 and found.warn and WARNING_AT == 2
    assert all(r.group == "Disability" and r.band == "low" and r.score == 4 for r in found.rows)


def test_a_single_decision_does_not_warn(db, budget):
    sex = chars(db)["sex"].id
    found = cumulative_impact(db, [sex])
    assert [(r.reference, r.group, r.intersectional) for r in found.rows] == [
        (budget["mixed"].reference, "Older disabled women", True)
    ]
    assert found.decisions == 1 and not found.warn


def test_an_intersectional_group_and_a_period(db, budget):
    c = chars(db)
    found = cumulative_impact(db, [c["disability"].id, c["sex"].id])
    # disability on four signed-off EIAs (the waiting one is left out), plus the combination
    assert found.decisions == 4 and len(found.rows) == 5
    assert found.rows[0].group == "Older disabled women" and found.rows[0].band == "medium"
    later = cumulative_impact(db, [c["disability"].id], date_from=today() + timedelta(days=365))
    assert later.rows == [] and later.decisions == 0


def test_the_page_lists_links_and_warns(client, db, make, budget):
    sign_in(client, make.user("equality_officer"))
    disability = chars(db)["disability"].id
    page = get_page(client, "/dashboard/cumulative")
    assert page.select_one(".govuk-warning-text") is None  # nothing chosen yet
    page = get_page(client, f"/dashboard/cumulative?characteristic={disability}&round={ROUND}")
    warning = page.select_one(".govuk-warning-text")
    assert warning is not None and "2 decisions" in warning.get_text()
    links = [a["href"] for a in page.select("#cumulative tbody a")]
    assert sorted(links) == sorted(f"/eias/{budget[k].reference}" for k in ("swimming", "charging"))
    response = client.get(
        f"/dashboard/cumulative?characteristic={disability}&round={ROUND}&format=csv"
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {
        budget["swimming"].reference,
        budget["charging"].reference,
    }
    sex = chars(db)["sex"].id
    page = get_page(client, f"/dashboard/cumulative?characteristic={sex}")
    assert page.select_one(".govuk-warning-text") is None
    assert len(page.select("#cumulative tbody tr")) == 1


def test_the_warning_threshold_is_a_setting(app, client, db, make, budget):
    app.config["CUMULATIVE_IMPACT_WARNING_AT"] = 3
    sign_in(client, make.user("admin"))
    disability = chars(db)["disability"].id
    page = get_page(client, f"/dashboard/cumulative?characteristic={disability}&round={ROUND}")
    assert page.select_one(".govuk-warning-text") is None
    assert "3 or more decisions" in page.get_text()


@pytest.mark.parametrize(
    "query, message",
    [
        ("round=x", "Choose at least one characteristic"),
        ("characteristic=999999", "Choose characteristics from the list"),
        ("characteristic=abc", "Choose characteristics from the list"),
        ("characteristic=1&round=Nonsense", "Choose a decision round from the list"),
        ("characteristic=1&from-day=30&from-month=2&from-year=2027", "must be a real date"),
        ("characteristic=1&quarter=2027-Q8", "Choose a quarter from the list"),
    ],
)
def test_bad_input_is_a_clear_error(client, make, budget, query, message):
    sign_in(client, make.user("equality_officer"))
    page = get_page(client, f"/dashboard/cumulative?{query}", 400)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    for link in summary.select("a"):
        assert page.select_one(link["href"]) is not None
