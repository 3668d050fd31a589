"""The council with known dashboard figures: two directorates, eleven EIAs in the states and
with the dates, actions, gaps and scores the expectations in tests/test_dashboard_figures.py
count (also used by the dashboard's pages, the quality flags, the summaries and cumulative
impact)."""

from dataclasses import dataclass
from datetime import date, timedelta

from eia import operations as ops
from eia.models import ActionItem, EngagementRecord, london_date, utcnow


def today() -> date:
    return london_date(utcnow())


@dataclass
class World:
    directorates: dict
    services: dict
    eias: dict
    equality: object


def approve_late(db, make, eia, approver):
    """Approve ``eia`` (awaiting sign-off) after its decision date: flagged late."""
    eia.decision_date = today() - timedelta(days=10)
    db.add(eia)
    db.flush()
    ops.transition(
        db, eia, "approve", approver, attested=True, late_reason="The committee met early."
    )
    db.flush()


def build_world(db, make) -> World:
    """Two directorates, eleven EIAs with known figures (see the expectations below)."""
    a, b = make.directorate("Directorate A"), make.directorate("Directorate B")
    a1, a2, b1 = (
        make.service(a, "Service A1"),
        make.service(a, "Service A2"),
        make.service(b, "Service B1"),
    )
    officers = {s.name: make.user("officer", service=s) for s in (a1, a2, b1)}
    approvers = {
        a.id: make.user("approver", directorate=a),
        b.id: make.user("approver", directorate=b),
    }

    def new(status, service, **proposal):
        return make.eia(
            status,
            owner=officers[service.name],
            approver=approvers[service.directorate_id],
            **proposal,
        )

    e = {}
    e["on_time"] = new("approved", a1)
    e["late"] = new("awaiting_sign_off", a1)
    approve_late(db, make, e["late"], approvers[a.id])
    e["missed"] = new("awaiting_sign_off", a2)
    e["missed"].decision_date = today() - timedelta(days=5)
    e["upcoming"] = new("awaiting_sign_off", b1, proposal_type="budget_saving")
    e["draft"] = new("draft", b1)
    e["withdrawn"] = new("withdrawn", b1)
    e["under_review"] = new("under_review", b1)  # started early: its review date is ahead
    e["review_due"] = new("approved", a1)
    e["review_due"].review_date = today() - timedelta(days=1)
    # Screened out: every characteristic not relevant, then straight to sign-off.
    screened = new("screening", b1)
    make.screen(screened, officers["Service B1"], relevant=())
    ops.transition(db, screened, "screen_out", officers["Service B1"])
    e["screened_out"] = screened
    # Revised: version 1 signed off on time, version 2 (a later decision) being assessed.
    revised = new("approved", b1)
    ops.transition(db, revised, "start_review", officers["Service B1"])
    ops.transition(db, revised, "revise", approvers[b.id], review_notes="The service changed.")
    ops.update_eia(
        db,
        revised,
        "proposal",
        officers["Service B1"],
        {"decision_date": today() + timedelta(days=120)},
    )
    e["revised"] = revised
    e["no_date"] = new("approved", b1, decision_date=None)  # signed off, no decision date

    # Overdue actions: two count (open, past due, on a live EIA); three do not.
    yesterday, tomorrow = today() - timedelta(days=1), today() + timedelta(days=1)
    for eia, status, due in (
        (e["on_time"], "planned", yesterday),
        (e["on_time"], "done", yesterday),
        (e["on_time"], "planned", tomorrow),
        (e["withdrawn"], "planned", yesterday),
        (e["review_due"], "in_progress", yesterday),
    ):
        db.add(ActionItem(eia=eia, description=f"Action {status}", status=status, due_date=due))

    # Evidence gaps: on_time's disability (no action: flagged), late's age (with an action).
    gap = next(i for i in e["on_time"].impacts if i.characteristic.key == "disability")
    gap.evidence_gap, gap.evidence_gap_reason = True, "No data on disabled users."
    gap2 = next(i for i in e["late"].impacts if i.characteristic.key == "age")
    gap2.evidence_gap, gap2.evidence_gap_reason = True, "Ages not recorded."
    db.flush()
    db.add(
        ActionItem(
            eia=e["late"],
            description="Record ages.",
            impact_id=gap2.id,
            from_evidence_gap=True,
            status="proposed",
        )
    )

    # Late's disability impact is high after mitigation (the factory scores low: 2 x 2).
    high = next(i for i in e["late"].impacts if i.characteristic.key == "disability")
    high.residual_likelihood, high.residual_severity = 4, 4

    # Outcome 3 without its justification on review_due.
    e["review_due"].outcome = "3"

    # Engagement recorded on four of the six fully assessed EIAs sent for sign-off.
    for key in ("on_time", "late", "missed", "upcoming", "no_date"):
        db.add(EngagementRecord(eia=e[key], who="Residents' panel"))
    for eia in e.values():
        db.add(eia)
    db.flush()
    return World({"A": a, "B": b}, {"A1": a1, "A2": a2, "B1": b1}, e, make.user("equality_officer"))
