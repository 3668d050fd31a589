"""Quality flags (eia.reporting.quality): each flag raised exactly when its condition holds,
counted on the dashboard, listed behind its count, and shown on the EIA's page."""

from datetime import timedelta

import pytest

from eia import operations as ops
from eia.models import ActionItem, EngagementRecord
from eia.reporting.drilldown import drilldown
from eia.reporting.figures import dashboard
from eia.reporting.filters import Filters
from eia.reporting.quality import FLAGS, flags_for

from .support.figures import approve_late, today
from .support.html import parse
from .support.people import sign_in


def keys(db, eia) -> list[str]:
    return [f.key for f in flags_for(db, eia.id)]


def engaged(db, eia):
    db.add(EngagementRecord(eia=eia, who="Residents' panel"))
    db.flush()
    return eia


def test_a_good_record_raises_no_flag(db, make):
    assert keys(db, engaged(db, make.eia("approved"))) == []
    assert keys(db, make.eia("draft")) == []


def test_late_sign_off(db, make):
    eia = engaged(db, make.eia("awaiting_sign_off"))
    assert "late_sign_off" not in keys(db, eia)
    approve_late(db, make, eia, make.user("approver", directorate=eia.service.directorate))
    assert keys(db, eia) == ["late_sign_off"]


def test_no_engagement_once_sent_for_sign_off(db, make):
    assert "no_engagement" not in keys(db, make.eia("full_assessment"))  # still being written
    eia = make.eia("awaiting_sign_off")
    assert keys(db, eia) == ["no_engagement"]
    engaged(db, eia)
    assert keys(db, eia) == []


def test_an_evidence_gap_without_an_action(db, make):
    eia = engaged(db, make.eia("approved"))
    impact = eia.impacts[0]
    impact.evidence_gap, impact.evidence_gap_reason = True, "No data."
    db.add(impact)
    db.flush()
    assert keys(db, eia) == ["gaps_without_actions"]
    action = ActionItem(eia=eia, description="Find data.", impact_id=impact.id, status="cancelled")
    db.add(action)
    db.flush()
    assert keys(db, eia) == ["gaps_without_actions"]  # a cancelled action does not close it
    action.status = "planned"
    db.add(action)
    db.flush()
    assert keys(db, eia) == []


def test_outcome_3_without_its_justification(db, make):
    eia = engaged(db, make.eia("approved"))
    eia.outcome = "3"
    eia.justification_legitimate_aim = "Balanced budget."
    eia.justification_less_harmful = "  "
    eia.justification_proportionate = "Phased."
    db.add(eia)
    db.flush()
    assert keys(db, eia) == ["outcome_3_unjustified"]
    eia.justification_less_harmful = "Alternatives were worse."
    db.add(eia)
    db.flush()
    assert keys(db, eia) == []


def test_review_overdue(db, make):
    eia = engaged(db, make.eia("approved"))
    eia.review_date = today()
    db.add(eia)
    db.flush()
    assert keys(db, eia) == []  # due today, not yet overdue
    eia.review_date = today() - timedelta(days=1)
    db.add(eia)
    db.flush()
    assert keys(db, eia) == ["review_overdue"]
    # Under review: overdue once its review date has passed, not when started early.
    early = engaged(db, make.eia("under_review"))
    assert early.review_date > today() and keys(db, early) == []
    early.review_date = today() - timedelta(days=1)
    db.add(early)
    db.flush()
    assert keys(db, early) == ["review_overdue"]


def test_no_decision_date_recorded(db, make):
    eia = engaged(db, make.eia("awaiting_sign_off", decision_date=None))
    assert keys(db, eia) == []  # not signed off yet: nothing to flag
    approver = make.user("approver", directorate=eia.service.directorate)
    ops.transition(db, eia, "approve", approver, attested=True)
    db.flush()
    assert keys(db, eia) == ["no_decision_date"]


def test_the_dashboard_counts_and_lists_each_flag(db, make):
    late = make.eia("awaiting_sign_off")
    approve_late(db, make, late, make.user("approver", directorate=late.service.directorate))
    make.eia("awaiting_sign_off")
    overdue = engaged(db, make.eia("under_review"))
    overdue.review_date = today() - timedelta(days=3)
    engaged(db, make.eia("under_review"))  # started early: not overdue
    db.flush()
    counts = dashboard(db, Filters(), today()).flags
    assert counts == {
        "late_sign_off": 1,
        "no_decision_date": 0,
        "no_engagement": 2,
        "gaps_without_actions": 0,
        "outcome_3_unjustified": 0,
        "review_overdue": 1,
    }
    for flag in FLAGS:
        listed = drilldown(db, Filters(), {"figure": "flag", "value": flag.key}, today())
        assert listed.count == counts[flag.key]


@pytest.mark.parametrize("role", ["equality_officer", "officer"])
def test_the_eia_page_shows_its_flags(client, db, make, role):
    eia = make.eia("awaiting_sign_off")
    person = eia.owner if role == "officer" else make.user(role)
    sign_in(client, person)
    page = parse(client.get(f"/eias/{eia.reference}"))
    box = page.select_one("#quality-flags")
    assert box is not None and "No engagement recorded" in box.get_text()
    engaged(db, eia)
    page = parse(client.get(f"/eias/{eia.reference}"))
    assert page.select_one("#quality-flags") is None
